// Small models and texts for the language-model tests: sizes a debug build trains in a second or two.
import S2SCore
import S2SModels
import S2SText

enum LMTestSupport {
    /// A character pipeline built from `lines`.
    static func processor(_ lines: [String]) throws -> TextProcessor {
        var builder = try PipelineBuilder(settings: TokenizerSettings(unit: .characters))
        for line in lines { try builder.add(line) }
        return try builder.build()
    }

    static func model(vocabulary: Int, cell: RecurrentCell = .lstm, hidden: Int = 12, embedding: Int = 6, layers: Int = 2,
                      dropout: Float = 0, tie: Bool = false, seed: UInt64 = 3) -> LanguageModel {
        var rng = Generator(seed: seed)
        return LanguageModel(config: LanguageModelConfig(vocabularySize: vocabulary, cell: cell, embeddingSize: embedding, hiddenSize: hidden,
                                                         layers: layers, dropout: dropout, tieEmbeddings: tie), rng: &rng)
    }

    /// Random ids in 4..<vocabulary (no specials).
    static func tokens(_ count: Int, vocabulary: Int, seed: UInt64 = 9) -> [Int] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in 4 + rng.integer(below: vocabulary - 4) }
    }
}
