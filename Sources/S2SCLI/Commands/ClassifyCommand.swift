import ArgumentParser
import Foundation
import S2STasks
import S2SText
import S2STraining

/// `s2s classify -m DIR [FILE|-]`: one output line per input line, in order — the predicted label, or
/// the top-k labels, optionally with their probabilities. An empty (or whitespace-only) line gets an
/// empty output line, as in `s2s translate`: output and input always line up, and no label is made up
/// for no text.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Label each input line with a classifier trained by train-classify.",
        discussion: """
            Output, one line per input line: the label; with --prob, label<TAB>probability; with --k K, the K \
            most probable labels separated by TABs (each followed by its probability with --prob). \
            An empty (or whitespace-only) line gets an empty output line; a line over --max-tokens is \
            classified on its first tokens, with a warning naming it on standard error. \
            Lines are read in blocks, tokenized and classified on every --threads core, in batches of \
            --batch-size sentences of similar length.
            """)

    @Option(name: [.customShort("m"), .customLong("model")],
            help: "The model directory train-classify wrote; repeat for an ensemble (the mean of the models' probabilities).")
    var models: [String] = []

    @Argument(help: "Input text, one sentence per line ('-' or nothing: standard input).")
    var input: String = "-"

    @Flag(help: "Print each label's probability after it.")
    var prob = false

    @Option(help: "Print the K most probable labels.")
    var k = 1

    @Option(help: "Sentences per forward pass.")
    var batchSize = 256

    @Option(help: "Longest input in tokens: a longer line is classified on its first N tokens, with a warning.")
    var maxTokens = 1000

    @OptionGroup var options: RunOptions

    func validate() throws {
        guard k >= 1 else { throw ValidationError("--k must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxTokens >= 1 else { throw ValidationError("--max-tokens must be at least 1") }
    }

    func run() throws {
        var classifierOptions = ClassificationOptions()
        classifierOptions.threads = options.threads
        classifierOptions.batchSize = batchSize
        classifierOptions.maxTokens = maxTokens
        guard !models.isEmpty else { throw ValidationError("give the model directory with -m (several for an ensemble)") }
        let classifier = try Classifier(contentsOf: models, options: classifierOptions)
        let reader = try LineReader(path: input, options: .inference(maxTokens: maxTokens))
        try Self.classify(reader, with: classifier, k: k, probabilities: prob, blockSize: 4096 * options.threads) {
            FileHandle.standardOutput.write(Data($0.utf8))
        }
    }

    /// Classifies every line of `reader` in blocks of `blockSize` lines and hands the output text of each
    /// block, one line per input line (empty for an empty line), to `write`; cropped lines are reported
    /// on standard error.
    static func classify(_ reader: LineReader, with classifier: Classifier, k: Int, probabilities: Bool, blockSize: Int,
                         write: (String) -> Void) throws {
        let file = reader.path == "-" ? "<stdin>" : reader.path
        try reader.forEachBlock(of: blockSize) { block in
            let results = try classifier.classify(block.map(\.text))
            var out = ""
            for (line, result) in zip(block, results) {
                if line.cropped || result.cropped {
                    ProgressReporter.writeToStandardError("\(file):\(line.number): longer than --max-tokens \(classifier.options.maxTokens); classified on its first tokens\n")
                }
                if !result.probabilities.isEmpty { out += format(result.probabilities, labels: classifier.labels, k: k, probabilities: probabilities) }
                out += "\n"
            }
            write(out)
        }
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
