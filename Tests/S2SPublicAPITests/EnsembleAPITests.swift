import Foundation
import Testing
import S2STasks
import S2STraining
import S2STestSupport

/// Ensembles through the public API: a model ensembled with itself translates exactly as alone; two
/// different models give the same result whatever the batch; members with other text pipelines are
/// refused before anything is decoded.
@Suite struct EnsembleAPITests {
    static let sources = ["3", "14", "159", "2653", "58", "9793"].map { TinyTranslator.pair($0).source }

    @Test func ensembleOfTwoRuns() throws {
        let first = TemporaryDirectory("ensemble-a"), second = TemporaryDirectory("ensemble-b")
        defer { first.remove(); second.remove() }
        try TinyTranslator.train(into: first, steps: 60)
        try TinyTranslator.train(into: second, steps: 90)
        let a = first.file("model"), b = second.file("model")

        var options = TranslationOptions()
        options.nBest = 2
        let alone = try Translator(contentsOf: a).translate(Self.sources, options: options)
        let doubled = try Translator(contentsOf: [a, a]).translate(Self.sources, options: options)
        #expect(doubled == alone)   // the mean of equal log-probabilities is each of them, bit for bit

        let ensemble = try Translator(contentsOf: [a, b])
        #expect(ensemble.members.count == 2)
        var one = options, many = options
        one.batchSize = 1
        many.batchSize = 32
        many.threads = 2
        let single = try ensemble.translate(Self.sources, options: one)
        #expect(single == (try ensemble.translate(Self.sources, options: many)))
        #expect(single.map { $0.hypotheses.map(\.score) } != alone.map { $0.hypotheses.map(\.score) })
        // The order of the members is the order of the sum: [b, a] may differ in the last bits, never in kind.
        #expect(try Translator(contentsOf: [b, a]).translate(Self.sources, options: options).map(\.text).count == Self.sources.count)

        var bfloat16 = options
        bfloat16.weightPrecision = .bfloat16
        #expect(throws: OptionsError.self) { try ensemble.translate(Self.sources, options: bfloat16) }
    }

    @Test func membersWithOtherTextAreRefused() throws {
        let first = TemporaryDirectory("ensemble-c"), other = TemporaryDirectory("ensemble-other")
        defer { first.remove(); other.remove() }
        try TinyTranslator.train(into: first, steps: 10)
        // Another vocabulary: the same task with the source words capitalised.
        try TinyTranslator.train(into: other, steps: 5, source: { $0.capitalized })
        do {
            _ = try Translator(contentsOf: [first.file("model"), other.file("model")])
            Issue.record("an ensemble of models with different vocabularies was accepted")
        } catch let error as BundleError {
            #expect(error.problem.contains("source text pipeline") && error.path == other.file("model"))
        }
    }
}
