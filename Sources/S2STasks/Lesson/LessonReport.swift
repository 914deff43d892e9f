// The lesson's report directory: results.json (every number), report.md (the tables and what they
// show) and three SVG pictures — the gradient flow (log scale), the adding problem's test MSE against
// T and the copy task's test loss against the delay, each with its memoryless baseline.
import Foundation
import S2SCore

public enum LessonReport {
    static let colors: [LessonCell: String] = [.rnn: "#d62728", .gru: "#2ca02c", .lstm: "#1f77b4"]

    /// Writes results.json, report.md, gradient-flow.svg, adding.svg and copy.svg into `directory`.
    public static func write(_ results: LessonResults, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(Array(try encoder.encode(results)), to: directory + "/results.json")
        try AtomicFile.write(Array(markdown(results).utf8), to: directory + "/report.md")
        try AtomicFile.write(Array(gradientFlowSVG(results).utf8), to: directory + "/gradient-flow.svg")
        try AtomicFile.write(Array(taskSVG(results.adding, title: "The adding problem: test MSE after \(results.options.addingSteps) steps",
                                           xLabel: "sequence length T", yLabel: "test MSE").utf8), to: directory + "/adding.svg")
        try AtomicFile.write(Array(taskSVG(results.copy, title: "The copy task: test loss after \(results.options.copySteps) steps",
                                           xLabel: "delay T", yLabel: "nats per step").utf8), to: directory + "/copy.svg")
    }

    /// report.md: the three experiments as tables.
    public static func markdown(_ results: LessonResults) -> String {
        let o = results.options
        var lines = ["# The lesson: RNN, GRU and LSTM", "",
                     "One recurrent layer of \(o.hidden) units and a linear read-out, Adam (learning rate \(o.learningRate)), "
                     + "gradients clipped to norm 1, batches of \(o.batchSize), seed \(o.seed); \(String(format: "%.0f", results.seconds)) s in all.", "",
                     "## 1. Gradient flow", "",
                     "‖∂L/∂h_t‖ for a loss at the last of T = \(o.flowLength) steps of the adding problem (mean over a batch), "
                     + "at the first step, a quarter of the way, half way and the last step: ![gradient flow](gradient-flow.svg)", "",
                     "| cell | | t = 1 | t = T/4 | t = T/2 | t = T |", "| --- | --- | --- | --- | --- | --- |"]
        for flow in results.gradientFlow {
            for (label, norms) in [("untrained", flow.untrained), ("trained", flow.trained)] where !norms.isEmpty {
                let T = norms.count
                let picks = [0, T / 4, T / 2, T - 1].map { String(format: "%.2e", norms[$0]) }
                lines.append("| \(flow.cell.rawValue) | \(label) | " + picks.joined(separator: " | ") + " |")
            }
        }
        lines += ["", "## 2. The adding problem", "",
                  "Test MSE after \(o.addingSteps) steps (always answering 1 scores \(String(format: "%.3f", AddingProblem.baseline))): ![adding](adding.svg)", ""]
        lines += table(results.adding, lengths: o.addingLengths, format: "%.4f")
        lines += ["", "## 3. The copy task", "",
                  "Test cross-entropy in nats per step after \(o.copySteps) steps; the memoryless baseline is 10·ln 8/(T + 20): ![copy](copy.svg)", ""]
        lines += table(results.copy, lengths: o.copyDelays, format: "%.4f", baseline: { CopyTask.baseline(delay: $0) })
        return lines.joined(separator: "\n") + "\n"
    }

    private static func table(_ runs: [LessonResults.Run], lengths: [Int], format: String,
                              baseline: ((Int) -> Double)? = nil) -> [String] {
        var lines = ["| T | " + LessonCell.allCases.map(\.rawValue).joined(separator: " | ") + (baseline == nil ? "" : " | baseline") + " |",
                     "| --- |" + String(repeating: " --- |", count: LessonCell.allCases.count + (baseline == nil ? 0 : 1))]
        for T in lengths {
            let cells = LessonCell.allCases.map { cell in LessonResults.run(runs, cell, T).map { String(format: format, $0.testLoss) } ?? "–" }
            lines.append("| \(T) | " + cells.joined(separator: " | ") + (baseline.map { " | " + String(format: format, $0(T)) } ?? "") + " |")
        }
        return lines
    }

    // MARK: - Pictures

    static func gradientFlowSVG(_ results: LessonResults) -> String {
        var series: [Chart.Series] = []
        for flow in results.gradientFlow {
            let color = colors[flow.cell]!
            series.append(.init(name: "\(flow.cell.rawValue) untrained", color: color, dashed: true,
                                points: flow.untrained.enumerated().map { (Double($0 + 1), $1) }))
            series.append(.init(name: "\(flow.cell.rawValue) trained", color: color, dashed: false,
                                points: flow.trained.enumerated().map { (Double($0 + 1), $1) }))
        }
        return Chart(title: "Gradient flow: ‖∂L/∂h_t‖ for a loss at step \(results.options.flowLength)",
                     xLabel: "time step t", yLabel: "‖∂L/∂h_t‖ (log scale)", logY: true, series: series).svg()
    }

    static func taskSVG(_ runs: [LessonResults.Run], title: String, xLabel: String, yLabel: String) -> String {
        var series = LessonCell.allCases.map { cell in
            Chart.Series(name: cell.rawValue, color: colors[cell]!, dashed: false,
                         points: runs.filter { $0.cell == cell }.map { (Double($0.length), $0.testLoss) })
        }
        let lengths = Set(runs.map(\.length)).sorted()
        series.append(.init(name: "memoryless baseline", color: "#777777", dashed: true,
                            points: lengths.compactMap { T in runs.first { $0.length == T }.map { (Double(T), $0.baseline) } }))
        return Chart(title: title, xLabel: xLabel, yLabel: yLabel, logY: false, series: series).svg()
    }
}

/// A small line chart as SVG: axes with ticks, one polyline (and dots) per series, a legend.
struct Chart {
    struct Series {
        var name: String
        var color: String
        var dashed: Bool
        var points: [(Double, Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var logY: Bool
    var series: [Series]

    func svg(width: Double = 720, height: Double = 440) -> String {
        let (left, right, top, bottom) = (70.0, 170.0, 40.0, 50.0)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let all = series.flatMap(\.points).filter { !logY || $0.1 > 0 }
        guard !all.isEmpty else { return "<svg xmlns=\"http://www.w3.org/2000/svg\"/>" }
        let transform: (Double) -> Double = logY ? { log10($0) } : { $0 }
        let xs = all.map(\.0), ys = all.map { transform($0.1) }
        let (x0, x1) = (xs.min()!, max(xs.max()!, xs.min()! + 1))
        var (y0, y1) = (ys.min()!, ys.max()!)
        if logY { y0 = y0.rounded(.down); y1 = y1.rounded(.up) } else { y0 = min(0, y0); y1 = y1 * 1.05 }
        if y1 <= y0 { y1 = y0 + 1 }
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (transform(y) - y0) / (y1 - y0)) * plotHeight }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(f(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">\(escape(title))</text>",
                   "<line x1=\"\(f(left))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>",
                   "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotHeight))\" stroke=\"black\"/>",
                   "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>",
                   "<text transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>"]
        for k in 0...4 {   // x ticks
            let x = x0 + (x1 - x0) * Double(k) / 4
            out.append("<text x=\"\(f(px(x)))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(String(format: "%g", x.rounded()))</text>")
        }
        let yTicks = logY ? Array(stride(from: y0, through: y1, by: max(1, ((y1 - y0) / 6).rounded(.up)))) : (0...4).map { y0 + (y1 - y0) * Double($0) / 4 }
        for y in yTicks {
            let value = logY ? pow(10, y) : y
            let label = logY ? "1e\(Int(y))" : String(format: "%.3g", y)
            out.append("<line x1=\"\(f(left))\" y1=\"\(f(py(value)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(value)))\" stroke=\"#eeeeee\"/>")
            out.append("<text x=\"\(f(left - 6))\" y=\"\(f(py(value) + 4))\" text-anchor=\"end\">\(label)</text>")
        }
        for (index, s) in series.enumerated() {
            let points = s.points.filter { !logY || $0.1 > 0 }
            let path = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            out.append("<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "") points=\"\(path)\"/>")
            if points.count <= 12 { for p in points { out.append("<circle cx=\"\(f(px(p.0)))\" cy=\"\(f(py(p.1)))\" r=\"3\" fill=\"\(s.color)\"/>") } }
            let ly = top + 10 + Double(index) * 18
            out.append("<line x1=\"\(f(width - right + 12))\" y1=\"\(f(ly))\" x2=\"\(f(width - right + 36))\" y2=\"\(f(ly))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(s.dashed ? " stroke-dasharray=\"6 4\"" : "")/>")
            out.append("<text x=\"\(f(width - right + 42))\" y=\"\(f(ly + 4))\">\(escape(s.name))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
