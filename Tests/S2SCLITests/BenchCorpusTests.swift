// `s2s bench corpus`: N pairs, each two or three seed pairs joined side by side (so the sides stay
// aligned), the same for the same seed.
import Testing
import Foundation
@testable import S2SCLI
import S2STestSupport

@Suite struct BenchCorpusTests {
    @Test func pairsAreAlignedJoinsOfSeedPairsAndReproducible() throws {
        let root = TemporaryDirectory("bench-corpus")
        defer { root.remove() }
        let seeds = [(source: "One.", target: "Eins."), (source: "Two.", target: "Zwei."), (source: "Three.", target: "Drei.")]
        let translation = Dictionary(uniqueKeysWithValues: seeds.map { ($0.source, $0.target) })
        try CorpusGenerator(pairs: seeds, seed: 5).write(pairs: 1_000, source: root.file("a.en"), target: root.file("a.de"))
        let english = root.read("a.en").split(separator: "\n").map(String.init)
        let german = root.read("a.de").split(separator: "\n").map(String.init)
        #expect(english.count == 1_000 && german.count == 1_000)
        var parts = Set<Int>()
        for (e, g) in zip(english, german) {
            let words = e.split(separator: " ").map(String.init)
            parts.insert(words.count)
            #expect(words.map { translation[$0] ?? "?" }.joined(separator: " ") == g)
        }
        #expect(parts == [2, 3])
        try CorpusGenerator(pairs: seeds, seed: 5).write(pairs: 1_000, source: root.file("b.en"), target: root.file("b.de"))
        #expect(root.read("b.en") == root.read("a.en"))
        try CorpusGenerator(pairs: seeds, seed: 6).write(pairs: 1_000, source: root.file("c.en"), target: root.file("c.de"))
        #expect(root.read("c.en") != root.read("a.en"))
    }
}
