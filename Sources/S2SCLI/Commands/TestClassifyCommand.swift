import ArgumentParser
import Foundation
import S2STasks
import S2SText

/// `s2s test-classify -m DIR TSV`: scores a classifier on labelled lines — N, accuracy, macro-F1,
/// per-label precision/recall/F1 and the confusion matrix; `--json` for scripts.
struct TestClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-classify",
        abstract: "Score a classifier on labelled lines: accuracy, macro-F1, per-label P/R/F1, confusion matrix.",
        discussion: """
            Lines whose label the model does not have (e.g. neutral for a positive/negative model) are \
            skipped and counted on stderr. --tutorial DIR scores the 2017 tutorial's test set instead \
            (testTweets_preprocessed.json + vocab.txt: token ids decoded back to text; labels 0/1 read as \
            negative/positive).
            """)

    @Option(name: [.customShort("m"), .customLong("model")],
            help: "The model directory train-classify wrote; repeat for an ensemble (the mean of the models' probabilities).")
    var models: [String] = []

    @Argument(help: "Labelled data: label<TAB>text or fastText __label__ lines ('-': standard input).")
    var data: String?

    @Option(help: "Input format: auto, tsv or fasttext.")
    var format: LabelledFormat = .auto

    @Option(help: "Score the tutorial's test set in this directory instead of DATA.")
    var tutorial: String?

    @Option(help: "With --tutorial: only its first N tweets (the notebook tested on 1000).")
    var limit: Int?

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @OptionGroup var options: RunOptions

    func validate() throws {
        guard (data == nil) != (tutorial == nil) else { throw ValidationError("give either DATA or --tutorial DIR") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        var classifierOptions = ClassificationOptions()
        classifierOptions.threads = options.threads
        guard !models.isEmpty else { throw ValidationError("give the model directory with -m (several for an ensemble)") }
        let classifier = try Classifier(contentsOf: models, options: classifierOptions)
        let labels = classifier.labels
        let source = data ?? tutorial!
        let all = try tutorial.map { try TutorialTestSet.read(directory: $0, limit: limit) }
            ?? ClassificationData.read(path: source, format: format).examples
        let examples = all.filter { labels.contains($0.label) }
        let skipped = Dictionary(grouping: all.filter { !labels.contains($0.label) }, by: \.label).mapValues(\.count)
        if !skipped.isEmpty {
            let parts = skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("\(source): skipped \(skipped.values.reduce(0, +)) lines with labels the model does not have (\(parts))\n".utf8))
        }
        let report: ClassificationReport
        do { report = try classifier.evaluate(examples) } catch var error as TextError {
            error.file = source
            throw error
        }
        if json {
            print(try ReportFormat.json(report, labels: labels, skipped: skipped.values.reduce(0, +)))
        } else {
            print("model      \(models.joined(separator: " + "))")
            print("data       \(source)")
            print(ReportFormat.text(report, labels: labels))
        }
    }
}
