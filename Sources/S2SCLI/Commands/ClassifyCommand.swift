import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2SText

/// `s2s classify -m DIR [FILE|-]`: one output line per input line, in order — the predicted label, or
/// the top-k labels, optionally with their probabilities. Empty lines are classified too (as an empty
/// sentence), so output and input always line up.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label each input line with a classifier trained by train-classify.",
        discussion: """
            Output, one line per input line: the label; with --prob, label<TAB>probability; with --k K, the K \
            most probable labels separated by TABs (each followed by its probability with --prob). \
            Lines are read in blocks, tokenized and classified on every --threads core, in batches of \
            --batch-size sentences of similar length.
            """)

    @Option(name: [.customShort("m"), .customLong("model")], help: "The model directory train-classify wrote.")
    var model: String

    @Argument(help: "Input text, one sentence per line ('-' or nothing: standard input).")
    var input: String = "-"

    @Flag(help: "Print each label's probability after it.")
    var prob = false

    @Option(help: "Print the K most probable labels.")
    var k = 1

    @Option(help: "Sentences per forward pass.")
    var batchSize = 256

    @OptionGroup var options: RunOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    }

    func run() throws {
        BLAS.setThreads(1)
        let bundle = try ClassifierBundle.load(directory: model)
        let predictor = try ClassifierPredictor(model: bundle.model, text: bundle.text, threads: options.threads, batchSize: batchSize)
        let reader = try LineReader(path: input, options: ReadOptions(invalidUTF8: .replace, skipEmpty: false))
        try Self.classify(reader, predictor: predictor, labels: bundle.labels, k: k, probabilities: prob,
                          blockSize: 4096 * options.threads) { FileHandle.standardOutput.write(Data($0.utf8)) }
    }

    /// Classifies every line of `reader` (empty ones included) in blocks of `blockSize` lines and hands
    /// the output text of each block, one line per input line, to `write`.
    static func classify(_ reader: LineReader, predictor: ClassifierPredictor, labels: [String], k: Int,
                         probabilities: Bool, blockSize: Int, write: (String) -> Void) throws {
        var block: [String] = []
        var firstLine = 1
        func flush() throws {
            guard !block.isEmpty else { return }
            let rows: [[Float]]
            do { rows = try predictor.probabilities(lines: block, firstLineNumber: firstLine) } catch {
                var located = error
                located.file = reader.path
                throw located
            }
            var out = ""
            for row in rows { out += format(row, labels: labels, k: k, probabilities: probabilities) + "\n" }
            write(out)
            firstLine += block.count
            block.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            block.append(line.text)
            if block.count == blockSize { try flush() }
        }
        try flush()
    }

    /// One output line: the top-k labels (TAB-separated), each followed by its probability when asked.
    ///
    ///     format([0.1, 0.7, 0.2], labels: ["a", "b", "c"], k: 2, probabilities: true)   // "b\t0.7000\tc\t0.2000"
    static func format(_ row: [Float], labels: [String], k: Int, probabilities: Bool) -> String {
        let top = row.indices.sorted { (row[$0], -$0) > (row[$1], -$1) }.prefix(k)
        return top.map { c in probabilities ? labels[c] + "\t" + String(format: "%.4f", row[c]) : labels[c] }
            .joined(separator: "\t")
    }
}
