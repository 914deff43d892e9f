import Testing
import Foundation
@testable import S2SCLI
import S2STestSupport

/// train-lm → generate → evaluate-lm on a tiny model, and the commands' argument checks.
@Suite(.serialized) struct LanguageModelCommandsTests {
    static let lines = ["to be or not to be", "that is the question", "", "whether tis nobler in the mind"]

    func withTrainedModel(_ body: (_ dir: String, _ text: String) throws -> Void) throws {
        let root = TemporaryDirectory("lm-cli")
        defer { root.remove() }
        let text = root.write("text.txt", Array(repeating: Self.lines, count: 4).flatMap { $0 }.joined(separator: "\n") + "\n")
        let dir = root.file("model")
        try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "6",
                                  "--hidden-size", "8", "--embedding-size", "4", "--layers", "1", "--batch-size", "2",
                                  "--bptt", "8", "--threads", "1", "--validate-every", "3"]).run()
        try body(dir, text)
    }

    func generate(_ arguments: [String]) throws -> String {
        var text = ""
        try GenerateCommand.parse(arguments).generate { text += $0 }
        return text
    }

    @Test func trainGenerateEvaluateAndResume() throws {
        try withTrainedModel { dir, text in
            for file in ["config.json", "model.safetensors", "vocab.txt", "pipeline.json", "checkpoints/LATEST"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + file), "missing \(file)")
            }
            let sample = try generate(["-m", dir, "--prompt", "to be", "--max-tokens", "30", "--seed", "3"])
            #expect(sample.hasPrefix("to be") && sample.hasSuffix("\n"))
            #expect(sample == (try generate(["-m", dir, "--prompt", "to be", "--max-tokens", "30", "--seed", "3"])))
            #expect(sample != (try generate(["-m", dir, "--prompt", "to be", "--max-tokens", "30", "--seed", "4"])))
            let two = try generate(["-m", dir, "--max-tokens", "10", "--num-samples", "2", "--temperature", "0"])
            let halves = two.components(separatedBy: "\n\n")
            #expect(halves.count >= 2 && two.hasPrefix(halves[0]), "two greedy samples separated by an empty line: \(two.debugDescription)")

            let report = try EvaluateLMCommand.parse(["-m", dir, text, "--threads", "1"]).report()
            #expect(report.hasPrefix("loss ") && report.contains("bits/char"))
            let json = try EvaluateLMCommand.parse(["-m", dir, text, "--json"]).report()
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            #expect(Set(object.keys) == ["loss", "perplexity", "bpc", "accuracy", "tokens", "characters"])

            try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "9", "--resume",
                                      "--hidden-size", "8", "--embedding-size", "4", "--layers", "1", "--batch-size", "2",
                                      "--bptt", "8", "--threads", "1", "--validate-every", "3"]).run()
            let latest = try String(contentsOfFile: dir + "/checkpoints/LATEST", encoding: .utf8)
            #expect(latest.hasPrefix("step-00000009"))
            // Resuming with another model shape is refused.
            #expect(throws: (any Error).self) {
                try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "12", "--resume",
                                          "--hidden-size", "16", "--embedding-size", "4", "--layers", "1", "--batch-size", "2",
                                          "--bptt", "8", "--threads", "1"]).run()
            }
        }
    }

    /// `--cell gru|rnn` trains, is recorded in config.json, generates, and cannot be changed on resume.
    @Test(arguments: ["gru", "rnn"])
    func otherCellsTrainGenerateAndRefuseAnotherCellOnResume(cell: String) throws {
        let root = TemporaryDirectory("lm-cell")
        defer { root.remove() }
        let text = root.write("text.txt", Array(repeating: Self.lines, count: 4).flatMap { $0 }.joined(separator: "\n") + "\n")
        let dir = root.file("model")
        func train(_ cell: String, steps: Int, resume: Bool) throws {
            try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "\(steps)", "--cell", cell,
                                      "--hidden-size", "8", "--embedding-size", "4", "--layers", "2", "--batch-size", "2",
                                      "--bptt", "8", "--threads", "1", "--validate-every", "3"] + (resume ? ["--resume"] : [])).run()
        }
        try train(cell, steps: 3, resume: false)
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        #expect(config.contains("\"cell\" : \"\(cell)\""))
        let sample = try generate(["-m", dir, "--prompt", "to be", "--max-tokens", "20", "--seed", "3"])
        let again = try generate(["-m", dir, "--prompt", "to be", "--max-tokens", "20", "--seed", "3"])
        #expect(sample.hasPrefix("to be") && sample == again)
        try train(cell, steps: 6, resume: true)
        #expect(throws: (any Error).self) { try train(cell == "gru" ? "lstm" : "gru", steps: 9, resume: true) }
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--cell", "tanh"]) }
    }

    /// `--optimizer sgd` trains with SGD (recorded in config.json; other weights than Adam's), and a resume
    /// must name the optimizer its checkpoint holds: Adam refuses SGD's state instead of starting afresh.
    @Test func sgdTrainsAndAResumeKeepsTheOptimizer() throws {
        let root = TemporaryDirectory("lm-sgd")
        defer { root.remove() }
        let text = root.write("text.txt", Array(repeating: Self.lines, count: 4).flatMap { $0 }.joined(separator: "\n") + "\n")
        func train(_ dir: String, steps: Int, _ extra: [String]) throws {
            try TrainLMCommand.parse(["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "\(steps)",
                                      "--hidden-size", "8", "--embedding-size", "4", "--layers", "1", "--batch-size", "2",
                                      "--bptt", "8", "--threads", "1", "--validate-every", "3"] + extra).run()
        }
        let sgd = root.file("sgd"), adam = root.file("adam")
        try train(sgd, steps: 3, ["--optimizer", "sgd", "--learning-rate", "1"])
        try train(adam, steps: 3, ["--learning-rate", "1"])
        #expect(try String(contentsOfFile: sgd + "/config.json", encoding: .utf8).contains("\"optimizer\" : \"sgd\""))
        #expect(!(try String(contentsOfFile: adam + "/config.json", encoding: .utf8).contains("optimizer")))
        let weights = { (dir: String) in try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors")) }
        #expect(try weights(sgd) != weights(adam))
        #expect(throws: (any Error).self) { try train(sgd, steps: 6, ["--resume"]) }
        try train(sgd, steps: 6, ["--resume", "--optimizer", "sgd", "--learning-rate", "1"])
        #expect(try String(contentsOfFile: sgd + "/checkpoints/LATEST", encoding: .utf8).hasPrefix("step-00000006"))
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(["--train", text, "--model-dir", sgd, "--optimizer", "lbfgs"]) }
    }

    /// `--learning-rate-schedule cosine`: recorded in config.json; the rate of update k (1-based) is
    /// lr·(1 + cos(π(k − 1)/steps))/2, as metrics.jsonl shows; an unknown schedule is refused. Without the
    /// option the rate falls linearly (train-lm's default): lr·(1 − (k − 1)/steps).
    @Test func linearByDefaultOrCosineAnnealsOverTheStepLimit() throws {
        let root = TemporaryDirectory("lm-schedule")
        defer { root.remove() }
        let text = root.write("text.txt", Array(repeating: Self.lines, count: 4).flatMap { $0 }.joined(separator: "\n") + "\n")
        let dir = root.file("model")
        let arguments = ["--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "8", "--hidden-size", "8",
                         "--embedding-size", "4", "--layers", "1", "--batch-size", "2", "--bptt", "8", "--threads", "1",
                         "--report-every", "1", "--learning-rate", "0.004"]
        try TrainLMCommand.parse(arguments + ["--learning-rate-schedule", "cosine"]).run()
        let config = try String(contentsOfFile: dir + "/config.json", encoding: .utf8)
        #expect(config.contains("\"learningRateSchedule\" : \"cosine\""))
        func rates(_ dir: String) throws -> [Double] {
            try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n").compactMap { line in
                (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]).flatMap { $0["event"] as? String == "train" ? $0["lr"] as? Double : nil }
            }
        }
        let cosine = try rates(dir)
        #expect(cosine.count == 8)
        for (k, rate) in cosine.enumerated() { #expect(abs(rate - 0.002 * (1 + cos(Double.pi * Double(k) / 8))) < 1e-12) }
        let byDefault = root.file("default")
        try TrainLMCommand.parse(arguments.map { $0 == dir ? byDefault : $0 }).run()
        #expect(try String(contentsOfFile: byDefault + "/config.json", encoding: .utf8).contains("\"learningRateSchedule\" : \"linear\""))
        let linear = try rates(byDefault)
        #expect(linear.count == 8)
        for (k, rate) in linear.enumerated() { #expect(abs(rate - 0.004 * (1 - Double(k) / 8)) < 1e-12) }
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(arguments + ["--learning-rate-schedule", "step"]) }
    }

    /// `--weight-decay`: 0.1 by default, recorded in config.json with the trainer's settings (AdamW; the
    /// update itself is TrainerTests'); 0 records none, a negative value is refused.
    @Test func weightDecayIsRecorded() throws {
        let root = TemporaryDirectory("lm-decay")
        defer { root.remove() }
        let text = root.write("text.txt", Array(repeating: Self.lines, count: 4).flatMap { $0 }.joined(separator: "\n") + "\n")
        func arguments(_ dir: String, _ decay: String?) -> [String] {
            ["--train", text, "--valid", text, "--model-dir", root.file(dir), "--max-steps", "2", "--hidden-size", "8",
             "--embedding-size", "4", "--layers", "1", "--batch-size", "2", "--bptt", "8", "--threads", "1"]
                + (decay.map { ["--weight-decay", $0] } ?? [])
        }
        try TrainLMCommand.parse(arguments("default", nil)).run()
        try TrainLMCommand.parse(arguments("decayed", "0.05")).run()
        try TrainLMCommand.parse(arguments("plain", "0")).run()
        #expect(try String(contentsOfFile: root.file("default") + "/config.json", encoding: .utf8).contains("\"weightDecay\" : 0.1"))
        #expect(try String(contentsOfFile: root.file("decayed") + "/config.json", encoding: .utf8).contains("\"weightDecay\" : 0.05"))
        #expect(try !String(contentsOfFile: root.file("plain") + "/config.json", encoding: .utf8).contains("weightDecay"))
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(arguments("negative", "-0.1")) }
    }

    @Test func argumentAndInputErrors() throws {
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(["--train", "a", "--valid", "b", "--model-dir", "m", "--batch-tokens", "100"]) }
        #expect(throws: (any Error).self) { try TrainLMCommand.parse(["--train", "a", "--valid", "b", "--model-dir", "m", "--bpe-merges", "100"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["-m", "m", "--top-p", "0"]) }
        #expect(throws: (any Error).self) { try GenerateCommand.parse(["-m", "m", "--temperature", "-1"]) }
        #expect {
            try GenerateCommand.parse(["-m", "/nonexistent/model"]).generate { _ in }
        } throws: { "\($0)".contains("no config.json") }
        try withTrainedModel { dir, _ in
            #expect {
                try GenerateCommand.parse(["-m", dir, "--prompt", "@/nonexistent/prompt.txt"]).generate { _ in }
            } throws: { "\($0)".contains("/nonexistent/prompt.txt") }
            #expect {
                try EvaluateLMCommand.parse(["-m", dir, "/nonexistent/text.txt"]).report()
            } throws: { "\($0)".contains("/nonexistent/text.txt") }
        }
    }
}
