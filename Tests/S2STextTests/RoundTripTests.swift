// The round-trip property detokenize(tokenize(x)) == NFKC(x), byte for byte, on every line of the
// Multi30k and Tatoeba corpora (whole lines, TABs included).
import Testing
import S2SText
import S2STestSupport

@Suite struct RoundTripTests {
    static let multi30k: [String] = ["train", "val", "test_2016_flickr"].flatMap { split in
        ["en", "de", "fr"].map { "translation/multi30k/\(split).\($0)" }
    }
    static let tatoeba = ["translation/tatoeba-eng-fra/eng-fra.tsv", "translation/tatoeba-eng-deu/eng-deu.tsv"]

    @Test(arguments: multi30k + tatoeba)
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
