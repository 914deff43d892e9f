import Testing
import S2SText
import S2SCore
@testable import S2STasks

@Suite struct TranslationTextTests {
    static let pairs: [(source: String, target: String)] = [
        ("The Street is long.", "Die Straße ist lang."), ("A long street.", "Eine lange Straße."),
        ("The streets are long.", "Die Straßen sind lang."), ("Streets and streets.", "Straßen und Straßen.")]

    @Test func lowercasingKeepsSharpS() throws {
        let text = try TranslationText.build(pairs: Self.pairs, sourceUnit: .words, targetUnit: .words, lowercase: true,
                                             bpeMerges: 0, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0)
        #expect(text.prepare("Die STRASSE, die Straße") == "die strasse, die straße")
        #expect(text.target.vocabulary.id(of: "straße") != nil)         // not case-folded to "strasse"
        #expect(text.target.vocabulary.id(of: "Straße") == nil)
        #expect(text.targetText(try text.targetIds("Die Straße ist lang.")) == "die straße ist lang.")
    }

    @Test func jointBPEHasOneSetOfMergesAndTwoVocabularies() throws {
        let text = try TranslationText.build(pairs: Self.pairs, sourceUnit: .words, targetUnit: .words, lowercase: false,
                                             bpeMerges: 20, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0)
        let source = try #require(text.source.codes), target = try #require(text.target.codes)
        #expect(source == target && !source.merges.isEmpty)
        #expect(text.source.vocabulary != text.target.vocabulary)
        #expect(try text.sourceIds("The streets are long.").allSatisfy { $0 != SpecialTokens.unk })
    }

    @Test func charactersOnOneSide() throws {
        let text = try TranslationText.build(pairs: [("twenty third of may", "2023-05-20")], sourceUnit: .words, targetUnit: .characters,
                                             lowercase: true, bpeMerges: 100, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0)
        #expect(text.target.codes == nil && text.target.settings.unit == .characters)
        #expect(try text.targetIds("2023").count == 4)
        #expect(text.targetText(try text.targetIds("2023-05-20")) == "2023-05-20")
    }
}
