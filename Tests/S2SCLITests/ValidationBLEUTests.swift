import Testing
@testable import S2SCLI

/// Expected values computed by sacrebleu 2.6.0 (`sacrebleu.corpus_bleu(hyps, [refs])`, and with
/// `lowercase=True`) for these exact lines.
@Suite struct ValidationBLEUTests {
    static let hypotheses = ["a man in a blue shirt is standing on a ladder.", "two dogs run through the snow!",
                             "A woman (in red) sells fruit, 3.5 kg.", "", "people at the market-place in 1984-03-23"]
    static let references = ["A man in a blue shirt is standing on a ladder cleaning windows.", "Two dogs are running through the snow.",
                             "A woman in red is selling fruit, 3.5 kg.", "An empty line.", "People at the market-place on 1984-03-23."]

    @Test func matchesSacrebleu() {
        #expect(abs(ValidationBLEU.score(hypotheses: Self.hypotheses, references: Self.references) - 46.076067148822) < 1e-6)
        #expect(abs(ValidationBLEU.score(hypotheses: Self.hypotheses, references: Self.references, lowercase: true) - 52.17255366158015) < 1e-6)
        #expect(abs(ValidationBLEU.score(hypotheses: Array(Self.hypotheses.prefix(2)), references: Array(Self.references.prefix(2)))
                    - 54.428206905376506) < 1e-6)
        #expect(ValidationBLEU.score(hypotheses: ["the cat sat on the mat"], references: ["the cat sat on the mat"]) == 100)
    }

    @Test func tokenizes13a() {
        #expect(ValidationBLEU.tokenize13a("A woman (in red) sells fruit, 3.5 kg.").joined(separator: " ") == "A woman ( in red ) sells fruit , 3.5 kg .")
        #expect(ValidationBLEU.tokenize13a("people at the market-place in 1984-03-23").joined(separator: " ")
                == "people at the market-place in 1984 - 03 - 23")
    }
}
