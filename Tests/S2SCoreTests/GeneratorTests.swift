import Testing
@testable import S2SCore

@Suite struct GeneratorTests {
    @Test func sameSeedSameNumbersAndKnownFirstValue() {
        var a = Generator(seed: 42), b = Generator(seed: 42)
        let first = a.next()
        #expect(first == b.next())
        // Pinned: a change to seeding or the algorithm must be deliberate (it changes every model).
        var pinned = Generator(seed: 0)
        #expect(pinned.next() == Generator.referenceFirstOutputForSeedZero)
    }

    @Test func stateRestoresTheSequence() {
        var a = Generator(seed: 9)
        for _ in 0..<10 { _ = a.next() }
        var b = Generator(state: a.state)
        #expect((0..<5).map { _ in a.uniform() } == (0..<5).map { _ in b.uniform() })
    }

    @Test func uniformAndNormalHaveTheRightMoments() {
        var rng = Generator(seed: 1)
        let n = 200_000
        let u = (0..<n).map { _ in Double(rng.uniform()) }
        let z = (0..<n).map { _ in Double(rng.normal()) }
        let mean = { (v: [Double]) in v.reduce(0, +) / Double(v.count) }
        #expect(abs(mean(u) - 0.5) < 0.005 && u.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(mean(z)) < 0.01)
        #expect(abs(mean(z.map { $0 * $0 }) - 1) < 0.02)
    }

    @Test func shuffleIsAPermutationAndDeterministic() {
        var a = Generator(seed: 3), b = Generator(seed: 3)
        var x = Array(0..<100), y = Array(0..<100)
        a.shuffle(&x); b.shuffle(&y)
        #expect(x == y && x != Array(0..<100) && x.sorted() == Array(0..<100))
    }
}

extension Generator {
    /// xoshiro256** seeded by SplitMix64(0): the first output, computed independently from the
    /// published reference algorithms (SplitMix64 outputs e220a8397b1dcdaf, 6e789e6aa1b965f4, …).
    static let referenceFirstOutputForSeedZero: UInt64 = {
        // rotl(s1 * 5, 7) * 9 with s1 = SplitMix64's second output for seed 0.
        let s1: UInt64 = 0x6E78_9E6A_A1B9_65F4
        let x = s1 &* 5
        return ((x << 7) | (x >> 57)) &* 9
    }()
}
