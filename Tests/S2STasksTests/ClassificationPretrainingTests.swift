// The classifier's built-in pretraining (ULMFiT-style, `ClassificationTrainingOptions.pretraining`): a
// word language model of the classifier's shape trains on every line's text in <model dir>/pretrain and
// the classifier starts from it; a shape that cannot start from it is refused before anything is
// written; a run that died before the classifier's first checkpoint resumes its pretraining and ends as
// the whole run would have; and two ranks give the bytes of one process with two shards.
import Foundation
import Testing
import S2SCore
import S2SModels
import S2STraining
@testable import S2STasks
import S2STestSupport

@Suite struct ClassificationPretrainingTests {
    /// The tiny classifier with `lmSteps` steps of pretraining (a step limit: the same steps on any machine).
    func options(classifierSteps: Int = 2, lmSteps: Int = 20) -> ClassificationTrainingOptions {
        var options = TinyClassifier.options(steps: classifierSteps)
        var lm = ClassificationPretraining.recipe
        lm.trainer.timeBudget = nil
        lm.trainer.maxSteps = lmSteps
        lm.trainer.validateEvery = 5
        lm.batchSize = 4
        lm.bptt = 8
        options.pretraining = lm
        return options
    }

    /// The tiny labelled file (its lines' text is also the language model's training text).
    func data(in directory: TemporaryDirectory) -> String { TinyClassifier.writeExamples(into: directory) }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func theClassifierStartsFromALanguageModelOfItsOwnShapeAndText() throws {
        let directory = TemporaryDirectory("pretrain")
        defer { directory.remove() }
        let file = data(in: directory)
        var options = options()
        options.learningRate = 0   // the saved weights are the starting ones
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"), options: options).run()

        let classifier = try ClassificationBundle.load(directory: directory.file("model"))
        let lm = try LanguageModelBundle.load(directory: directory.file("model/pretrain"))
        #expect(classifier.config.training.pretrain == "pretrain")
        #expect(lm.text.pipeline.fingerprint == classifier.text.pipeline.fingerprint)
        #expect(lm.config.model.embeddingSize == 16 && lm.config.model.hiddenSize == 16 && lm.config.model.layers == 1)
        #expect(lm.config.training.trainer.maxSteps == 20)
        let text = try String(contentsOfFile: directory.file("model/pretrain/train.txt"), encoding: .utf8)
        #expect(text.split(separator: "\n").count == 4 * TinyClassifier.examples.count)
        let weights = Dictionary(uniqueKeysWithValues: classifier.model.parameters.map { ($0.name, $0.variable.value) })
        for (name, variable) in lm.model.encoder.namedParameters { #expect(weights["encoder." + name] == variable.value, "\(name)") }

        // Without pretraining the encoder starts elsewhere.
        options.pretraining = nil
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("fresh"), options: options).run()
        let fresh = try ClassificationBundle.load(directory: directory.file("fresh"))
        #expect(fresh.config.training.pretrain == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.file("fresh/pretrain")))
        let freshWeights = Dictionary(uniqueKeysWithValues: fresh.model.parameters.map { ($0.name, $0.variable.value) })
        #expect(freshWeights["encoder.rnn.weight_hh_l0"] != weights["encoder.rnn.weight_hh_l0"])
    }

    @Test func aShapeThatCannotStartFromALanguageModelIsRefusedBeforeAnythingIsWritten() throws {
        let directory = TemporaryDirectory("pretrain-refused")
        defer { directory.remove() }
        let file = data(in: directory)
        var options = options()
        options.model.layers = 2   // bidirectional: layer 1 reads both directions
        #expect(options.pretrainingProblem != nil)
        #expect {
            try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"), options: options).run()
        } throws: { error in
            "\(error)".contains("without --pretrain") && "\(error)".contains("--no-bidirectional")
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("model/config.json")))
        options.model.bidirectional = false
        #expect(options.pretrainingProblem == nil)
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"), options: options).run()
        #expect(try LanguageModelBundle.load(directory: directory.file("model/pretrain")).config.model.layers == 2)
    }

    /// A run whose pretraining stopped (here: its first 10 of 20 steps) and whose classifier never
    /// saved a checkpoint resumes the pretraining and ends with the whole run's bytes.
    @Test func aRunThatDiedWhilePretrainingResumesToTheWholeRunsBytes() throws {
        let directory = TemporaryDirectory("pretrain-resume")
        defer { directory.remove() }
        let file = data(in: directory)
        let whole = directory.file("whole"), resumed = directory.file("resumed")
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: whole, options: options(classifierSteps: 6)).run()

        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: resumed, options: options(classifierSteps: 6, lmSteps: 10)).run()
        for trained in ["model.safetensors", "checkpoints", "metrics.jsonl"] {   // as if it had died before the classifier saved anything
            try FileManager.default.removeItem(atPath: resumed + "/" + trained)
        }
        var job = ClassificationTrainingJob(train: file, valid: file, modelDirectory: resumed, options: options(classifierSteps: 6))
        job.mode = .resume
        let log = Locked<[String]>([])
        try job.run { event in if case .message(let line) = event { log.update { $0.append(line) } } }
        #expect(log.value.contains { $0.hasPrefix("pretraining: resuming from") }, "\(log.value)")

        #expect(try bytes(resumed + "/pretrain/model.safetensors") == bytes(whole + "/pretrain/model.safetensors"))
        #expect(try bytes(resumed + "/model.safetensors") == bytes(whole + "/model.safetensors"))

        // Once the classifier has a checkpoint, a resume leaves the language model alone.
        let pretrainMetrics = try bytes(resumed + "/pretrain/metrics.jsonl")
        job.options.trainer.maxSteps = 8
        try job.run()
        #expect(try bytes(resumed + "/pretrain/metrics.jsonl") == pretrainMetrics)
    }

    /// Two ranks × 1 shard (threads standing in for MPI processes): rank 1 pretrains in a scratch
    /// directory of its own, receives rank 0's language model, and both give one process's bytes.
    @Test func twoRanksGiveTheBytesOfOneProcessWithTwoShards() throws {
        let directory = TemporaryDirectory("pretrain-ranks")
        defer { directory.remove() }
        let file = data(in: directory)
        var options = options(classifierSteps: 4)
        options.model.dropout = 0.3   // each shard's own dropout seed must match too
        options.trainer.shards = 2
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("one"), options: options).run()

        options.trainer.shards = 1
        let failures = Locked<[String]>([])
        let distributedOptions = options
        let finished = ThreadCollective.run(size: 2, timeout: 300) { world in
            var job = ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file(world.rank == 0 ? "two" : "unused"),
                                                options: distributedOptions)
            job.collective = world
            do { try job.run() } catch { failures.update { $0.append("rank \(world.rank): \(error)") } }
        }
        #expect(failures.value.isEmpty, "\(failures.value)")
        try #require(finished, "a rank did not finish: \(failures.value)")
        #expect(try bytes(directory.file("two/pretrain/model.safetensors")) == bytes(directory.file("one/pretrain/model.safetensors")))
        #expect(try bytes(directory.file("two/model.safetensors")) == bytes(directory.file("one/model.safetensors")))
        #expect(!FileManager.default.fileExists(atPath: directory.file("unused")))
    }
}
