// The text pipeline of a classifier: built from the training examples (tweet normalisation, case
// folding, optional BPE; vocabulary cut at a minimum count) and stored beside config.json; and the
// examples of a labelled file as token ids, a tokenizer error naming its file and line.
import S2SText

/// Building a classifier's text pipeline and encoding labelled data with it.
///
///     let text = try ClassificationText.buildPipeline(examples: data.examples, settings: TokenizerSettings(tweet: true))
///     let ids = try ClassificationText.encode(data, with: text)   // one id sequence per example
public enum ClassificationText {
    /// A pipeline whose vocabulary holds the tokens of `examples` seen at least `minCount` times.
    public static func buildPipeline(examples: [LabelledExample], settings: TokenizerSettings, bpeMerges: Int = 0,
                                     minCount: Int = 2, maxSize: Int = 0) throws(TextError) -> TextProcessor {
        var builder = try PipelineBuilder(settings: settings, bpeMerges: bpeMerges)
        for example in examples { try builder.add(example.text) }
        return try builder.build(minCount: minCount, maxSize: maxSize)
    }

    /// Token ids of every example; a tokenizer error names the file and line.
    public static func encode(_ data: ClassificationData, with text: TextProcessor) throws(TextError) -> [[Int]] {
        var sequences: [[Int]] = []
        sequences.reserveCapacity(data.examples.count)
        for example in data.examples {
            do throws(TextError) { sequences.append(try text.encode(example.text)) } catch {
                var located = error
                located.file = data.path
                located.line = example.line
                throw located
            }
        }
        return sequences
    }
}
