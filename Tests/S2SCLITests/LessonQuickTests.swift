// `s2s lesson --quick` as CI runs it: the lecture's result must show, with margins — the plain RNN does
// not solve the long adding problem while the GRU does and the LSTM gets well below it, every cell solves
// the short one, and training opens the gradient flow of the gated cells only. It runs the release
// binary (the debug build's SIMD code is ~100× slower: 7 minutes instead of 4 seconds); CI builds it
// first and sets S2S_REQUIRE_RELEASE_BINARY=1, so there a missing binary fails instead of skipping.
import Foundation
import Testing
import S2STasks
import S2STestSupport

@Suite struct LessonQuickTests {
    static let binary = Repository.root + "/.build/release/s2s"
    static let available = FileManager.default.isExecutableFile(atPath: binary)
        || ProcessInfo.processInfo.environment["S2S_REQUIRE_RELEASE_BINARY"] == "1"

    /// The results of `s2s lesson --quick` with `threads`.
    static func quickLesson(threads: Int) throws -> (LessonResults, TemporaryDirectory) {
        let directory = TemporaryDirectory("lesson-quick")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["lesson", "--quick", "--out", directory.path, "--threads", "\(threads)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: directory.file("results.json")))
        return (try JSONDecoder().decode(LessonResults.self, from: data), directory)
    }

    @Test(.enabled(if: available, "needs the release build: swift build -c release --product s2s"))
    func quickLessonShowsTheLecturesResult() throws {
        let (results, directory) = try Self.quickLesson(threads: 2)
        defer { directory.remove() }
        let lengths = results.options.addingLengths
        func mse(_ cell: LessonCell, _ T: Int) throws -> Double { try #require(LessonResults.run(results.adding, cell, T)).testLoss }
        let short = lengths.min()!, long = lengths.max()!
        for cell in LessonCell.allCases { #expect(try mse(cell, short) < 0.05, "\(cell) fails the short adding problem") }
        #expect(try mse(.rnn, long) > 0.12, "the plain RNN solved the long adding problem")
        #expect(try mse(.gru, long) < 0.05, "the GRU fails the long adding problem")
        #expect(try mse(.lstm, long) < mse(.rnn, long) - 0.05, "the LSTM does no better than the RNN on the long problem")
        // Trained, the gated cells carry the last step's gradient back to the first step; the RNN's vanishes.
        let first = Dictionary(uniqueKeysWithValues: results.gradientFlow.map { ($0.cell, $0.trained[0]) })
        #expect(first[.gru]! > 1e3 * first[.rnn]! && first[.lstm]! > 1e3 * first[.rnn]!, "\(first)")
        for run in results.copy { #expect(run.testLoss.isFinite && run.testLoss < run.baseline + 0.1) }
        for file in ["report.md", "gradient-flow.svg", "adding.svg", "copy.svg"] {
            #expect(FileManager.default.fileExists(atPath: directory.file(file)), "\(file) missing")
        }
    }

    /// Seeded runs: the same numbers on 1 core as on 2.
    @Test(.enabled(if: available, "needs the release build: swift build -c release --product s2s"))
    func sameNumbersWhateverTheThreads() throws {
        let (one, a) = try Self.quickLesson(threads: 1)
        let (two, b) = try Self.quickLesson(threads: 2)
        defer { a.remove(); b.remove() }
        #expect(one.adding.map(\.testLoss) == two.adding.map(\.testLoss))
        #expect(one.copy.map(\.curve) == two.copy.map(\.curve))
        #expect(one.gradientFlow.map(\.trained) == two.gradientFlow.map(\.trained))
    }
}
