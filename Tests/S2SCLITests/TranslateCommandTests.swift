import Testing
import Foundation
import S2STraining
@testable import S2SCLI
@testable import S2STasks
import S2STestSupport

/// End to end on a tiny dates corpus: train-translate writes a bundle that translate loads; every input
/// line (empty, very long) gets exactly one output line, whatever the batch size.
@Suite(.serialized) struct TranslateCommandTests {
    /// The output lines `s2s translate ARGUMENTS` writes for `lines` (read from a file, as the command does).
    func translate(_ arguments: [String], _ lines: [String], with translator: Translator) throws -> [String] {
        let directory = TemporaryDirectory("translate-input")
        defer { directory.remove() }
        let input = directory.write("input.txt", lines.map { $0 + "\n" }.joined())
        var output = ""
        _ = try TranslateCommand.parse(arguments + [input]).translateInput(with: translator) { output += $0 }
        return output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    @Test func trainThenTranslate() throws {
        let temporary = TemporaryDirectory("translate"), directory = temporary.path
        defer { temporary.remove() }
        let corpus = try DateCorpus.write(directory: directory + "/data", seed: 5, sizes: (train: 300, valid: 20, test: 20))
        let modelDir = directory + "/model"
        let train = try TrainTranslateCommand.parse([
            "--train-src", corpus["train.src"]!, "--train-tgt", corpus["train.tgt"]!,
            "--valid-src", corpus["valid.src"]!, "--valid-tgt", corpus["valid.tgt"]!,
            "--target-chars", "--lowercase", "--min-count", "1", "--embedding-size", "16", "--hidden-size", "16",
            "--max-steps", "12", "--batch-size", "16", "--threads", "2", "--model-dir", modelDir])
        try train.run()
        for file in ["config.json", "model.safetensors", "metrics.jsonl", "source/vocab.txt", "target/pipeline.json"] {
            #expect(FileManager.default.fileExists(atPath: modelDir + "/" + file), "\(file) missing")
        }
        var bundle = try TranslationBundle.load(modelDir)
        #expect(bundle.config.lowercase && bundle.model.config.encoderHiddenSize == 16)
        #expect(bundle.config.trainer?.maxSteps == 12 && bundle.config.training["batchSize"] == "16")   // the run is on record
        // --resume continues from the checkpoint with the stored model and text settings.
        try TrainTranslateCommand.parse([
            "--train-src", corpus["train.src"]!, "--train-tgt", corpus["train.tgt"]!,
            "--valid-src", corpus["valid.src"]!, "--valid-tgt", corpus["valid.tgt"]!,
            "--max-steps", "16", "--batch-size", "16", "--threads", "1", "--model-dir", modelDir, "--resume"]).run()
        let metrics = try String(contentsOfFile: modelDir + "/metrics.jsonl", encoding: .utf8)
        #expect(metrics.contains("\"step\":16"))
        bundle = try TranslationBundle.load(modelDir)
        let translator = try Translator(contentsOf: modelDir)

        let long = Array(repeating: "twenty", count: 150).joined(separator: " ")
        let lines = ["the fourth of july, nineteen seventy-six", "", long, "March 3rd, 2021", "   ", "zzz unknown words"]
        var outputs: [[String]] = []
        for precision in ["float32", "bfloat16", "int8", "bfloat16-dot"] {
            for batchSize in ["1", "4", "32"] {
                outputs.append(try translate(["-m", modelDir, "--batch-size", batchSize, "--threads", "2",
                                              "--weight-precision", precision], lines, with: translator))
            }
        }
        #expect(outputs[0].count == lines.count && outputs[3].count == lines.count && outputs[6].count == lines.count)
        // An empty (or whitespace-only) source gets an empty translation, not one made up from nothing.
        #expect(outputs[0][1] == "" && outputs[0][4] == "" && outputs[3][1] == "")
        #expect(!outputs[0][0].isEmpty && !outputs[0][2].isEmpty)
        #expect(outputs[0] == outputs[1] && outputs[1] == outputs[2])   // beam 5: batch 1 = batch 4 = batch 32
        #expect(outputs[3] == outputs[4] && outputs[4] == outputs[5])   // with bfloat16 weights too
        #expect(outputs[6] == outputs[7] && outputs[7] == outputs[8])   // and int8
        #expect(outputs[9] == outputs[10] && outputs[10] == outputs[11])   // and bfloat16-dot
        #expect(outputs[6][1] == "" && !outputs[6][0].isEmpty)
        let greedy = try translate(["-m", modelDir, "--beam-size", "1"], lines, with: translator)
        #expect(greedy.count == lines.count)

        let svgDirectory = directory + "/svg"
        let nBest = try translate(["-m", modelDir, "--n-best", "2", "--replace-unk", "--attention-svg", svgDirectory], lines, with: translator)
        #expect(nBest.count == 2 * lines.count - 2)   // the two empty lines get one empty hypothesis each
        #expect(nBest[0].hasPrefix("0 ||| ") && nBest[2] == "1 |||  ||| 0.000000" && nBest[3].hasPrefix("2 ||| ")
                && nBest[7] == "4 |||  ||| 0.000000" && nBest[9].hasPrefix("5 ||| "))
        #expect(nBest.allSatisfy { $0.components(separatedBy: " ||| ").count == 3 })
        #expect(FileManager.default.fileExists(atPath: svgDirectory + "/000001.svg"))
        let svg = try String(contentsOfFile: svgDirectory + "/000001.svg", encoding: .utf8)
        #expect(svg.contains(">,</text>") && !svg.contains("\u{FFED}"))   // tokens as a reader writes them: no joiner boxes

        // --max-source-tokens crops a long line to its first tokens: the same output as those tokens alone.
        let cropped = try translate(["-m", modelDir, "--max-source-tokens", "3"], [long, "twenty twenty twenty"], with: translator)
        #expect(cropped[0] == cropped[1])

        // A line of megabytes is cropped while it is read, never held or tokenized whole: the peak memory
        // of translating it stays far below what tokenizing and encoding all of it took (over 1 GB).
        let bigFile = directory + "/big.txt"
        let big = String(repeating: "twenty one ", count: 400_000)   // 4.4 MB on one line
        try Data((big + "\nthe fourth of july, nineteen seventy-six\n").utf8).write(to: URL(fileURLWithPath: bigFile))
        var written = ""
        let growth = try PeakMemory.growth {
            _ = try TranslateCommand.parse(["-m", modelDir, bigFile, "--beam-size", "2"]).translateInput(with: translator) { written += $0 }
        }
        #expect(growth < 300 << 20, "translating a 4.4 MB line raised the peak RSS by \(growth >> 20) MiB")
        let beam2 = try translate(["-m", modelDir, "--beam-size", "2"], [lines[0]], with: translator)
        #expect(written.split(separator: "\n", omittingEmptySubsequences: false).count == 3 && written.hasSuffix("\n" + beam2[0] + "\n"))
    }

    @Test func trainingRefusesToReplaceARunUnlessTold() throws {
        let temporary = TemporaryDirectory("translate"), directory = temporary.path
        defer { temporary.remove() }
        let corpus = try DateCorpus.write(directory: directory + "/data", seed: 5, sizes: (train: 60, valid: 10, test: 10))
        let modelDir = directory + "/model"
        func train(_ extra: [String]) throws {
            try TrainTranslateCommand.parse([
                "--train-src", corpus["train.src"]!, "--train-tgt", corpus["train.tgt"]!,
                "--valid-src", corpus["valid.src"]!, "--valid-tgt", corpus["valid.tgt"]!, "--min-count", "1",
                "--embedding-size", "8", "--hidden-size", "8", "--max-steps", "2", "--batch-size", "16", "--model-dir", modelDir] + extra).run()
        }
        try train([])
        let model = try Data(contentsOf: URL(fileURLWithPath: modelDir + "/model.safetensors"))
        #expect { try train([]) } throws: { "\($0)".contains("--overwrite") && "\($0)".contains("model.safetensors") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: modelDir + "/model.safetensors")) == model)   // untouched

        // While one run holds the directory, another fails at once, even with --resume.
        let held = try TrainingDirectory.open(modelDir, mode: .resume)
        #expect { try train(["--resume"]) } throws: { "\($0)".contains("another training run is using this model directory") }
        held.close()
        try train(["--overwrite", "--seed", "9"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: modelDir + "/model.safetensors")) != model)
        #expect(throws: (any Error).self) { _ = try TrainTranslateCommand.parse(["--model-dir", modelDir, "--resume", "--overwrite"]) }
    }

    @Test func missingDataFlagIsAnError() {
        #expect(throws: (any Error).self) {
            _ = try TrainTranslateCommand.parse(["--train-src", "a", "--model-dir", "m"])
        }
    }

    @Test func notAModelDirectory() throws {
        let directory = TemporaryDirectory("translate")
        defer { directory.remove() }
        #expect(throws: (any Error).self) { _ = try TranslationBundle.load(directory.path) }
    }
}
