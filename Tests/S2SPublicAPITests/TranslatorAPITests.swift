// Translator through the public API: load a model directory, translate a line or many lines with
// options — n-best lists with scores, attention matrices, and an empty line staying empty.
import Testing
import S2STasks
import S2STestSupport

@Suite struct TranslatorAPITests {
    let translator: Translator
    init() throws { translator = try TinyTranslator.shared.get().translator }

    @Test func translatesOneLineAndManyInOrder() throws {
        #expect(try translator.translate("three one four") == "3 1 4")
        let lines = ["nine", "two seven", "five five eight one", "six zero"]
        let results = try translator.translate(lines)
        #expect(results.map(\.text) == ["9", "2 7", "5 5 8 1", "6 0"])
        #expect(results.allSatisfy { $0.hypotheses.count == 1 && !$0.cropped })
        #expect(results[2].hypotheses[0].tokens == ["5", "5", "8", "1"])
    }

    @Test func anEmptyLineGivesAnEmptyResult() throws {
        #expect(try translator.translate("") == "")
        let results = try translator.translate(["", "six", ""])
        #expect(results.map(\.text) == ["", "6", ""])
        let empty = results[0].hypotheses
        #expect(empty.count == 1 && empty[0].tokens.isEmpty && empty[0].score == 0)
    }

    @Test func optionsOutOfRangeThrowInsteadOfStopping() throws {
        var options = TranslationOptions()
        options.nBest = 6   // more than the beam of 5
        #expect(throws: OptionsError.self) { try translator.translate(["three"], options: options) }
        options = TranslationOptions()
        options.threads = 0
        #expect(throws: OptionsError.self) { try translator.translate(["three"], options: options) }
    }

    @Test func nBestListsAreDistinctAndBestFirst() throws {
        var options = TranslationOptions()
        options.beamSize = 4
        options.nBest = 3
        let result = try translator.translate(["three one four"], options: options)[0]
        let scores = result.hypotheses.map(\.score)
        #expect(result.hypotheses.count == 3)
        #expect(result.text == "3 1 4")
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(Set(result.hypotheses.map(\.text)).count == 3)
        #expect(scores.allSatisfy { $0 < 0 && $0.isFinite })

        options.beamSize = 1   // greedy
        options.nBest = 1
        #expect(try translator.translate("three one four", options: options) == "3 1 4")
    }

    @Test func attentionRowsCoverTheSourceTokens() throws {
        var options = TranslationOptions()
        options.attention = true
        let result = try translator.translate(["three one four"], options: options)[0]
        #expect(result.sourceTokens == ["three", "one", "four"])
        let best = result.hypotheses[0]
        let rows = try #require(best.attention)
        #expect(rows.count == best.tokens.count)
        for row in rows {
            #expect(row.count == 3)
            #expect(abs(row.reduce(0, +) - 1) < 1e-3)
        }

        let plain = try translator.translate(["three one four"])[0]
        #expect(plain.hypotheses[0].attention == nil)
        #expect(plain.sourceTokens.isEmpty)
    }
}
