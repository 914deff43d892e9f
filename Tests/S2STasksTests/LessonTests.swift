import Foundation
import Testing
import S2SCore
@testable import S2STasks

/// The lesson's parts that run fast in any build: the two tasks' data and baselines, the gradient-flow
/// probe, and the report files.
@Suite struct LessonTests {
    @Test func addingProblemMarksTwoStepsAndSumsThem() {
        var rng = Generator(seed: 3)
        let T = 20, B = 50
        let (x, targets) = AddingProblem.batch(length: T, size: B, rng: &rng)
        for b in 0..<B {
            let marked = (0..<T).filter { x[$0, b, 1] == 1 }
            #expect(marked.count == 2 && marked[0] < T / 2 && marked[1] >= T / 2)
            #expect((0..<T).allSatisfy { x[$0, b, 1] == 0 || x[$0, b, 1] == 1 })
            #expect(abs(targets[b] - marked.map { x[$0, b, 0] }.reduce(0, +)) < 1e-6)
        }
        // Always answering 1 scores the documented baseline.
        var big = Generator(seed: 4)
        let sample = AddingProblem.batch(length: 10, size: 20_000, rng: &big).targets
        let mse = sample.map { Double(($0 - 1) * ($0 - 1)) }.reduce(0, +) / Double(sample.count)
        #expect(abs(mse - AddingProblem.baseline) < 0.005)
    }

    @Test func copyTaskLayout() {
        var rng = Generator(seed: 5)
        let T = 7, B = 4, L = T + 20
        let (x, targets) = CopyTask.batch(delay: T, size: B, rng: &rng)
        #expect(x.shape == [L, B, CopyTask.inputs] && targets.count == L * B)
        for b in 0..<B {
            let tokens = (0..<L).map { t in (0..<CopyTask.inputs).first { x[t, b, $0] == 1 }! }
            #expect(tokens[0..<10].allSatisfy { (1...8).contains($0) })
            #expect(tokens[10 + T - 1] == 9 && tokens.filter { $0 == 9 }.count == 1)
            let outputs = (0..<L).map { targets[$0 * B + b] }
            #expect(Array(outputs[(T + 10)...]) == Array(tokens[0..<10]))          // repeat the symbols
            #expect(outputs[0..<(T + 10)].allSatisfy { $0 == 0 })                // blanks before
        }
        #expect(abs(CopyTask.baseline(delay: 100) - 10 * log(8.0) / 120) < 1e-12)
    }

    /// The probe sees the vanishing gradient: an untrained tanh RNN's ∂L/∂h_t shrinks by orders of
    /// magnitude back through time, and the last step's gradient is the largest.
    @Test func gradientFlowOfAnUntrainedRNNVanishes() {
        var rng = Generator(seed: 6)
        let model = LessonModel(cell: .rnn, inputs: 2, hidden: 16, outputs: 1, rng: &rng)
        let data = AddingProblem.batch(length: 40, size: 8, rng: &rng)
        let norms = Lesson.gradientFlow(model, data)
        #expect(norms.count == 40 && norms.allSatisfy { $0.isFinite && $0 >= 0 })
        #expect(norms[0] < 1e-4 * norms[39], "\(norms[0]) vs \(norms[39])")
        #expect(norms.max() == norms[39])
    }

    @Test func reportFilesHoldTheNumbers() throws {
        let run = { (cell: LessonCell, T: Int, loss: Double) in
            LessonResults.Run(cell: cell, length: T, steps: 10, testLoss: loss, baseline: 1.0 / 6, curve: [0.2, 0.1], seconds: 1)
        }
        var options = LessonOptions.quick
        options.addingLengths = [10, 60]
        options.copyDelays = [5]
        let results = LessonResults(
            options: options,
            gradientFlow: LessonCell.allCases.map { .init(cell: $0, length: 60, untrained: (1...60).map { 1e-3 * Double($0) }, trained: (1...60).map { 1e-2 * Double($0) }) },
            adding: LessonCell.allCases.flatMap { [run($0, 10, 0.01), run($0, 60, 0.1234)] },
            copy: LessonCell.allCases.map { run($0, 5, 0.8) },
            seconds: 3)
        let directory = NSTemporaryDirectory() + "s2s-lesson-report-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try LessonReport.write(results, to: directory)
        let markdown = try String(contentsOfFile: directory + "/report.md", encoding: .utf8)
        #expect(markdown.contains("| 60 | 0.1234 | 0.1234 | 0.1234 |"))
        let decoded = try JSONDecoder().decode(LessonResults.self, from: Data(contentsOf: URL(fileURLWithPath: directory + "/results.json")))
        #expect(decoded.adding.map(\.testLoss) == results.adding.map(\.testLoss))
        for name in ["gradient-flow", "adding", "copy"] {
            let svg = try String(contentsOfFile: directory + "/\(name).svg", encoding: .utf8)
            #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n") && svg.contains("<polyline"))
        }
    }
}
