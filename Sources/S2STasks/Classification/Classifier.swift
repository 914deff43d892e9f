// The classifier as a library user meets it: load a model directory, label lines with probabilities,
// score labelled data. `s2s classify` and `s2s test-classify` only read lines, call this and print.
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// How `Classifier` runs.
///
///     var options = ClassificationOptions()
///     options.threads = 2
public struct ClassificationOptions: Sendable, Equatable {
    /// Sentences per forward pass (results do not depend on it).
    public var batchSize = 256
    /// Cores used (results do not depend on it).
    public var threads = 1
    /// Longer lines are classified on their first `maxTokens` tokens (`ClassificationResult.cropped`).
    public var maxTokens = 1000

    /// The defaults: batches of 256, one core, 1,000 tokens at most.
    public init() {}
}

/// One line's classification.
public struct ClassificationResult: Sendable, Equatable {
    /// The most probable label; nil for an empty (or whitespace-only) line, which is not classified.
    public var label: String?
    /// One probability per label of the model, in `Classifier.labels` order (empty for an empty line).
    public var probabilities: [Float]
    /// The line had more than `maxTokens` tokens: only its first ones were read.
    public var cropped: Bool

    /// The `k` most probable labels with their probabilities, most probable first (ties: label order).
    public func top(_ k: Int, labels: [String]) -> [(label: String, probability: Float)] {
        let order = probabilities.indices.sorted { (probabilities[$0], -$0) > (probabilities[$1], -$1) }
        return order.prefix(k).map { (labels[$0], probabilities[$0]) }
    }
}

/// A trained sentence classifier, loaded from its model directory.
///
///     let classifier = try Classifier(contentsOf: "Models/airline")
///     let result = try classifier.classify("@united thanks for the quick rebooking")
///     result.label                                   // "positive"
///     result.top(2, labels: classifier.labels)       // [("positive", 0.91), ("neutral", 0.06)]
///
/// Safe to share between threads: calls run one at a time (each already uses `threads` cores).
public final class Classifier: @unchecked Sendable {
    /// The model (the first member of an ensemble): its text pipeline tokenizes, its labels name the classes.
    public let bundle: ClassificationBundle
    /// Every model averaged, `bundle` first; one model unless loaded as an ensemble.
    public let members: [ClassificationBundle]
    public let options: ClassificationOptions
    private let predictor: ClassifierPredictor
    private let lock = NSLock()

    /// The labels, in class-id order.
    public var labels: [String] { bundle.labels }

    /// Loads the model directory `train-classify` wrote; throws `BundleError` naming what is wrong.
    public convenience init(contentsOf directory: String, options: ClassificationOptions = ClassificationOptions()) throws {
        try self.init(contentsOf: [directory], options: options)
    }

    /// Loads an ensemble: the models of `directories`, each line's probabilities the mean of theirs
    /// (`s2s classify -m A -m B`). They must share the text pipeline (fingerprint) and the labels, in
    /// order; their shapes, cells and pooling may differ.
    ///
    ///     let ensemble = try Classifier(contentsOf: ["Models/airline-1", "Models/airline-2", "Models/airline-3"])
    public init(contentsOf directories: [String], options: ClassificationOptions = ClassificationOptions()) throws {
        try OptionsError.require(!directories.isEmpty, "Classifier: give at least one model directory")
        try OptionsError.require(options.batchSize >= 1 && options.threads >= 1 && options.maxTokens >= 1,
                                 "ClassificationOptions: batchSize, threads and maxTokens must be at least 1")
        let bundles = try directories.map { try ClassificationBundle.load(directory: $0) }
        try EnsembleMembers.requireSameText(directories, fingerprints: bundles.map(\.config.text.fingerprint))
        for (directory, member) in zip(directories, bundles).dropFirst() where member.labels != bundles[0].labels {
            throw BundleError(path: directory, problem: "its labels (\(member.labels.joined(separator: ", "))) differ from \(directories[0])'s (\(bundles[0].labels.joined(separator: ", ")))",
                              hint: "ensemble members must be trained on the same labels")
        }
        bundle = bundles[0]
        members = bundles
        BLAS.setThreads(1)   // cores go to whole batches (or streams), one BLAS thread each
        self.options = options
        predictor = try ClassifierPredictor(models: bundles.map(\.model), text: bundle.text, threads: options.threads,
                                            batchSize: options.batchSize, maxTokens: options.maxTokens)
    }

    /// Loads the model directory at `url`.
    public convenience init(contentsOf url: URL, options: ClassificationOptions = ClassificationOptions()) throws {
        try self.init(contentsOf: url.path, options: options)
    }

    /// Classifies one line.
    public func classify(_ line: String) throws -> ClassificationResult { try classify([line])[0] }

    /// Classifies `lines`, one result each, in order. A tokenizer error is a `TextError` whose `line`
    /// is the 1-based index into `lines`.
    public func classify(_ lines: [String]) throws -> [ClassificationResult] {
        let kept = lines.indices.filter { !Self.isBlank(lines[$0]) }
        let (rows, cropped) = try lock.withLock {
            do throws(TextError) { return try predictor.classify(lines: kept.map { lines[$0] }) } catch {
                var located = error
                if let index = located.line.map({ $0 - 1 }), kept.indices.contains(index) { located.line = kept[index] + 1 }
                throw located
            }
        }
        var results = [ClassificationResult](repeating: ClassificationResult(label: nil, probabilities: [], cropped: false),
                                             count: lines.count)
        let croppedSet = Set(cropped)
        for (position, index) in kept.enumerated() {
            let row = rows[position]
            results[index] = ClassificationResult(label: row.argmax.map { labels[$0] }, probabilities: row,
                                                  cropped: croppedSet.contains(position))
        }
        return results
    }

    /// Accuracy, macro-F1 and the confusion matrix on labelled examples; an example whose label the
    /// model does not have is a `TextError` naming its line.
    public func evaluate(_ examples: [LabelledExample]) throws -> ClassificationReport {
        let ids = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        if let unknown = examples.first(where: { ids[$0.label] == nil }) {
            throw TextError(.malformed, line: unknown.line,
                            "label \"\(unknown.label)\" is not one of the model's labels (\(labels.joined(separator: ", ")))")
        }
        let rows = try lock.withLock {
            do throws(TextError) { return try predictor.probabilities(lines: examples.map(\.text)) } catch {
                var located = error
                if let index = located.line.map({ $0 - 1 }), examples.indices.contains(index) { located.line = examples[index].line }
                throw located
            }
        }
        return ClassificationReport(gold: examples.map { ids[$0.label]! }, predicted: rows.map { $0.argmax! }, classes: labels.count)
    }

    /// Empty or only whitespace: nothing to classify.
    static func isBlank(_ text: String) -> Bool { text.allSatisfy(\.isWhitespace) }
}
