import Foundation
import Testing
@testable import S2SDecoding
import S2STestSupport

/// Our score against sacrebleu's: score to 1e-4, counts, totals and lengths exactly, and the printed line.
private func expectMatches(_ ours: BLEUScore, _ theirs: BLEUFixture.Result, _ label: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(ours.score - theirs.score) <= 1e-4, "\(label): BLEU \(ours.score) vs sacrebleu \(theirs.score)",
            sourceLocation: sourceLocation)
    #expect(ours.counts == theirs.counts, "\(label): counts", sourceLocation: sourceLocation)
    #expect(ours.totals == theirs.totals, "\(label): totals", sourceLocation: sourceLocation)
    #expect(ours.hypothesisLength == theirs.hyp_len && ours.referenceLength == theirs.ref_len,
            "\(label): lengths", sourceLocation: sourceLocation)
    for (a, b) in zip(ours.precisions, theirs.precisions) {
        #expect(abs(a - b) <= 1e-9, "\(label): precisions \(ours.precisions) vs \(theirs.precisions)", sourceLocation: sourceLocation)
    }
    #expect(abs(ours.brevityPenalty - theirs.bp) <= 1e-12 && abs(ours.ratio - theirs.ratio) <= 1e-12,
            "\(label): bp/ratio", sourceLocation: sourceLocation)
    #expect(ours.description == theirs.formatted, "\(label)", sourceLocation: sourceLocation)
}

private func bleu(_ result: BLEUFixture.Result) -> BLEU {
    BLEU(tokenizer: BLEUTokenizer(rawValue: result.tokenize)!, lowercase: result.lowercase)
}

@Test func matchesSacrebleuOnTheSyntheticFixtures() throws {
    let fixture = try BLEUFixture.load()
    #expect(fixture.cases.count == 6)
    for c in fixture.cases {
        let hypotheses = try BLEUFixture.fixtureLines(c.hyp)
        let references = try c.refs.map { try BLEUFixture.fixtureLines($0) }
        #expect(hypotheses.count == c.lines)
        for result in c.results {
            let ours = try bleu(result).corpusScore(hypotheses: hypotheses, references: references)
            expectMatches(ours, result, "\(c.name) tok \(result.tokenize) lc \(result.lowercase)")
        }
    }
}

/// Multi30k val.de (read from ../shared, not copied) against a deterministic perturbation of itself —
/// the same `perturb` as in Tools/reference/make_bleu_fixtures.py.
@Test func matchesSacrebleuOnMulti30k() throws {
    let fixture = try BLEUFixture.load()
    let path = Corpora.path("translation/multi30k/val.de")
    guard let multi30k = fixture.multi30k, FileManager.default.fileExists(atPath: path) else {
        Issue.record("Multi30k corpus or its fixture missing at \(path)")
        return
    }
    let references = try BLEUFixture.lines(atPath: path)
    #expect(references.count == multi30k.lines)
    let hypotheses = references.enumerated().map { perturb($0.offset, $0.element) }
    for result in multi30k.results {
        let ours = try bleu(result).corpusScore(hypotheses: hypotheses, references: [references])
        expectMatches(ours, result, "multi30k tok \(result.tokenize) lc \(result.lowercase)")
    }
}

private func perturb(_ i: Int, _ line: String) -> String {
    if i % 7 == 0 { return "" }
    var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    if i % 3 == 0 && words.count > 1 { words.swapAt(0, 1) }
    if words.count > 3 { words.remove(at: i % words.count) }
    if i % 5 == 0 { words.append(words[words.count - 1]) }
    if i % 4 == 0 { words[words.count - 1] = "x" }
    if i % 6 == 1 {
        words[0] = String(decoding: words[0].utf8.map { (0x41...0x5A).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
    return words.joined(separator: " ")
}

@Test func lineCountMismatchNamesBothCounts() {
    #expect(throws: BLEUError.lineCountMismatch(hypotheses: 2, references: 3)) {
        try BLEU().corpusScore(hypotheses: ["a", "b"], references: [["a", "b", "c"]])
    }
    let message = BLEUError.lineCountMismatch(hypotheses: 2, references: 3).description
    #expect(message.contains("2") && message.contains("3"))
    #expect(throws: BLEUError.noReferences) { try BLEU().corpusScore(hypotheses: ["a"], references: []) }
}

@Test func closestReferenceLengthPrefersTheShorterOnTies() {
    #expect(BLEU.closestLength(to: 5, among: [7, 3]) == 3)
    #expect(BLEU.closestLength(to: 5, among: [3, 7]) == 3)
    #expect(BLEU.closestLength(to: 5, among: [9, 6, 4]) == 4)
    #expect(BLEU.closestLength(to: 5, among: [5, 4]) == 5)
}

@Test func emptyCorpusScoresZero() throws {
    let score = try BLEU().corpusScore(hypotheses: [], references: [[]])
    #expect(score.score == 0 && score.hypothesisLength == 0 && score.ratio == 0)
    #expect(score.description == "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 0.000 hyp_len = 0 ref_len = 0)")
}
