import Testing
import S2STraining

/// Collects what a reporter writes (the terminal itself is not tested).
final class Sink: @unchecked Sendable {
    var text = ""
}

@Suite struct ProgressReporterTests {
    func progress(_ step: Int, elapsed: Double) -> TrainingProgress {
        TrainingProgress(epoch: 1, step: step, totalSteps: 10, loss: 2, learningRate: 0.1, elapsed: elapsed)
    }

    @Test func plainLinesAtTheIntervalWhenNotATerminal() {
        let sink = Sink()
        let reporter = ProgressReporter(reportEvery: 4, interactive: false, write: { sink.text += $0 })
        for step in 1...10 { reporter.update(progress(step, elapsed: Double(step))) }
        reporter.finish()
        #expect(sink.text.split(separator: "\n").map { $0.split(separator: " ")[3] } == ["4/10", "8/10", "10/10"])
        #expect(!sink.text.contains("\r") && !sink.text.contains("\u{1B}"))
    }

    @Test func updatingLineOnATerminalIsThrottled() {
        let sink = Sink()
        let reporter = ProgressReporter(reportEvery: 100, interactive: true, minimumRedrawInterval: 1,
                                        terminalWidth: { 80 }, write: { sink.text += $0 })
        for step in 1...9 { reporter.update(progress(step, elapsed: Double(step) * 0.5)) }
        // Redraws at elapsed 0.5, 1.5, 2.5, 3.5, 4.5: every second of `elapsed`.
        #expect(sink.text.components(separatedBy: "\r").count - 1 == 5)
        #expect(!sink.text.contains("\n"))
        reporter.update(progress(10, elapsed: 5))   // last step: a log line, then the bar again
        reporter.finish()
        #expect(sink.text.hasSuffix("\u{1B}[K\n"))
        #expect(sink.text.contains("\r\u{1B}[Kepoch 1 step 10/10 loss 2 lr 0.1 elapsed 5s\n"))
    }

    @Test func preparationIsDrawnOnATerminalOnly() {
        let quiet = Sink(), terminal = Sink()
        let pipe = ProgressReporter(reportEvery: 1, interactive: false, write: { quiet.text += $0 })
        let tty = ProgressReporter(reportEvery: 1, interactive: true, minimumRedrawInterval: 1, terminalWidth: { 80 }, write: { terminal.text += $0 })
        for lines in stride(from: 8192, through: 81920, by: 8192) {
            let progress = PreparationProgress(phase: "encoding", lines: lines, totalLines: 163_840, elapsed: Double(lines) / 16_384)
            pipe.show(.preparing(progress))
            tty.show(.preparing(progress))
        }
        #expect(quiet.text.isEmpty)
        // Redraws at elapsed 0.5, 1.5, 2.5, 3.5, 4.5 (one a second); the last: half done at 16.4k lines/s.
        #expect(terminal.text.components(separatedBy: "\r").count - 1 == 5)
        #expect(terminal.text.hasSuffix("\rencoding: 73.7k/164k lines (45%) 16.4k lines/s ETA 6s\u{1B}[K"))
        tty.show(.message("training pairs: prepared"))
        #expect(terminal.text.hasSuffix("\u{1B}[K\r\u{1B}[Ktraining pairs: prepared\n"))
    }
}
