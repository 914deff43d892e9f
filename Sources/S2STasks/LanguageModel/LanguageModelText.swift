// The text pipeline of a language model: built from the training text (characters, grapheme clusters,
// or words, optionally BPE) and stored beside config.json; and how a prompt becomes the tokens that
// prime generation.
import S2SCore
import S2SText
import S2STraining

/// Building a language model's text pipeline and encoding prompts with it.
///
///     let processor = try LanguageModelText.buildPipeline(path: "train.txt", settings: TokenizerSettings(unit: .characters))
///     let prompt = try LanguageModelText.promptTokens("ROMEO:", processor: processor)   // [</s>, R, O, …]
public enum LanguageModelText {
    /// Builds the text pipeline of a language model from a training file: characters (grapheme
    /// clusters) or words, optionally with BPE, vocabulary cut at `minCount` and `maxSize`. `threads`
    /// workers count blocks of lines, each with its own tokenizer; the pipeline does not depend on how many.
    public static func buildPipeline(path: String, settings: TokenizerSettings, bpeMerges: Int = 0,
                                      minCount: Int = 1, maxSize: Int = 0, threads: Int = 1,
                                      progress: @escaping (PreparationProgress) -> Void = { _ in }) throws -> TextProcessor {
        let counts = try PipelineCounts(workers: threads, sides: [try PipelineBuilder(settings: settings, bpeMerges: bpeMerges)])
        let reader = try LineReader(path: path, options: ReadOptions(skipEmpty: false))
        let phase = PreparationPhase("counting tokens", totalLines: try LineReader.total(path), report: progress)
        try ParallelBlocks.run(threads: counts.count, next: { try reader.next() }, work: { (worker, lines: ArraySlice<Line>) -> [Void] in
            for line in lines {
                do throws(TextError) { try counts.add(line.text, side: 0, worker: worker) } catch { throw error.at(path, line: line.number) }
            }
            return []
        }, consume: { _ in }, progress: { phase.update(lines: $0) })
        return try counts.merged()[0].build(minCount: minCount, maxSize: maxSize)
    }

    /// A line break first (generation starts as after one), then the prompt's lines, each line break
    /// as `</s>`; a prompt ending in a line break ends with `</s>`.
    public static func promptTokens(_ text: String, processor: TextProcessor) throws(TextError) -> [Int] {
        var tokens = [SpecialTokens.eos]
        guard !text.isEmpty else { return tokens }
        // Split on the scalar: "\r\n" is one Character, which a Character split would not cut.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            let content = String(line.last == "\r" ? line.dropLast() : line)
            tokens += try processor.encode(content, addEOS: i < lines.count - 1)
        }
        return tokens
    }
}
