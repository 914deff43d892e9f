// `train-classify --init-from`: a classifier run that starts from a word language model trained on the
// same sentences takes the LM's vocabulary, shape and encoder weights, records where they came from,
// trains from there, and refuses a language model it cannot start from before writing anything.
import Foundation
import Testing
import S2SCore
import S2SModels
import S2STraining
@testable import S2STasks
import S2STestSupport

@Suite struct ClassifierInitFromTests {
    /// A word LM of the tiny classifier's sentences, in `directory`/lm.
    func trainLanguageModel(in directory: TemporaryDirectory, layers: Int = 1) throws -> String {
        let text = directory.write("sentences.txt", String(repeating: TinyClassifier.examples.map(\.text).joined(separator: "\n") + "\n", count: 4))
        var options = LanguageModelTrainingOptions()
        options.unit = .words
        options.model = LanguageModelConfig(vocabularySize: 0, embeddingSize: 12, hiddenSize: 10, layers: layers, dropout: 0)
        options.batchSize = 4
        options.bptt = 8
        options.trainer.epochs = nil
        options.trainer.maxSteps = 20
        try LanguageModelTrainingJob(train: text, valid: text, modelDirectory: directory.file("lm"), options: options).run()
        return directory.file("lm")
    }

    @Test func startsFromTheLanguageModelsPipelineShapeAndEncoder() throws {
        let directory = TemporaryDirectory("init-from")
        defer { directory.remove() }
        let lm = try LanguageModelBundle.load(directory: try trainLanguageModel(in: directory))
        let data = TinyClassifier.writeExamples(into: directory)
        // A zero learning rate: the saved weights are the starting ones.
        var options = TinyClassifier.options(steps: 2)
        options.initFrom = directory.file("lm")
        options.learningRate = 0
        try ClassificationTrainingJob(train: data, valid: data, modelDirectory: directory.file("start"), options: options).run()
        let start = try ClassificationBundle.load(directory: directory.file("start"))
        #expect(start.text.pipeline.fingerprint == lm.text.pipeline.fingerprint)
        #expect(start.config.model.embeddingSize == 12 && start.config.model.hiddenSize == 10 && start.config.model.bidirectional)
        #expect(start.config.training.initFrom == directory.file("lm"))
        let weights = Dictionary(uniqueKeysWithValues: start.model.parameters.map { ($0.name, $0.variable.value) })
        for (name, variable) in lm.model.encoder.namedParameters { #expect(weights["encoder." + name] == variable.value, "\(name)") }

        // With a rate it learns the eight sentences from there.
        options.learningRate = 3e-2
        options.trainer.maxSteps = 60
        let result = try ClassificationTrainingJob(train: data, valid: data, modelDirectory: directory.file("tuned"), options: options).run()
        #expect(result.validation.accuracy == 1)
    }

    @Test func aLanguageModelItCannotStartFromIsRefusedBeforeAnythingIsWritten() throws {
        let directory = TemporaryDirectory("init-from-refused")
        defer { directory.remove() }
        let lm = try trainLanguageModel(in: directory, layers: 2)
        let data = TinyClassifier.writeExamples(into: directory)
        var options = TinyClassifier.options(steps: 2)
        options.initFrom = lm   // two layers, and the classifier is bidirectional
        do {
            try ClassificationTrainingJob(train: data, valid: data, modelDirectory: directory.file("model"), options: options).run()
            Issue.record("a bidirectional classifier started from a two-layer language model")
        } catch let error as TrainingError {
            #expect(error.description.contains("--init-from \(lm)") && error.description.contains("--no-bidirectional"))
        }
        #expect(!FileManager.default.fileExists(atPath: directory.file("model/config.json")))
        // One direction works.
        options.model.bidirectional = false
        try ClassificationTrainingJob(train: data, valid: data, modelDirectory: directory.file("model"), options: options).run()
        #expect(try ClassificationBundle.load(directory: directory.file("model")).config.model.layers == 2)
        // A classifier's directory is not a language model.
        options.initFrom = directory.file("model")
        #expect(throws: (any Error).self) {
            try ClassificationTrainingJob(train: data, valid: data, modelDirectory: directory.file("other"), options: options).run()
        }
    }
}
