import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// `s2s translate`: translates lines with a model from `s2s train-translate` — one output line per
/// input line, in order; input tokenized and output detokenized with the model's own text settings.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate lines (a file or standard input) with a model from train-translate.",
        discussion: """
            Examples:
              echo "the fourth of july, nineteen seventy-six" | s2s translate -m Models/dates
              s2s translate -m Models/en-de test.en --beam-size 5 > test.hyp.de
              s2s translate -m Models/en-de test.en --n-best 3      # lines "i ||| hypothesis ||| score"
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(name: [.customShort("m"), .long], help: "The model directory written by train-translate.")
    var model: String

    @Argument(help: "Input file, or - for standard input.")
    var input = "-"

    @Option(help: "Sentences decoded together (results do not depend on it).")
    var batchSize = 32

    @Option(help: "Output length limit: this × the source length + 5 tokens.")
    var maxLengthRatio = 2.0

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxLengthRatio > 0 else { throw ValidationError("--max-length-ratio must be positive") }
    }

    func run() throws {
        BLAS.setThreads(1)   // cores go to batches, one each
        let started = Stopwatch.now()
        let bundle = try TranslatorBundle.load(model)
        let reader = try LineReader(path: input, options: ReadOptions(invalidUTF8: .replace, skipEmpty: false))
        var lines: [String] = []
        while let line = try reader.next() { lines.append(line.text) }
        if reader.statistics.invalidReplaced > 0 {
            log("\(reader.statistics.invalidReplaced) input line(s) had invalid UTF-8, replaced by U+FFFD")
        }
        let output = try translate(lines, with: bundle)
        FileHandle.standardOutput.write(Data(output.map { $0 + "\n" }.joined().utf8))
        let seconds = Stopwatch.now() - started
        log(String(format: "translated %d lines in %.1f s (%.1f lines/s)", lines.count, seconds, Double(lines.count) / seconds))
    }

    /// The output lines for `lines` (one each; n-best lists give several), in order.
    func translate(_ lines: [String], with bundle: TranslatorBundle) throws -> [String] {
        var sources: [[Int]] = []
        for (index, line) in lines.enumerated() {
            do { sources.append(try bundle.text.sourceIds(line)) } catch {
                throw ValidationError("\(input == "-" ? "<stdin>" : input):\(index + 1): \(error)")
            }
        }
        let job = TranslationJob(model: bundle.model, search: GreedyTranslationSearch(), batchSize: batchSize,
                                 threads: runOptions.threads, maxLengthRatio: maxLengthRatio)
        return job.run(sources).map { bundle.text.targetText($0.candidates[0].tokens) }
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}
