// The round-trip property detokenize(tokenize(x)) == NFKC(x), byte for byte, on every line of the
// Multi30k and Tatoeba corpora (whole lines, TABs included).
import Testing
import S2SText

@Suite struct RoundTripTests {
    @Test(arguments: Corpora.multi30k + Corpora.tatoeba)
    func everyLineRoundTrips(_ file: String) throws {
        let reader = try LineReader(path: Corpora.path(file), options: ReadOptions(skipEmpty: false))
        let tokenizer = try Tokenizer()
        let normalizer = try TextNormalizer()
        var failures = 0
        while let line = try reader.next() {
            let back = Detokenizer.detokenize(try tokenizer.tokenize(line.text))
            let expected = try normalizer.normalize(line.text)
            if !back.utf8.elementsEqual(expected.utf8) {
                failures += 1
                if failures <= 3 { Issue.record("\(file):\(line.number): \(expected.debugDescription) came back as \(back.debugDescription)") }
            }
        }
        #expect(failures == 0)
        #expect(reader.statistics.lines >= 1000)
    }

    @Test func roundTripsThroughTheWrittenLine() throws {
        // Written tokens joined by spaces, split again: what `s2s tokenize | s2s detokenize` does.
        let tokenizer = try Tokenizer()
        for text in ["  Ein Mann\tläuft .  ", "« Bonjour ! »", "x", " "] {
            let line = try tokenizer.tokenize(text).joined(separator: " ")
            #expect(Detokenizer.detokenize(line: line) == text)
        }
    }
}
