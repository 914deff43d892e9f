import Foundation
import Testing
import S2SCore
import S2STasks
import S2STraining
import S2STestSupport

/// Classifier and language-model ensembles through the public API: a model ensembled with itself gives
/// exactly what it gives alone; two different models (of different cells) give the mean of their
/// distributions; members that read other text or name other labels are refused.
@Suite struct TaskEnsembleAPITests {
    static let lines = ["great crew , thanks", "terrible delay again", "", "lost my bag"]

    /// A tiny classifier in `directory`/model; `rename` relabels the examples.
    static func classifier(into directory: TemporaryDirectory, steps: Int, cell: RecurrentCell = .lstm,
                           rename: [String: String] = [:]) throws -> String {
        let lines = TinyClassifier.examples.map { (rename[$0.label] ?? $0.label) + "\t" + $0.text }.joined(separator: "\n") + "\n"
        let file = directory.write("labelled.tsv", String(repeating: lines, count: 4))
        var options = TinyClassifier.options(steps: steps)
        options.model.cell = cell
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"), options: options).run()
        return directory.file("model")
    }

    @Test func classifierEnsembles() throws {
        let first = TemporaryDirectory("class-ens-a"), second = TemporaryDirectory("class-ens-b"), other = TemporaryDirectory("class-ens-c")
        defer { first.remove(); second.remove(); other.remove() }
        let a = try Self.classifier(into: first, steps: 40), b = try Self.classifier(into: second, steps: 60, cell: .gru)

        let alone = try Classifier(contentsOf: a).classify(Self.lines)
        #expect(try Classifier(contentsOf: [a, a]).classify(Self.lines) == alone)   // (p + p) / 2 = p, bit for bit

        let ensemble = try Classifier(contentsOf: [a, b])
        #expect(ensemble.members.count == 2 && ensemble.members[1].config.model.cell == .gru)
        let mixed = try ensemble.classify(Self.lines), fromB = try Classifier(contentsOf: b).classify(Self.lines)
        for ((m, x), y) in zip(zip(mixed, alone), fromB) where !x.probabilities.isEmpty {
            for k in 0..<2 { #expect(abs(m.probabilities[k] - (x.probabilities[k] + y.probabilities[k]) / 2) < 1e-6) }
        }
        #expect(mixed.map(\.probabilities) != alone.map(\.probabilities))
        #expect(mixed[2].label == nil)   // an empty line stays unclassified

        let renamed = try Self.classifier(into: other, steps: 5, rename: ["positive": "good", "negative": "bad"])
        do {
            _ = try Classifier(contentsOf: [a, renamed])
            Issue.record("an ensemble of classifiers with different labels was accepted")
        } catch let error as BundleError {
            #expect(error.problem.contains("labels") && error.path == renamed)
        }
    }

    /// A tiny character language model of `text` in `directory`/model.
    static func languageModel(into directory: TemporaryDirectory, text: String, steps: Int, cell: RecurrentCell = .lstm) throws -> String {
        let file = directory.write("text.txt", String(repeating: text, count: 20))
        try LanguageModelTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"),
                                     options: TinyLanguageModel.options(steps: steps, cell: cell)).run()
        return directory.file("model")
    }

    @Test func languageModelEnsembles() throws {
        let first = TemporaryDirectory("lm-ens-a"), second = TemporaryDirectory("lm-ens-b"), other = TemporaryDirectory("lm-ens-c")
        defer { first.remove(); second.remove(); other.remove() }
        let rhyme = TinyLanguageModel.rhyme
        let a = try Self.languageModel(into: first, text: rhyme, steps: 60)
        let b = try Self.languageModel(into: second, text: rhyme, steps: 40, cell: .gru)

        var greedy = GenerationOptions()
        greedy.temperature = 0
        greedy.maxTokens = 40
        let alone = try TextGenerator(contentsOf: a).generate(prompt: "twinkle", options: greedy)
        #expect(try TextGenerator(contentsOf: [a, a]).generate(prompt: "twinkle", options: greedy) == alone)

        let ensemble = try TextGenerator(contentsOf: [a, b])
        var sampled = GenerationOptions()
        sampled.maxTokens = 60
        let text = try ensemble.generate(prompt: "how i", options: sampled)
        #expect(try text.hasPrefix("how i") && text == ensemble.generate(prompt: "how i", options: sampled))
        #expect(throws: OptionsError.self) { try ensemble.score(path: first.file("text.txt")) }

        let elsewhere = try Self.languageModel(into: other, text: "a completely different text: 0123456789\n", steps: 5)
        do {
            _ = try TextGenerator(contentsOf: [a, elsewhere])
            Issue.record("an ensemble of language models with different vocabularies was accepted")
        } catch let error as BundleError {
            #expect(error.problem.contains("text pipeline") && error.path == elsewhere)
        }
    }
}

/// A translator of another cell through the public API: config.json records it, it learns the task,
/// and a sentence translates the same alone or in a batch.
@Suite struct TranslatorCellAPITests {
    @Test(arguments: [RecurrentCell.gru, .rnnTanh])
    func otherCellsTrainAndTranslate(cell: RecurrentCell) throws {
        let directory = TemporaryDirectory("translator-\(cell.rawValue)")
        defer { directory.remove() }
        try TinyTranslator.train(into: directory, steps: 150, cell: cell)
        let translator = try Translator(contentsOf: directory.file("model"))
        #expect(translator.bundle.config.model.cell == cell)
        let sources = ["3", "14", "159", "2653"].map { TinyTranslator.pair($0) }
        var one = TranslationOptions(), many = TranslationOptions()
        one.batchSize = 1
        many.batchSize = 4
        let alone = try translator.translate(sources.map(\.source), options: one)
        #expect(alone == (try translator.translate(sources.map(\.source), options: many)))
        let right = zip(alone, sources).filter { $0.0.text == $0.1.target }.count
        #expect(right >= 2, "\(cell): \(alone.map(\.text))")
    }
}
