// Tests of BPE learning (deterministic merges), the codes file, and application with joiners.
import Testing
import S2SText
import S2STestSupport

@Suite struct BPETests {
    static let paperCounts = ["low": 5, "lower": 2, "newest": 6, "widest": 3]

    @Test func learnsTheMostFrequentPairsWithDeterministicTies() {
        let codes = BPECodes.learn(counts: Self.paperCounts, merges: 4)
        // e s (9) and s t</w> (9) tie: the greater pair wins, as in subword-nmt. Then e st</w> (9),
        // then l o (7), then w est</w> among e w, n e and w est</w> (6 each).
        #expect(codes.merges == [.init("s", "t</w>"), .init("e", "st</w>"), .init("l", "o"), .init("w", "est</w>")])
    }

    @Test func dictionaryOrderDoesNotMatter() {
        var reversed: [String: Int] = [:]
        reversed.reserveCapacity(1000)
        for (word, count) in Self.paperCounts.sorted(by: { $0.key > $1.key }) { reversed[word] = count }
        #expect(BPECodes.learn(counts: reversed, merges: 20) == BPECodes.learn(counts: Self.paperCounts, merges: 20))
    }

    @Test func stopsWhenNoPairRepeats() {
        let codes = BPECodes.learn(counts: ["ab": 1, "cd": 1], merges: 10)
        #expect(codes.merges.isEmpty)
    }

    @Test func segmentsWithTheLearnedMerges() {
        let codes = BPECodes.learn(counts: Self.paperCounts, merges: 10)
        let bpe = BPEEncoder(codes: codes)
        #expect(bpe.segment("newest") == ["newest"])
        #expect(bpe.segment("lowest").joined() == "lowest")
        #expect(bpe.segment("lowest").count > 1)
        #expect(bpe.segment("xyz") == ["x", "y", "z"])
        #expect(bpe.segment("é👍🏽") == ["é", "👍🏽"])   // graphemes are never split
    }

    @Test func applyKeepsJoinersAndReservedTokens() {
        let codes = BPECodes(merges: [.init("l", "o"), .init("lo", "w"), .init("e", "s"), .init("es", "t</w>")])
        let bpe = BPEEncoder(codes: codes)
        #expect(bpe.apply(["lowest", "￭lowest", "<url>", "＿＿", "￭"]) ==
                ["low", "￭est", "￭low", "￭est", "<url>", "＿＿", "￭"])
        #expect(Detokenizer.detokenize(bpe.apply(["a", "lowest", "￭!"])) == "a lowest!")
    }

    @Test func codesFileRoundTripsAndReportsBadLines() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let codes = BPECodes.learn(counts: Self.paperCounts, merges: 6)
        try codes.save(path: directory.path + "/bpe.codes")
        #expect(directory.read("bpe.codes").hasPrefix("#version: 0.2\ns t</w>\n"))
        #expect(try BPECodes.load(path: directory.path + "/bpe.codes") == codes)

        let bad = directory.write("bad.codes", "#version: 0.2\na b\nc  d\n")
        #expect {
            try BPECodes.load(path: bad)
        } throws: { error in
            (error as? TextError)?.line == 3 && "\(error)".contains("bad.codes:3")
        }
        #expect(throws: TextError.self) { try BPECodes.load(path: directory.path + "/missing") }
    }

    @Test func roundTripsACorpusThroughBPE() throws {
        let tokenizer = try Tokenizer()
        var counts: [String: Int] = [:]
        var lines: [String] = []
        let reader = try LineReader(path: Corpora.path("translation/multi30k/val.de"))
        while let line = try reader.next() {
            lines.append(line.text)
            for token in try tokenizer.tokens(line.text) where token.kind != .whitespace {
                counts[token.text, default: 0] += 1
            }
        }
        let bpe = BPEEncoder(codes: BPECodes.learn(counts: counts, merges: 300))
        let normalizer = try TextNormalizer()
        var pieces = 0, tokens = 0
        for line in lines {
            let words = try tokenizer.tokens(line)
            let split = bpe.apply(tokens: words)
            pieces += split.count
            tokens += words.count
            #expect(Detokenizer.detokenize(split) == (try normalizer.normalize(line)))
        }
        #expect(pieces > tokens)   // 300 merges cannot cover every word
    }
}
