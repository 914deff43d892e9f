// BPELearner: learns BPE merges from word counts (Sennrich et al. 2016, as in subword-nmt's
// learn_bpe): words are split into grapheme clusters with `</w>` on the last, and the most frequent
// adjacent pair is merged, repeatedly. Pair counts are updated incrementally for the words that
// contain the merged pair only, and the best pair comes from a max-heap with lazy deletion.
// Ties are broken deterministically and as subword-nmt breaks them (Python's max over (count, pair)):
// among pairs of equal count, the greater left symbol wins, then the greater right symbol, in code
// point (= UTF-8 byte) order. With the same word counts, the merges equal subword-nmt's.

extension BPECodes {
    /// Learns up to `merges` merges from word counts (words without joiners or whitespace). Stops
    /// early when no pair occurs at least `minFrequency` times.
    ///
    ///     BPECodes.learn(counts: ["low": 5, "lower": 2, "newest": 6, "widest": 3], merges: 3).merges
    ///     // [s t</w>, e st</w>, l o]
    ///
    /// Complexity: O(W·L) to start (W word types, L their length), then proportional to the words
    /// touched by each merge.
    public static func learn(counts: [String: Int], merges: Int, minFrequency: Int = 2) -> BPECodes {
        var learner = BPELearner(counts: counts)
        return BPECodes(merges: learner.learn(merges: merges, minFrequency: max(1, minFrequency)))
    }
}

struct BPELearner {
    private var symbols: [String] = []
    private var symbolBytes: [[UInt8]] = []
    private var symbolIDs: [String: Int32] = [:]
    private var words: [[Int32]] = []
    private var frequencies: [Int] = []
    private var pairCounts: [UInt64: Int] = [:]
    private var wordsWithPair: [UInt64: [Int32]] = [:]
    private var heap: [(count: Int, key: UInt64)] = []

    init(counts: [String: Int]) {
        // Sorted, so symbol ids (and everything else) do not depend on dictionary order.
        let sorted = counts.filter { $0.value > 0 && !$0.key.isEmpty }.sorted { utf8Precedes($0.key, $1.key) }
        for (word, count) in sorted {
            var ids: [Int32] = []
            var characters = word.map(String.init)
            characters[characters.count - 1] += BPECodes.endOfWord
            for character in characters { ids.append(symbolID(character)) }
            words.append(ids)
            frequencies.append(count)
        }
        for w in words.indices {
            let word = words[w]
            for i in 0..<(word.count - 1) {
                let key = Self.key(word[i], word[i + 1])
                pairCounts[key, default: 0] += frequencies[w]
                wordsWithPair[key, default: []].append(Int32(w))
            }
        }
        for (key, count) in pairCounts { push(count, key) }
    }

    private mutating func symbolID(_ symbol: String) -> Int32 {
        if let id = symbolIDs[symbol] { return id }
        let id = Int32(symbols.count)
        symbols.append(symbol)
        symbolBytes.append(Array(symbol.utf8))
        symbolIDs[symbol] = id
        return id
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) }

    mutating func learn(merges: Int, minFrequency: Int) -> [BPECodes.Merge] {
        var result: [BPECodes.Merge] = []
        var visited = [Int32](repeating: -1, count: words.count)
        while result.count < merges, let (count, key) = popBest(), count >= minFrequency {
            let a = Int32(truncatingIfNeeded: key >> 32), b = Int32(truncatingIfNeeded: key & 0xFFFF_FFFF)
            result.append(BPECodes.Merge(symbols[Int(a)], symbols[Int(b)]))
            let merged = symbolID(symbols[Int(a)] + symbols[Int(b)])
            var deltas: [UInt64: Int] = [:]
            let stamp = Int32(result.count)
            for w in wordsWithPair[key] ?? [] where visited[Int(w)] != stamp {
                visited[Int(w)] = stamp
                mergeWord(Int(w), a, b, into: merged, deltas: &deltas)
            }
            wordsWithPair[key] = nil
            for (pair, delta) in deltas where delta != 0 {
                let updated = pairCounts[pair, default: 0] + delta
                if updated > 0 {
                    pairCounts[pair] = updated
                    push(updated, pair)
                } else {
                    pairCounts[pair] = nil
                }
            }
        }
        return result
    }

    /// Replaces every non-overlapping (a, b) in word `w`, left to right, and records pair count changes.
    private mutating func mergeWord(_ w: Int, _ a: Int32, _ b: Int32, into merged: Int32, deltas: inout [UInt64: Int]) {
        let old = words[w]
        guard old.count > 1 else { return }
        var new: [Int32] = []
        new.reserveCapacity(old.count)
        var i = 0, found = false
        while i < old.count {
            if i + 1 < old.count && old[i] == a && old[i + 1] == b {
                new.append(merged)
                i += 2
                found = true
            } else {
                new.append(old[i])
                i += 1
            }
        }
        guard found else { return }   // a stale index entry
        let frequency = frequencies[w]
        for i in 0..<(old.count - 1) { deltas[Self.key(old[i], old[i + 1]), default: 0] -= frequency }
        for i in 0..<max(0, new.count - 1) {
            let key = Self.key(new[i], new[i + 1])
            deltas[key, default: 0] += frequency
            if new[i] == merged || new[i + 1] == merged { wordsWithPair[key, default: []].append(Int32(w)) }
        }
        words[w] = new
    }

    // MARK: max-heap with lazy deletion

    /// True when entry x should come out before y: higher count, then greater (left, right).
    private func before(_ x: (count: Int, key: UInt64), _ y: (count: Int, key: UInt64)) -> Bool {
        if x.count != y.count { return x.count > y.count }
        let xa = Int(x.key >> 32), ya = Int(y.key >> 32)
        if xa != ya { return symbolBytes[ya].lexicographicallyPrecedes(symbolBytes[xa]) }
        let xb = Int(x.key & 0xFFFF_FFFF), yb = Int(y.key & 0xFFFF_FFFF)
        return symbolBytes[yb].lexicographicallyPrecedes(symbolBytes[xb])
    }

    private mutating func push(_ count: Int, _ key: UInt64) {
        heap.append((count, key))
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard before(heap[i], heap[parent]) else { break }
            heap.swapAt(i, parent)
            i = parent
        }
    }

    /// The best pair whose entry is current (its count matches `pairCounts`).
    private mutating func popBest() -> (Int, UInt64)? {
        while let top = heap.first {
            let last = heap.removeLast()
            if !heap.isEmpty {
                heap[0] = last
                var i = 0
                while true {
                    let l = 2 * i + 1, r = l + 1
                    var best = i
                    if l < heap.count && before(heap[l], heap[best]) { best = l }
                    if r < heap.count && before(heap[r], heap[best]) { best = r }
                    if best == i { break }
                    heap.swapAt(i, best)
                    i = best
                }
            }
            if pairCounts[top.key] == top.count { return (top.count, top.key) }
        }
        return nil
    }
}
