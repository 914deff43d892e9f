import Testing
@testable import S2SDecoding

@Test func tokenizerMatchesSacrebleuLineByLine() throws {
    let fixture = try BLEUFixture.load()
    #expect(!fixture.tokenized.isEmpty)
    for t in fixture.tokenized {
        #expect(PythonText.lowercased(t.line) == t.lowercased, "lower(): \(t.line)")
        #expect(BLEU(tokenizer: .thirteenA).tokens(t.line).joined(separator: " ") == t.thirteenA, "13a: \(t.line)")
        #expect(BLEU(tokenizer: .thirteenA, lowercase: true).tokens(t.line).joined(separator: " ") == t.thirteenALowercased,
                "13a lowercased: \(t.line)")
    }
}

/// Expected outputs checked with sacrebleu 2.6.0's Tokenizer13a.
@Test func thirteenAExamples() {
    let t = BLEUTokenizer.thirteenA
    #expect(t.tokenize("Hello, world (1,000.5)!") == "Hello , world ( 1,000.5 ) !")
    #expect(t.tokenize("U.S. 3.5% 1990-2000 a-b") == "U . S . 3.5 % 1990 - 2000 a-b")
    #expect(t.tokenize("end.") == "end .")
    #expect(t.tokenize("x..y") == "x . . y")
    #expect(t.tokenize("&amp;quot;") == "& quot ;")  // replacements run once, in order
    #expect(t.tokenize("  ") == "")
    #expect(BLEUTokenizer.none.tokenize(" a,b  c ") == "a,b c")
}

@Test func pythonWhitespaceAndLowercase() {
    // \u{1C}…\u{1F} are Python whitespace (not Unicode White_Space); \u{200B} is not whitespace.
    let bytes = Array("a\u{1C}b\u{A0}c\u{3000}d\u{200B}e\u{2029}f".utf8)
    let words = PythonText.split(bytes).map { String(decoding: bytes[$0], as: UTF8.self) }
    #expect(words == ["a", "b", "c", "d\u{200B}e", "f"])
    var padded = Array("x \u{A0}\u{2003}\t".utf8)
    PythonText.rstrip(&padded)
    #expect(padded == Array("x".utf8))
    #expect(PythonText.lowercased("ΟΔΟΣ Σ ΑΣ.") == "οδος σ ας.")        // final sigma only after a letter
    #expect(PythonText.lowercased("İ") == "i\u{307}")
    #expect(PythonText.lowercased("ÄÖÜ Straße") == "äöü straße")
}
