import Testing
import S2SCore
@testable import S2SDecoding

/// The partial selection against a full sort (value descending, id ascending), with many ties,
/// exclusions, −∞ entries and lengths that are not multiples of 16.
@Test func topKMatchesAFullSort() {
    var rng = Generator(seed: 17)
    var top = TopK()
    for trial in 0..<200 {
        let n = 1 + rng.integer(below: 90), k = 1 + rng.integer(below: 12)
        let row: [Float] = (0..<n).map { _ in
            rng.uniform() < 0.1 ? -.infinity : Float(rng.integer(below: 6)) - 3   // few distinct values: ties
        }
        let excluded = (0..<rng.integer(below: 4)).map { _ in rng.integer(below: n) }
        row.withUnsafeBufferPointer { top.select(from: $0, k: k, excluding: excluded) }
        let expected = row.indices
            .filter { row[$0] > -.infinity && !excluded.contains($0) }
            .sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
            .prefix(k)
        #expect(top.indices == Array(expected), "trial \(trial): n \(n) k \(k)")
        #expect(top.values == expected.map { row[$0] })
    }
    [Float.nan, -.infinity, 1].withUnsafeBufferPointer { top.select(from: $0, k: 3) }
    #expect(top.indices == [2])   // NaN and −∞ are never selected
}
