// TopK: the k best entries of one row of log-probabilities, by partial selection — one pass over the
// row, a SIMD threshold test per 16 entries, and an insertion into a sorted list of k only for the
// rare entry that beats the current k-th. O(V + m·k) for a row of V with m insertions (m is small
// after the first few hundred entries), never a sort of V. Order: value descending, then index
// ascending, so ties go to the smaller token id. −∞ and NaN entries are never selected.

import S2SCore

/// A reusable top-k buffer (internal to S2SDecoding: beam search, greedy search and the sampler).
///
///     var top = TopK()
///     row.withUnsafeBufferPointer { top.select(from: $0, k: 2, excluding: [3]) }
///     top.indices   // the 2 best ids other than 3, best first
struct TopK {
    private(set) var values: [Float] = []
    private(set) var indices: [Int] = []

    var count: Int { values.count }

    /// Replaces the contents with the `k` best entries of `row` whose index is not in `excluded`
    /// (a short list; it is consulted only for entries that would enter the selection).
    mutating func select(from row: UnsafeBufferPointer<Float>, k: Int, excluding excluded: [Int] = []) {
        values.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        guard k > 0, let base = row.baseAddress else { return }
        let n = row.count
        var threshold = -Float.infinity   // an entry must be > threshold to enter
        var i = 0
        while i + 16 <= n {
            if any(base.loadVector(at: i) .> Float16x(repeating: threshold)) {
                for j in i..<(i + 16) where base[j] > threshold {
                    consider(base[j], j, k: k, excluded: excluded, threshold: &threshold)
                }
            }
            i += 16
        }
        while i < n {
            if base[i] > threshold { consider(base[i], i, k: k, excluded: excluded, threshold: &threshold) }
            i += 1
        }
    }

    /// Inserts (value, index) — which beats the threshold and has the largest index seen so far, so
    /// it goes after every equal value — and raises the threshold once k entries are held.
    @inline(__always)
    private mutating func consider(_ value: Float, _ index: Int, k: Int, excluded: [Int], threshold: inout Float) {
        if !excluded.isEmpty && excluded.contains(index) { return }
        var position = values.count
        while position > 0 && values[position - 1] < value { position -= 1 }
        if values.count == k {
            values.removeLast()
            indices.removeLast()
        }
        values.insert(value, at: position)
        indices.insert(index, at: position)
        if values.count == k { threshold = values[k - 1] }
    }
}
