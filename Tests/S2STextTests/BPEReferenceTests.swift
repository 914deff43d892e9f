// Golden tests against subword-nmt on the whitespace-split words of Multi30k val.en: the learner
// finds subword-nmt's 300 merges, and with subword-nmt's own codes file BPEEncoder segments every
// word exactly as subword-nmt's apply_bpe does. Fixture made by Tools/reference/bpe_fixture.py
// (subword-nmt 0.3.8).
import Testing
import S2SText
import S2STestSupport

@Suite struct BPEReferenceTests {
    static let fixtures = Repository.fixtures("S2STextTests") + "/subword-nmt"

    @Test func learnsTheMergesSubwordNMTLearns() throws {
        let reference = try BPECodes.load(path: Self.fixtures + "/codes.txt")
        var counts: [String: Int] = [:]
        let reader = try LineReader(path: Corpora.path("translation/multi30k/val.en"))
        while let line = try reader.next() {
            for word in line.text.split(separator: " ") { counts[String(word), default: 0] += 1 }
        }
        let learned = BPECodes.learn(counts: counts, merges: 300)
        let firstDifference = zip(learned.merges, reference.merges).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDifference == nil, "first difference at merge \(firstDifference?.offset ?? -1): \(String(describing: firstDifference?.element))")
        #expect(learned.merges.count == reference.merges.count)
    }

    @Test func segmentsLikeSubwordNMT() throws {
        let codes = try BPECodes.load(path: Self.fixtures + "/codes.txt")
        #expect(codes.merges.count == 300)
        let encoder = BPEEncoder(codes: codes)
        let reader = try LineReader(path: Self.fixtures + "/segmented.tsv")
        var mismatches = 0, words = 0
        while let line = try reader.next() {
            let fields = line.text.split(separator: "\t")
            let expected = fields[1].split(separator: " ").map(String.init)
            words += 1
            if encoder.segment(String(fields[0])) != expected {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(fields[0]): \(encoder.segment(String(fields[0]))) vs subword-nmt \(expected)") }
            }
        }
        #expect(words > 1000 && mismatches == 0)
    }
}
