// How `s2s test-classify` prints a `ClassificationReport`: an aligned text table (counts, accuracy,
// macro-F1, per-label precision/recall/F1, confusion matrix), or one JSON object for scripts.
import Foundation
import S2STasks
import S2SModels
import S2STraining

enum ReportFormat {
    /// The human-readable report.
    ///
    ///     print(ReportFormat.text(report, labels: ["negative", "neutral", "positive"]))
    static func text(_ report: ClassificationReport, labels: [String]) -> String {
        let width = max(12, (labels.map(\.count).max() ?? 0) + 2)
        func pad(_ s: String, _ n: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, n - s.count))
            return right ? fill + s : s + fill
        }
        func number(_ x: Double) -> String { String(format: "%.4f", x) }
        var lines = [
            "N          \(report.count)",
            "accuracy   \(number(report.accuracy))",
            "macro-F1   \(number(report.macroF1))",
            "",
            pad("label", width) + pad("precision", 11, right: true) + pad("recall", 9, right: true)
                + pad("F1", 9, right: true) + pad("support", 9, right: true),
        ]
        for (c, label) in labels.enumerated() {
            let s = report.scores(c)
            lines.append(pad(label, width) + pad(number(s.precision), 11, right: true) + pad(number(s.recall), 9, right: true)
                         + pad(number(s.f1), 9, right: true) + pad("\(s.support)", 9, right: true))
        }
        let column = max(9, (labels.map(\.count).max() ?? 0) + 2)
        lines += ["", "confusion matrix (rows: gold label, columns: predicted label)",
                  pad("", width) + labels.map { pad($0, column, right: true) }.joined()]
        for (g, label) in labels.enumerated() {
            lines.append(pad(label, width) + report.confusion[g].map { pad("\($0)", column, right: true) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    /// One JSON object: n, accuracy, macro_f1, labels (label, precision, recall, f1, support), confusion
    /// (rows gold, columns predicted, in label order) and skipped (lines with labels the model lacks).
    static func json(_ report: ClassificationReport, labels: [String], skipped: Int = 0) throws -> String {
        struct LabelRow: Encodable { let label: String, precision: Double, recall: Double, f1: Double, support: Int }
        struct Output: Encodable {
            let n: Int, accuracy: Double, macro_f1: Double
            let labels: [LabelRow]
            let confusion: [[Int]]
            let skipped: Int
        }
        let rows = labels.enumerated().map { c, label in
            let s = report.scores(c)
            return LabelRow(label: label, precision: s.precision, recall: s.recall, f1: s.f1, support: s.support)
        }
        let output = Output(n: report.count, accuracy: report.accuracy, macro_f1: report.macroF1, labels: rows,
                            confusion: report.confusion, skipped: skipped)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(output), as: UTF8.self)
    }
}
