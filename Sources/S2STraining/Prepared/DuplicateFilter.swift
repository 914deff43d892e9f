// Exact-duplicate detection for corpus preparation (`--dedup`) in bounded memory: a 64-bit hash of each
// kept sequence set, in one flat open-addressing table sized once from the line count (8 bytes a slot,
// at most 3/4 full, a power of two: 11–21 bytes a line, against the kilobyte a line that keeping the text
// would take; it doubles, briefly holding both tables, only if more lines come than were counted).
// Two different sequence sets share a hash with probability about n²/2⁶⁵ (10⁻⁵ at 20 million lines), in
// which case the second is dropped as a duplicate. The hash is fixed (not Swift's per-process seeded
// Hasher), so the same corpus gives the same result in every run and on every rank.

/// Remembers sequence sets (a pair's source and target ids) and says whether one was seen before.
///
///     var seen = DuplicateFilter(expected: reader.totalLines ?? 1 << 20)
///     if seen.insert([sourceIds, targetIds]) { write(pair) } else { duplicates += 1 }
public struct DuplicateFilter {
    private var slots: [UInt64]
    private var used = 0

    /// Room for `expected` entries without growing (it grows, doubling, if more come).
    public init(expected: Int) {
        var capacity = 1024
        while capacity * 3 / 4 < expected { capacity *= 2 }
        slots = Array(repeating: 0, count: capacity)
    }

    /// Adds the set; false when it was there already.
    public mutating func insert(_ sequences: [[Int]]) -> Bool { insert(hash: Self.hash(sequences)) }

    mutating func insert(hash: UInt64) -> Bool {
        if (used + 1) * 4 > slots.count * 3 { grow() }
        let mask = slots.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while slots[index] != 0 {
            if slots[index] == hash { return false }
            index = (index + 1) & mask
        }
        slots[index] = hash
        used += 1
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        used = 0
        for hash in old where hash != 0 { _ = insert(hash: hash) }
    }

    /// FNV-1a over every id and each sequence's length (so [1, 2] + [3] differs from [1] + [2, 3]), then
    /// SplitMix64's finaliser to spread the bits; never 0 (the empty slot).
    static func hash(_ sequences: [[Int]]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) { h = (h ^ value) &* 0x0000_0100_0000_01b3 }
        for sequence in sequences {
            mix(UInt64(sequence.count) | 1 << 63)
            for id in sequence { mix(UInt64(truncatingIfNeeded: id)) }
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return h == 0 ? 1 : h
    }
}
