import ArgumentParser
import Foundation
import S2STasks
import S2STraining

/// `s2s lesson`: the lecture's experiments (gradient flow, the adding problem, the copy task) for a plain
/// RNN, a GRU and an LSTM, written as a report directory.
struct LessonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lesson",
        abstract: "Run the lecture's lesson: RNN vs GRU vs LSTM on gradient flow, the adding problem and the copy task.",
        discussion: """
            Trains one small network per cell and task with the same seed, optimizer and budget, and writes \
            report.md, results.json and three SVG pictures into --out. The full lesson takes about 7 minutes \
            on 2 cores (release build); --quick runs a short and a long adding problem and a short copy in seconds. \
            Example:
              s2s lesson --out Lesson
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(help: "The report directory (created; its report files are replaced).")
    var out = "Lesson"

    @Flag(help: "The quick check: a short and a long adding problem, a short copy task.")
    var quick = false

    func run() throws {
        var options = quick ? LessonOptions.quick : LessonOptions.full
        options.seed = runOptions.seed
        let results = try Lesson.run(options, threads: runOptions.threads) { line in
            ProgressReporter.writeToStandardError(line + "\n")
        }
        try LessonReport.write(results, to: out)
        print(LessonReport.markdown(results), terminator: "")
        ProgressReporter.writeToStandardError(String(format: "lesson written to %@/ in %.0f s\n", out, results.seconds))
    }
}
