// Validation of a classifier during training: macro-F1 (the metric that keeps the best weights),
// accuracy and mean negative log-likelihood on the validation examples, on all cores.
import Foundation
import S2SModels
import S2SText

/// Scores a classifier on labelled, already encoded examples.
///
///     let validator = ClassificationValidator(sequences: ids, gold: labels, classes: 3, text: text, threads: 2)
///     let metrics = try validator.metrics(model)     // ["macro_f1": …, "accuracy": …, "loss": …]
public struct ClassificationValidator: @unchecked Sendable {   // the text pipeline only seeds per-thread copies
    public let sequences: [[Int]]
    public let gold: [Int]
    public let classes: Int
    let text: TextProcessor
    let threads: Int

    /// Scores `sequences` (ids) against the `gold` class ids on `threads` cores.
    public init(sequences: [[Int]], gold: [Int], classes: Int, text: TextProcessor, threads: Int) {
        self.sequences = sequences; self.gold = gold; self.classes = classes; self.text = text; self.threads = threads
    }

    /// The trainer's validation metrics: macro_f1, accuracy and the mean NLL as loss.
    public func metrics(_ model: ClassificationModel) throws -> [String: Double] {
        Self.scores(try probabilities(model), gold: gold, classes: classes)
    }

    /// Per-class precision, recall, F1 and the confusion matrix.
    public func report(_ model: ClassificationModel) throws -> ClassificationReport {
        ClassificationReport(gold: gold, predicted: try probabilities(model).map { $0.argmax! }, classes: classes)
    }

    /// A new predictor each time: it snapshots the model's current weights.
    private func probabilities(_ model: ClassificationModel) throws -> [[Float]] {
        try ClassifierPredictor(model: model, text: text, threads: threads).probabilities(sequences: sequences)
    }

    /// Validation metrics from probabilities: macro_f1, accuracy and the mean NLL as loss.
    public static func scores(_ probabilities: [[Float]], gold: [Int], classes: Int) -> [String: Double] {
        let report = ClassificationReport(gold: gold, predicted: probabilities.map { $0.argmax! }, classes: classes)
        var nll = 0.0
        for (row, label) in zip(probabilities, gold) { nll -= Foundation.log(max(Double(row[label]), 1e-30)) }
        return ["macro_f1": report.macroF1, "accuracy": report.accuracy, "loss": nll / Double(max(1, gold.count))]
    }
}
