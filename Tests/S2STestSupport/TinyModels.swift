// The tiny models the public-API and server tests share: each trained once per test process through its training
// job (a few seconds in a debug build), loaded through its inference type, and its directory removed
// again — the loaded object holds everything it needs. A failed training becomes a thrown error in the
// tests that use it, not a crash.
internal import Foundation
import S2SCore
import S2STasks
import S2STraining

/// Spelled-out digits → digits ("three one four" → "3 1 4"), with the events its training run sent.
public struct TinyTranslator: Sendable {
    public static let steps = 200
    public static let shared = Result { try TinyTranslator() }

    public let translator: Translator
    public let result: TranslationTrainingJob.Result
    public let events: [TrainingEvent]

    public static let words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]

    /// A digit string spelled out and spaced: "42" → ("four two", "4 2").
    public static func pair(_ digits: String) -> (source: String, target: String) {
        (digits.map { words[Int(String($0))!] }.joined(separator: " "), digits.map(String.init).joined(separator: " "))
    }

    /// The `i`th of a scrambled list of 1- to 4-digit strings, each length as frequent as the others.
    public static func digits(_ i: Int) -> String {
        let length = 1 + i % 4
        let value = i &* 7_919 % Int(pow(10, Double(length)))
        return String(String(repeating: "0", count: length) + String(value)).suffix(length).description
    }

    private init() throws {
        let directory = TemporaryDirectory("api-translator")
        defer { directory.remove() }
        let events = Locked<[TrainingEvent]>([])
        result = try Self.train(into: directory, steps: Self.steps, progress: { event in events.update { $0.append(event) } })
        self.events = events.value
        translator = try Translator(contentsOf: directory.file("model"))
    }

    /// Trains the model (an LSTM unless `cell` says otherwise) into `directory`/model for `steps` steps,
    /// with its data files beside it; `source` rewrites every source sentence (another vocabulary).
    @discardableResult
    public static func train(into directory: TemporaryDirectory, steps: Int, cell: RecurrentCell = .lstm,
                             source: (String) -> String = { $0 },
                             progress: @escaping TrainingProgressHandler = { _ in }) throws -> TranslationTrainingJob.Result {
        // More pairs than the run's steps × batch, so no epoch ends early (and validates) before the end.
        let train = (0..<10_000).map { Self.pair(Self.digits($0)) }.map { (source: source($0.source), target: $0.target) }
        let valid = (10_000..<10_020).map { Self.pair(Self.digits($0)) }.map { (source: source($0.source), target: $0.target) }
        let files = TranslationTrainingJob.Files(
            trainSource: directory.write("train.src", train.map(\.source).joined(separator: "\n") + "\n"),
            trainTarget: directory.write("train.tgt", train.map(\.target).joined(separator: "\n") + "\n"),
            validSource: directory.write("valid.src", valid.map(\.source).joined(separator: "\n") + "\n"),
            validTarget: directory.write("valid.tgt", valid.map(\.target).joined(separator: "\n") + "\n"))
        var options = TranslationTrainingOptions()
        options.minCount = 1
        options.model.sourceEmbeddingSize = 16
        options.model.targetEmbeddingSize = 16
        options.model.encoderHiddenSize = 32
        options.model.cell = cell
        options.model.dropout = 0
        options.batchSize = 32
        options.learningRate = 1e-2
        options.trainer.epochs = nil
        options.trainer.maxSteps = steps
        let job = TranslationTrainingJob(files: files, modelDirectory: directory.file("model"), options: options)
        return try job.run(progress: progress)
    }
}

/// A character language model of a nursery rhyme, repeated.
public enum TinyLanguageModel {
    public static let rhyme = "twinkle twinkle little star\nhow i wonder what you are\nup above the world so high\nlike a diamond in the sky\n"
    public static let shared = Result { try train() }

    /// Small sizes, a high rate, `steps` optimizer steps; an LSTM unless `cell` says otherwise.
    public static func options(steps: Int, cell: RecurrentCell = .lstm) -> LanguageModelTrainingOptions {
        var options = LanguageModelTrainingOptions()
        options.model = .init(vocabularySize: 0, cell: cell, embeddingSize: 16, hiddenSize: 32, layers: 1, dropout: 0)
        options.batchSize = 4
        options.bptt = 32
        options.learningRate = 1e-2
        options.learningRateSchedule = .plateau   // what the tests that use it were written with
        options.trainer.weightDecay = nil
        options.trainer.epochs = nil
        options.trainer.maxSteps = steps
        return options
    }

    private static func train() throws -> TextGenerator {
        let directory = TemporaryDirectory("api-lm")
        defer { directory.remove() }
        let text = directory.write("rhyme.txt", String(repeating: rhyme, count: 20))
        try LanguageModelTrainingJob(train: text, valid: text, modelDirectory: directory.file("model"), options: options(steps: 200)).run()
        return try TextGenerator(contentsOf: directory.file("model"))
    }
}

/// A positive/negative sentence classifier of eight short lines.
public enum TinyClassifier {
    public static let examples = [
        LabelledExample(label: "positive", text: "great flight , friendly crew", line: 1),
        LabelledExample(label: "positive", text: "thanks for the quick help", line: 2),
        LabelledExample(label: "positive", text: "love the new seats", line: 3),
        LabelledExample(label: "positive", text: "great service , thanks", line: 4),
        LabelledExample(label: "negative", text: "delayed again , terrible service", line: 5),
        LabelledExample(label: "negative", text: "lost my bag , no help", line: 6),
        LabelledExample(label: "negative", text: "cancelled flight and rude staff", line: 7),
        LabelledExample(label: "negative", text: "terrible delay , never again", line: 8),
    ]
    public static let shared = Result { try train() }

    /// Writes the examples (four times over) as `label<TAB>text` lines into `directory`.
    public static func writeExamples(into directory: TemporaryDirectory) -> String {
        let lines = examples.map { $0.label + "\t" + $0.text }.joined(separator: "\n") + "\n"
        return directory.write("labelled.tsv", String(repeating: lines, count: 4))
    }

    /// Small sizes, a constant rate, the lowest validation loss kept, no pretraining; `steps` optimizer steps.
    public static func options(steps: Int) -> ClassificationTrainingOptions {
        var options = ClassificationTrainingOptions()
        options.minCount = 1
        options.model = .init(vocabularySize: 0, classes: 0, embeddingSize: 16, hiddenSize: 16, dropout: 0)
        options.batchSize = 8
        options.learningRateDecay = 1
        options.trainer.epochs = nil
        options.trainer.maxSteps = steps
        options.trainer.timeBudget = nil
        options.trainer.patience = nil
        options.trainer.metric = "loss"
        options.trainer.higherIsBetter = false
        return options
    }

    private static func train() throws -> Classifier {
        let directory = TemporaryDirectory("api-classifier")
        defer { directory.remove() }
        let file = writeExamples(into: directory)
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"), options: options(steps: 80)).run()
        return try Classifier(contentsOf: directory.file("model"))
    }
}

/// A value that `@Sendable` closures (progress handlers) may change.
public final class Locked<Value>: @unchecked Sendable {
    private var stored: Value
    private let lock = NSLock()
    public init(_ value: Value) { stored = value }
    public var value: Value { lock.withLock { stored } }
    public func update(_ change: (inout Value) -> Void) { lock.withLock { change(&stored) } }
}
