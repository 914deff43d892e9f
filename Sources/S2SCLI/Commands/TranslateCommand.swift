import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2STasks
import S2SText
import S2STraining

/// `s2s translate`: translates lines with a model from `s2s train-translate` — one output line per
/// input line, in order (K lines `i ||| hypothesis ||| score` with --n-best K); input tokenized and
/// output detokenized with the model's own text settings.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate lines (a file or standard input) with a model from train-translate.",
        discussion: """
            Beam search (batched; greedy when --beam-size is 1). Sentences are sorted by length and decoded \
            in batches on all cores (--threads); the output does not depend on --batch-size. Every input line \
            gets an output line: an empty line (or one with no tokens) gets an empty line (with --n-best, the \
            single line `i |||  ||| 0.000000`); a line over --max-source-tokens is cropped to its first tokens, \
            with a warning naming it on standard error. The input is read in blocks, so memory does not grow \
            with its length. \
            Examples:
              echo "the fourth of july, nineteen seventy-six" | s2s translate -m Models/dates
              s2s translate -m Models/en-de test.en --beam-size 5 --length-penalty wu --alpha 0.6 > test.hyp.de
              s2s translate -m Models/en-de test.en --n-best 3            # lines "i ||| hypothesis ||| score"
              s2s translate -m Models/en-de test.en --attention-svg attention/   # attention/000001.svg, …
              s2s translate -m Models/en-de test.en --batch-size 1 --weight-precision bfloat16
              s2s translate -m Models/en-de-1 -m Models/en-de-2 test.en      # an ensemble of two models
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(name: [.customShort("m"), .customLong("model")],
            help: "The model directory written by train-translate; repeat for an ensemble (the mean of the models' log-probabilities at every step).")
    var models: [String] = []

    @Argument(help: "Input file, or - for standard input.")
    var input = "-"

    @OptionGroup var search: SearchOptions

    @Option(help: "Sentences decoded together (results do not depend on it).")
    var batchSize = 32

    @Flag(help: "Follow each best translation with a TAB and its score (OpenNMT-py's -with_score).")
    var withScore = false

    @Option(help: "Write one SVG heatmap of the attention weights per sentence into this directory.")
    var attentionSvg: String?

    /// Lines read, translated and written at a time: memory stays bounded on any input size.
    static let blockSize = 10_000

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give the model directory with -m (several for an ensemble)") }
        guard models.count == 1 || [.float32, .auto].contains(search.weightPrecision) else {
            throw ValidationError("--weight-precision \(search.weightPrecision.rawValue) is for a single model, not an ensemble")
        }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        let started = Stopwatch.now()
        if let note = search.weightPrecision.substitutionNote { log(note) }
        let translator = try Translator(contentsOf: models)
        let lines = try translateInput(with: translator) { FileHandle.standardOutput.write(Data($0.utf8)) }
        let seconds = Stopwatch.now() - started
        log(String(format: "translated %d lines in %.1f s (%.1f lines/s)", lines, seconds, Double(lines) / seconds))
    }

    /// The library options these flags give.
    var options: TranslationOptions {
        var options = search.options
        options.attention = attentionSvg != nil
        options.batchSize = batchSize
        options.threads = runOptions.threads
        return options
    }

    /// Reads `input` in blocks, translates them and hands each block's output text to `write`; returns
    /// the number of lines read.
    func translateInput(with translator: Translator, write: (String) -> Void) throws -> Int {
        let reader = try LineReader(path: input, options: .inference(maxTokens: search.maxSourceTokens))
        let options = self.options
        try reader.forEachBlock(of: Self.blockSize) { block in
            let results = try translator.translate(block.map(\.text), options: options)
            for (line, result) in zip(block, results) where line.cropped || result.cropped {
                log("\(file):\(line.number): longer than --max-source-tokens \(search.maxSourceTokens); translated its first tokens")
            }
            if let attentionSvg { try writeAttention(results, firstLineNumber: block[0].number, to: attentionSvg) }
            write(format(results, firstLineNumber: block[0].number).map { $0 + "\n" }.joined())
        }
        if reader.statistics.invalidReplaced > 0 {
            log("\(reader.statistics.invalidReplaced) input line(s) had invalid UTF-8, replaced by U+FFFD")
        }
        return reader.statistics.lines
    }

    /// The output lines of `results`: the best text each (with --with-score, a TAB and its score), or with
    /// --n-best, `i ||| text ||| score` lines.
    func format(_ results: [TranslationResult], firstLineNumber: Int = 1) -> [String] {
        guard search.nBest > 1 else {
            return withScore ? results.map { "\($0.text)\t\($0.hypotheses[0].score)" } : results.map(\.text)
        }
        return results.enumerated().flatMap { index, result in
            result.hypotheses.map { "\(firstLineNumber - 1 + index) ||| \($0.text) ||| \(String(format: "%.6f", $0.score))" }
        }
    }

    private var file: String { input == "-" ? "<stdin>" : input }

    private func writeAttention(_ results: [TranslationResult], firstLineNumber: Int, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, result) in results.enumerated() {
            guard let best = result.hypotheses.first, let attention = best.attention else { continue }
            let svg = AttentionSVG.render(source: result.sourceTokens.map(AttentionSVG.label), target: best.tokens.map(AttentionSVG.label),
                                          weights: attention.flatMap { $0 })
            try AtomicFile.write(Array(svg.utf8), to: directory + "/" + String(format: "%06d.svg", firstLineNumber + index))
        }
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}
