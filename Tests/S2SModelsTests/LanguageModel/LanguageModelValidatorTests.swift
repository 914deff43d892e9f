import Testing
import Foundation
import S2SCore
import S2SText
@testable import S2STasks
import S2SModels
import S2STestSupport

@Suite struct LanguageModelValidatorTests {
    @Test func scoresEveryStreamTokenOnceWithAnyNumberOfShards() throws {
        let tokens = LMTestSupport.tokens(203, vocabulary: 15)
        let model = LMTestSupport.model(vocabulary: 15)
        let one = try LanguageModelValidator(streams: 4, bptt: 9, shards: 1).evaluate(model, tokens: tokens)
        let two = try LanguageModelValidator(streams: 4, bptt: 9, shards: 2).evaluate(model, tokens: tokens)
        #expect(one.tokens == 200 && two.tokens == 200)   // 4 streams × ⌊202 / 4⌋
        #expect(abs(one.nllSum - two.nllSum) < 1e-6 * one.nllSum)
        // The block length does not change the result: the state is carried across blocks.
        let long = try LanguageModelValidator(streams: 4, bptt: 100, shards: 1).evaluate(model, tokens: tokens)
        #expect(abs(long.nllSum - one.nllSum) < 1e-4)
        #expect(throws: LanguageModelError.self) { try LanguageModelValidator().evaluate(model, tokens: [5]) }
    }

    @Test func scoreConvertsLossToPerplexityAndBitsPerCharacter() {
        let stats = CrossEntropyStats(lossSum: 20, nllSum: 20, tokens: 10, correct: 4)
        let score = LanguageModelScore(stats: stats, tokensPerCharacter: 0.5)
        #expect(score.loss == 2 && abs(score.perplexity - exp(2.0)) < 1e-9)
        #expect(abs(score.bitsPerCharacter - 1 / log(2.0)) < 1e-9 && score.accuracy == 0.4)
        #expect(Set(score.metrics.keys) == ["loss", "ppl", "bpc", "accuracy"])
    }

    @Test func textEndsEveryLineWithEndOfLineAndCountsCharacters() throws {
        let processor = try LMTestSupport.processor(["ab", "c"])
        let text = try LanguageModelData(lines: ["ab", "", "cé"], processor: processor)
        let a = processor.vocabulary.id(of: "a")!, b = processor.vocabulary.id(of: "b")!, c = processor.vocabulary.id(of: "c")!
        #expect(text.tokens == [a, b, SpecialTokens.eos, SpecialTokens.eos, c, SpecialTokens.unk, SpecialTokens.eos])
        #expect(text.characters == 7 && text.lines == 3)
    }

    @Test func readsTinyShakespeareValidationAsCharacters() throws {
        let path = Corpora.path("lm/tinyshakespeare/val.txt")
        let processor = try LanguageModelText.buildPipeline(path: path, settings: TokenizerSettings(unit: .characters))
        let text = try LanguageModelData(path: path, processor: processor)
        #expect(text.characters == 111_540 && text.tokens.count == 111_540)   // one token per character, \n included
        #expect(!text.tokens.contains(SpecialTokens.unk))
        #expect(throws: TextError.self) { try LanguageModelData(path: path + ".missing", processor: processor) }
    }
}
