// Length-bucketed batching: examples of similar length go together (less padding, less wasted LSTM
// work), batches are cut by example count or by token count, and their order is shuffled — all a pure
// function of (seed, epoch), which is what makes an interrupted run resumable bit for bit.
import S2SCore

public struct Batcher: Sendable {
    /// Examples per batch (used when `maxTokens` is nil).
    public var batchSize: Int
    /// Padded tokens per batch (rows × longest row), OpenNMT's `batch_type tokens`.
    public var maxTokens: Int?
    /// Batches' worth of examples sorted together by length before cutting (1 = no bucketing).
    public var bucketBatches: Int

    public init(batchSize: Int, maxTokens: Int? = nil, bucketBatches: Int = 100) {
        precondition(batchSize >= 1 && (maxTokens ?? 1) >= 1 && bucketBatches >= 1)
        self.batchSize = batchSize; self.maxTokens = maxTokens; self.bucketBatches = bucketBatches
    }

    /// The batches of one epoch, as lists of example indices.
    ///
    ///     let plan = Batcher(batchSize: 64).plan(lengths: lengths, seed: 1, epoch: 0)
    ///
    /// Complexity: O(n log n) for n examples.
    public func plan(lengths: [Int], seed: UInt64, epoch: Int) -> [[Int]] {
        var rng = Generator(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9)
        var order = Array(lengths.indices)
        rng.shuffle(&order)
        let poolSize = bucketBatches * (maxTokens.map { max(1, $0 / 16) } ?? batchSize)
        var batches: [[Int]] = []
        for poolStart in stride(from: 0, to: order.count, by: poolSize) {
            let pool = order[poolStart..<min(order.count, poolStart + poolSize)]
                .sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            batches += cut(pool, lengths: lengths)
        }
        rng.shuffle(&batches)
        return batches
    }

    private func cut(_ sorted: [Int], lengths: [Int]) -> [[Int]] {
        var batches: [[Int]] = [], current: [Int] = []
        var longest = 0
        for index in sorted {
            let newLongest = max(longest, lengths[index])
            let full = maxTokens.map { (current.count + 1) * newLongest > $0 } ?? (current.count == batchSize)
            if full && !current.isEmpty {
                batches.append(current)
                current = []
                longest = 0
            }
            current.append(index)
            longest = max(longest, lengths[index])
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }
}
