// Progress of a job's data preparation (counting tokens for the vocabularies, encoding the corpus),
// which on a corpus of millions of lines takes minutes before the first step: lines done, of how many,
// at what rate and how long is left. Shown as a redrawn line on a terminal only; a pipe or a log gets
// the job's one summary line per phase instead.

/// How far one phase of data preparation is.
public struct PreparationProgress: Equatable, Sendable {
    /// What is being done: "counting tokens", "encoding", …
    public var phase: String
    /// Lines (or pairs) read so far.
    public var lines: Int
    /// Lines in all, when the input was counted first.
    public var totalLines: Int?
    /// Seconds since the phase started.
    public var elapsed: Double

    public init(phase: String, lines: Int, totalLines: Int?, elapsed: Double) {
        self.phase = phase; self.lines = lines; self.totalLines = totalLines; self.elapsed = elapsed
    }

    /// Lines a second so far (nil before a measurable time has passed).
    public var linesPerSecond: Double? { elapsed > 0.01 ? Double(lines) / elapsed : nil }

    /// Seconds left at the rate so far (nil without a total).
    public var eta: Double? {
        totalLines.flatMap { ProgressFormat.remaining(elapsed: elapsed, step: lines, totalSteps: $0) }
    }
}

extension ProgressFormat {
    /// "encoding: 3.20M/20.0M lines (16%) 54.1k lines/s ETA 5m10s", cut to `width − 1` columns.
    public static func bar(_ p: PreparationProgress, width: Int) -> String {
        var text = "\(p.phase): \(count(Double(p.lines)))"
        if let total = p.totalLines, total > 0 {
            text += "/\(count(Double(total))) lines (\(min(100, 100 * p.lines / total))%)"
        } else {
            text += " lines"
        }
        if let rate = p.linesPerSecond { text += " \(count(rate)) lines/s" }
        if let eta = p.eta { text += " ETA \(duration(eta))" }
        return String(text.prefix(max(width - 1, 1)))
    }
}

/// One phase's clock and reports: `update(lines:)` sends its progress, `elapsed` times its summary line.
///
///     let phase = PreparationPhase("encoding", totalLines: reader.totalLines, report: progress)
///     phase.update(lines: 65_536)
public struct PreparationPhase {
    public let name: String
    public let totalLines: Int?
    private let start = MonotonicClock.seconds()
    private let report: (PreparationProgress) -> Void

    public init(_ name: String, totalLines: Int?, report: @escaping (PreparationProgress) -> Void) {
        self.name = name; self.totalLines = totalLines; self.report = report
    }

    /// Seconds since the phase started.
    public var elapsed: Double { MonotonicClock.seconds() - start }

    public func update(lines: Int) {
        report(PreparationProgress(phase: name, lines: lines, totalLines: totalLines, elapsed: elapsed))
    }

    /// "2.00M pairs in 48s (2.50M pairs/min)": for the phase's summary line.
    public func summary(_ count: Int, _ unit: String) -> String {
        let seconds = elapsed
        return "\(count) \(unit) in \(ProgressFormat.duration(seconds))"
            + (seconds > 0.5 ? " (\(ProgressFormat.count(Double(count) * 60 / seconds)) \(unit)/min)" : "")
    }
}
