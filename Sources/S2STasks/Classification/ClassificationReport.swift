// Evaluation of a classifier against gold labels: accuracy, per-label precision/recall/F1, macro-F1
// and the confusion matrix — what `s2s test-classify` prints and what training validates on.

/// Scores of predictions against gold labels over `classes` labels.
///
///     let report = ClassificationReport(gold: [0, 1, 1, 2], predicted: [0, 1, 2, 2], classes: 3)
///     report.accuracy          // 0.75
///     report.macroF1           // mean of the three labels' F1
///     report.confusion[1][2]   // 1: one gold-1 sentence was predicted 2
public struct ClassificationReport: Equatable, Sendable {
    /// confusion[gold][predicted] = number of sentences.
    public let confusion: [[Int]]

    /// Precision, recall and F1 of one label, with its gold count (support).
    public struct LabelScores: Equatable, Sendable {
        public let precision: Double, recall: Double, f1: Double
        public let support: Int
    }

    /// The report of `predicted` class ids against `gold`, for `classes` classes.
    public init(gold: [Int], predicted: [Int], classes: Int) {
        precondition(gold.count == predicted.count, "\(gold.count) gold labels, \(predicted.count) predictions")
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (g, p) in zip(gold, predicted) {
            precondition((0..<classes).contains(g) && (0..<classes).contains(p), "label id outside 0..<\(classes)")
            confusion[g][p] += 1
        }
        self.confusion = confusion
    }

    public var classes: Int { confusion.count }
    /// Number of sentences scored.
    public var count: Int { confusion.reduce(0) { $0 + $1.reduce(0, +) } }
    public var correct: Int { (0..<classes).reduce(0) { $0 + confusion[$1][$1] } }
    /// Fraction predicted right (0 for no sentences).
    public var accuracy: Double { count == 0 ? 0 : Double(correct) / Double(count) }

    /// Precision, recall and F1 of label `c`; a ratio with a zero denominator counts as 0 (as
    /// scikit-learn's `zero_division=0`).
    public func scores(_ c: Int) -> LabelScores {
        let truePositives = confusion[c][c]
        let predicted = (0..<classes).reduce(0) { $0 + confusion[$1][c] }
        let support = confusion[c].reduce(0, +)
        let precision = predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
        let recall = support == 0 ? 0 : Double(truePositives) / Double(support)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return LabelScores(precision: precision, recall: recall, f1: f1, support: support)
    }

    /// Unweighted mean of every label's F1 (labels absent from both gold and predictions included, as 0).
    public var macroF1: Double {
        classes == 0 ? 0 : (0..<classes).reduce(0) { $0 + scores($1).f1 } / Double(classes)
    }
}
