// Small models and texts for the language-model tests: sizes a debug build trains in a second or two.
import Foundation
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

    static func model(vocabulary: Int, hidden: Int = 12, embedding: Int = 6, layers: Int = 2, dropout: Float = 0,
                      tie: Bool = false, seed: UInt64 = 3) -> LanguageModel {
        var rng = Generator(seed: seed)
        return LanguageModel(config: LanguageModelConfig(vocabularySize: vocabulary, embeddingSize: embedding, hiddenSize: hidden,
                                                         layers: layers, dropout: dropout, tieEmbeddings: tie), rng: &rng)
    }

    /// Random ids in 4..<vocabulary (no specials).
    static func tokens(_ count: Int, vocabulary: Int, seed: UInt64 = 9) -> [Int] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in 4 + rng.integer(below: vocabulary - 4) }
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("s2s-lm-\(UUID().uuidString)").path
    }

    /// `<repo>/../shared/corpora/<relative>` (the repository root is 4 levels above this file).
    static func corpus(_ relative: String) -> String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(4)   // Tests/S2SModelsTests/LanguageModel/LanguageModelTestSupport.swift
        return parts.joined(separator: "/") + "/../shared/corpora/" + relative
    }
}
