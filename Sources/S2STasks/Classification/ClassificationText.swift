// The text pipeline of a classifier: built from the training examples (tweet normalisation, case
// folding, optional BPE; vocabulary cut at a minimum count) and stored beside config.json; and the
// examples of a labelled file as token ids, a tokenizer error naming its file and line.
import S2SText
import S2STraining

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

    /// One streamed pass over a labelled file: how many lines of each label `keep` lets through (every
    /// label without it) and, with `pipeline`, the token counts of their text, counted by `threads`
    /// workers (the counts do not depend on how many). Memory grows with the distinct tokens, not the lines.
    static func scan(path: String, format: LabelledFormat, keep: Set<String>?, pipeline: PipelineBuilder?, threads: Int,
                     progress: @escaping (PreparationProgress) -> Void) throws -> (labels: [String: Int], counted: PipelineBuilder?) {
        let counts = try PipelineCounts(workers: threads, sides: pipeline.map { [$0] } ?? [])
        let reader = try LabelledReader(path: path, format: try ClassificationData.resolve(format, path: path), options: .trainingData)
        var labels: [String: Int] = [:]
        let phase = PreparationPhase("counting tokens", totalLines: try LineReader.total(path), report: progress)
        try ParallelBlocks.run(threads: counts.count, next: { try reader.next() }, work: { (worker, lines: ArraySlice<LabelledLine>) -> [String?] in
            try lines.map { line -> String? in
                guard keep?.contains(line.label) ?? true else { return nil }
                do throws(TextError) { if pipeline != nil { try counts.add(line.text, side: 0, worker: worker) } } catch {
                    throw error.at(path, line: line.number)
                }
                return line.label
            }
        }, consume: { label in if let label { labels[label, default: 0] += 1 } }, progress: { phase.update(lines: $0) })
        return (labels, pipeline == nil ? nil : counts.merged()[0])
    }
}
