// Text for training progress: compact numbers ("12.3k tok/s"), durations ("2m05s"), the plain log line
// written at each report interval, and the one-line progress bar fitted to a terminal width.
// Pure functions, so the formatting is tested without a terminal.
import Foundation

/// What a progress report shows. `accuracy` is a fraction (0.412 shows as "41.2%").
public struct TrainingProgress: Equatable, Sendable {
    public var epoch: Int
    public var step: Int
    public var totalSteps: Int?
    public var loss: Double
    public var perplexity: Double?
    public var accuracy: Double?
    public var learningRate: Double
    public var tokensPerSecond: Double?
    /// Seconds since training (or this resumed run) started.
    public var elapsed: Double
    /// Seconds left; nil to omit.
    public var eta: Double?

    public init(epoch: Int, step: Int, totalSteps: Int? = nil, loss: Double, perplexity: Double? = nil,
                accuracy: Double? = nil, learningRate: Double, tokensPerSecond: Double? = nil,
                elapsed: Double, eta: Double? = nil) {
        self.epoch = epoch
        self.step = step
        self.totalSteps = totalSteps
        self.loss = loss
        self.perplexity = perplexity
        self.accuracy = accuracy
        self.learningRate = learningRate
        self.tokensPerSecond = tokensPerSecond
        self.elapsed = elapsed
        self.eta = eta
    }
}

public enum ProgressFormat {
    /// Three significant digits with a k/M/G suffix: 999 → "999", 1234 → "1.23k", 12345 → "12.3k",
    /// 123456 → "123k", 1.5e6 → "1.50M". Non-finite → "-".
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        let magnitude = abs(value)
        if magnitude < 999.5 { return String(Int(value.rounded())) }
        var scaled = value
        for unit in ["k", "M", "G", "T"] {
            scaled /= 1000
            let digits = abs(scaled) < 9.995 ? 2 : abs(scaled) < 99.95 ? 1 : 0
            if abs(scaled) < 999.5 || unit == "T" { return String(format: "%.\(digits)f", scaled) + unit }
        }
        return String(value)
    }

    /// Compact duration: 45.2 → "45s", 125 → "2m05s", 3720 → "1h02m", 183_600 → "2d03h". Negative or
    /// non-finite → "--".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--" }
        let s = Int(seconds.rounded())
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
        if s < 86_400 { return "\(s / 3600)h\(two(s % 3600 / 60))m" }
        return "\(s / 86_400)d\(two(s % 86_400 / 3600))h"
    }

    /// A learning rate with three significant digits and a short exponent: 0.001 → "0.001",
    /// 5e-05 → "5e-5", 0.000123456 → "0.000123".
    public static func learningRate(_ value: Double) -> String {
        var text = String(format: "%.3g", value)
        if let e = text.firstIndex(of: "e") {
            var exponent = String(text[text.index(after: e)...])
            let sign = exponent.first == "-" ? "-" : ""
            exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
            text = String(text[..<e]) + "e" + sign + (exponent.isEmpty ? "0" : exponent)
        }
        return text
    }

    /// A loss or perplexity: four significant digits up to 9999.5 ("3.214", "24.93", "1234"), then
    /// "1.23e+05"; NaN → "nan".
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        if abs(value) >= 9999.5 { return String(format: "%.2e", value) }
        return String(format: "%.4g", value)
    }

    /// Seconds left at `step` of `totalSteps`, assuming the rate so far: elapsed·(total − step)/step.
    /// nil before the first step.
    public static func remaining(elapsed: Double, step: Int, totalSteps: Int) -> Double? {
        guard step > 0 else { return nil }
        return elapsed * Double(max(totalSteps - step, 0)) / Double(step)
    }

    /// The fields of a report in display order, with a priority (higher is kept longer when space is
    /// short).
    static func fields(_ p: TrainingProgress) -> [(priority: Int, text: String)] {
        var fields: [(priority: Int, text: String)] = [(1, "epoch \(p.epoch)")]
        fields.append((7, "step \(p.step)" + (p.totalSteps.map { "/\($0)" } ?? "")))
        fields.append((6, "loss \(number(p.loss))"))
        if let perplexity = p.perplexity { fields.append((3, "ppl \(number(perplexity))")) }
        if let accuracy = p.accuracy { fields.append((3, "acc " + String(format: "%.1f%%", accuracy * 100))) }
        fields.append((2, "lr \(learningRate(p.learningRate))"))
        if let rate = p.tokensPerSecond { fields.append((4, "\(count(rate)) tok/s")) }
        fields.append((0, "elapsed \(duration(p.elapsed))"))
        if let eta = p.eta { fields.append((5, "ETA \(duration(eta))")) }
        return fields
    }

    /// The log line of a report interval:
    /// "epoch 1 step 1200/50000 loss 3.214 ppl 24.93 lr 0.001 12.3k tok/s elapsed 2m05s ETA 1h02m".
    public static func line(_ p: TrainingProgress) -> String {
        fields(p).map(\.text).joined(separator: " ")
    }

    /// The progress-bar line, at most `width − 1` characters (the last column would wrap): a bar and
    /// percentage when the total is known and there is room, then as many fields as fit, the least
    /// important (elapsed, epoch, lr, …) dropped first.
    ///
    ///     ProgressFormat.bar(progress, width: 80)
    ///     // "[######--------------] 30% epoch 1 step 300/1000 loss 3.214 lr 0.001 12.3k tok/s ETA 1m10s"
    public static func bar(_ p: TrainingProgress, width: Int) -> String {
        let available = max(width - 1, 1)
        var kept = fields(p)
        func length(_ fields: [(priority: Int, text: String)]) -> Int {
            fields.reduce(-1) { $0 + 1 + $1.text.count }
        }
        while length(kept) > available, kept.count > 1,
              let lowest = kept.indices.min(by: { kept[$0].priority < kept[$1].priority }) {
            kept.remove(at: lowest)
        }
        var text = kept.map(\.text).joined(separator: " ")
        if let total = p.totalSteps, total > 0 {
            let fraction = min(max(Double(p.step) / Double(total), 0), 1)
            let percent = "\(Int((fraction * 100).rounded(.down)))%"
            let barWidth = min(20, available - text.count - percent.count - 4)  // "[" "] " " "
            if barWidth >= 5 {
                let filled = Int((fraction * Double(barWidth)).rounded(.down))
                let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled)
                text = "[\(bar)] \(percent) " + text
            }
        }
        return String(text.prefix(available))
    }
}
