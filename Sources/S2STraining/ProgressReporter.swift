// Progress on stderr: when stderr is a terminal, a single progress line redrawn in place (carriage
// return, fitted to the terminal width) plus a permanent log line at each report interval; when it
// is not (a log file, a pipe, CI), only the log lines, so logs contain no control characters.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reports training progress on stderr.
///
///     let progress = ProgressReporter(reportEvery: 100)
///     for step in 1...totalSteps {
///         …
///         progress.update(TrainingProgress(epoch: epoch, step: step, totalSteps: totalSteps, loss: loss,
///                                          learningRate: lr, tokensPerSecond: rate, elapsed: clock.elapsed))
///     }
///     progress.finish()
public final class ProgressReporter {
    public let reportEvery: Int
    /// Whether the progress line is drawn (by default: stderr is a terminal).
    public let interactive: Bool
    private let minimumRedrawInterval: Double
    private let terminalWidth: () -> Int
    private let write: (String) -> Void
    private var lastDraw = -Double.infinity
    private var lastPreparationDraw = -Double.infinity
    private var lineDrawn = false

    /// - Parameters:
    ///   - reportEvery: steps between log lines (≥ 1).
    ///   - interactive: draw the updating line; defaults to `isatty(2)`.
    ///   - minimumRedrawInterval: seconds (of `elapsed`) between redraws of the progress line.
    ///   - terminalWidth: columns available; defaults to `ioctl(TIOCGWINSZ)` on stderr, else 100.
    ///   - write: where text goes; defaults to stderr.
    public init(reportEvery: Int, interactive: Bool = ProgressReporter.standardErrorIsTerminal(),
                minimumRedrawInterval: Double = 0.1,
                terminalWidth: @escaping () -> Int = ProgressReporter.standardErrorWidth,
                write: @escaping (String) -> Void = ProgressReporter.writeToStandardError) {
        precondition(reportEvery >= 1, "reportEvery must be at least 1")
        self.reportEvery = reportEvery
        self.interactive = interactive
        self.minimumRedrawInterval = minimumRedrawInterval
        self.terminalWidth = terminalWidth
        self.write = write
    }

    /// Call after every step: writes a log line when `step` is a multiple of `reportEvery` or the last
    /// step, and (interactive only) redraws the progress line at most every `minimumRedrawInterval`.
    public func update(_ progress: TrainingProgress) {
        let isReport = progress.step % reportEvery == 0 || progress.step == progress.totalSteps
        if isReport { log(ProgressFormat.line(progress)) }
        guard interactive, isReport || progress.elapsed - lastDraw >= minimumRedrawInterval else { return }
        lastDraw = progress.elapsed
        write("\r" + ProgressFormat.bar(progress, width: terminalWidth()) + "\u{1B}[K")
        lineDrawn = true
    }

    /// Redraws the data-preparation line (interactive only: a log gets the job's summary lines).
    public func update(_ progress: PreparationProgress) {
        // Its own clock (each phase starts at 0), apart from the training steps'.
        guard interactive, abs(progress.elapsed - lastPreparationDraw) >= minimumRedrawInterval else { return }
        lastPreparationDraw = progress.elapsed
        write("\r" + ProgressFormat.bar(progress, width: terminalWidth()) + "\u{1B}[K")
        lineDrawn = true
    }

    /// Writes a permanent line (erasing the progress line first, which the next update redraws).
    public func log(_ message: String) {
        write((lineDrawn ? "\r\u{1B}[K" : "") + message + "\n")
        lineDrawn = false
    }

    /// Ends the progress line so later output starts on a fresh line.
    public func finish() {
        if lineDrawn { write("\n") }
        lineDrawn = false
    }

    public static func standardErrorIsTerminal() -> Bool { isatty(2) != 0 }

    /// Columns of the terminal on stderr, or 100 when unknown.
    public static func standardErrorWidth() -> Int {
        var size = winsize()
        guard ioctl(2, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 100 }
        return Int(size.ws_col)
    }

    public static func writeToStandardError(_ text: String) {
        var bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress! + written, $0.count - written) }
            if n < 0 { if errno == EINTR { continue }; return }
            written += n
        }
    }
}
