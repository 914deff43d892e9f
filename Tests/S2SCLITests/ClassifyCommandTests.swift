// The classifier commands' plumbing: labelled-file reading (errors with file:line, fastText detection,
// --labels drops counted), training twice with one seed gives byte-identical weights, classify writes
// one line per input line (an empty one for an empty line), long lines classified on their first
// tokens, output formatting, the tutorial test set reader, and --pretrain's values.
import Testing
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining
@testable import S2SCLI
@testable import S2STasks
import S2STestSupport

@Suite struct ClassifyCommandTests {
    /// The first `count` lines of an airline split, as a TSV in `directory`.
    func airlineSlice(_ split: String, _ count: Int, in directory: TemporaryDirectory) throws -> String {
        let text = try String(contentsOfFile: Corpora.path("sentiment/airline/\(split).tsv"), encoding: .utf8)
        return directory.write(split + ".tsv", text.split(separator: "\n").prefix(count).joined(separator: "\n") + "\n")
    }

    @Test func badTSVLineNamesFileAndLine() throws {
        let directory = TemporaryDirectory("classify")
        defer { directory.remove() }
        let path = directory.write("bad.tsv", "positive\tgreat\nnegative\tbad\nthis line has no tab\n")
        #expect {
            try ClassificationData.read(path: path)
        } throws: { error in
            "\(error)".hasPrefix("\(path):3: ") && "\(error)".contains("TAB")
        }
    }

    @Test func fastTextIsDetectedAndLabelsAreFiltered() throws {
        let directory = TemporaryDirectory("classify")
        defer { directory.remove() }
        let path = directory.write("ft.txt", "__label__positive great\n__label__neutral ok\n\n__label__negative bad\n__label__neutral meh\n")
        let data = try ClassificationData.read(path: path, keep: ["positive", "negative"])
        #expect(data.examples.map(\.label) == ["positive", "negative"])
        #expect(data.examples.map(\.line) == [1, 4])
        #expect(data.dropped == ["neutral": 2])
        #expect(data.summary.contains("dropped 2 lines with other labels (2 neutral)"))
    }

    func tinyJob(directory: String, train: String, valid: String) -> ClassificationTrainingJob {
        var job = ClassificationTrainingJob(train: train, valid: valid, modelDirectory: directory)
        job.options.model = ClassificationConfig(vocabularySize: 5, classes: 2, embeddingSize: 8, hiddenSize: 8, pooling: .attention)
        job.options.minCount = 1
        job.options.batchSize = 8
        job.options.trainer.epochs = 2
        job.options.trainer.timeBudget = nil
        job.options.trainer.shards = 2
        job.options.pretraining = nil
        return job
    }

    @Test func sameSeedGivesIdenticalModelBytes() throws {
        let directory = TemporaryDirectory("classify")
        defer { directory.remove() }
        let train = try airlineSlice("train", 48, in: directory), valid = try airlineSlice("dev", 16, in: directory)
        let a = directory.file("a"), b = directory.file("b")
        let resultA = try tinyJob(directory: a, train: train, valid: valid).run()
        try tinyJob(directory: b, train: train, valid: valid).run()
        let bytesA = try Data(contentsOf: URL(fileURLWithPath: a + "/model.safetensors"))
        let bytesB = try Data(contentsOf: URL(fileURLWithPath: b + "/model.safetensors"))
        #expect(!bytesA.isEmpty && bytesA == bytesB)
        #expect(resultA.labels == ["negative", "neutral", "positive"])
        // The bundle loads back with its labels and text pipeline.
        let bundle = try ClassificationBundle.load(directory: a)
        #expect(bundle.labels == resultA.labels && bundle.model.config.pooling == .attention)
    }

    @Test func classifyWritesOneLinePerInputLine() throws {
        let temporary = TemporaryDirectory("classify")
        defer { temporary.remove() }
        let train = try airlineSlice("train", 32, in: temporary), valid = try airlineSlice("dev", 8, in: temporary)
        let directory = temporary.file("model")
        let long = String(repeating: "lost my bag again ", count: 50)
        let input = temporary.write("input.txt", "thanks @united!\n\n   \nlost my bag\n\nworst flight ever\n\(long)\n\n")
        var job = tinyJob(directory: directory, train: train, valid: valid)
        job.options.trainer.epochs = 1
        try job.run()
        let bundle = try ClassificationBundle.load(directory: directory)
        for (threads, blockSize) in [(1, 4096), (2, 3)] {
            var options = ClassificationOptions()
            options.threads = threads
            options.maxTokens = 4
            let classifier = try Classifier(contentsOf: directory, options: options)
            var output = ""
            try ClassifyCommand.classify(try LineReader(path: input, options: ReadOptions(skipEmpty: false)),
                                         with: classifier, k: 2, probabilities: true, blockSize: blockSize) { output += $0 }
            let lines = output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(lines.count == 8, "threads \(threads): \(output)")
            // Empty and whitespace-only lines get empty lines, every other line its labels.
            #expect(lines.map(\.isEmpty) == [false, true, true, false, true, false, false, true])
            #expect(lines.filter { !$0.isEmpty }.allSatisfy { $0.split(separator: "\t").count == 4 })
            // The long line is classified on its first 4 tokens ("lost my bag again").
            let first = try classifier.classify("lost my bag again").probabilities
            #expect(lines[6] == Substring(ClassifyCommand.format(first, labels: bundle.labels, k: 2, probabilities: true)))
        }
    }

    @Test func outputFormat() {
        let row: [Float] = [0.1, 0.7, 0.2]
        #expect(ClassifyCommand.format(row, labels: ["a", "b", "c"], k: 1, probabilities: false) == "b")
        #expect(ClassifyCommand.format(row, labels: ["a", "b", "c"], k: 2, probabilities: true) == "b\t0.7000\tc\t0.2000")
        #expect(ClassifyCommand.format(row, labels: ["a", "b", "c"], k: 5, probabilities: false) == "b\tc\ta")
    }

    @Test func tutorialTestSetDecodesIds() throws {
        let examples = try TutorialTestSet.read(directory: Corpora.path("sentiment/bcs-lstm-tutorial"), limit: 3)
        // Entry 1 is [[2, 1, 1, …], "1"]: one unknown word; entry 2 starts with id 23 and has 9 real tokens.
        #expect(examples.map(\.label) == ["positive", "negative", "positive"])
        #expect(examples[0].text == TutorialTestSet.unknownWord)
        #expect(examples[1].text.split(separator: " ").count == 9)
    }

    @Test func reportPrintsTheConfusionMatrix() throws {
        let report = ClassificationReport(gold: [0, 0, 1], predicted: [0, 1, 1], classes: 2)
        let text = ReportFormat.text(report, labels: ["neg", "pos"])
        #expect(text.contains("accuracy   0.6667") && text.contains("confusion matrix"))
        let json = try ReportFormat.json(report, labels: ["neg", "pos"], skipped: 4)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        #expect(object["n"] as? Int == 3 && object["skipped"] as? Int == 4)
        #expect(object["confusion"] as? [[Int]] == [[1, 1], [0, 1]])
    }

    /// `--pretrain`: a duration like --time-budget's, 0 for none; anything else, or a duration with --init-from, is refused.
    @Test func pretrainTakesADurationOrZero() throws {
        #expect(PretrainBudget(argument: "90s")?.seconds == 90)
        #expect(PretrainBudget(argument: "3m")?.seconds == 180)
        #expect(try #require(PretrainBudget(argument: "0")).seconds == nil)
        #expect(PretrainBudget(argument: "soon") == nil && PretrainBudget(argument: "-1m") == nil)
        #expect(throws: (any Error).self) { try TrainClassifyCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--pretrain", "x"]) }
        #expect(throws: (any Error).self) { try TrainClassifyCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--pretrain", "1m", "--init-from", "lm"]) }
        #expect(try TrainClassifyCommand.parse(["--train", "t", "--valid", "v", "--model-dir", "m", "--pretrain", "0", "--init-from", "lm"]).pretrain?.seconds == nil)
    }
}
