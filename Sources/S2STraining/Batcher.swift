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
        Array(compactPlan(lengths: lengths.map { UInt32(clamping: $0) }, seed: seed, epoch: epoch))
    }

    /// The same batches in about 4 bytes an example (for corpora of millions): example indices as UInt32
    /// in one array, batch boundaries in another; each batch is made into `[Int]` when it is read.
    public func compactPlan(lengths: [UInt32], seed: UInt64, epoch: Int) -> BatchPlan {
        plan(lengths, seed: seed, epoch: epoch)
    }

    /// The same with two-byte lengths (a prepared corpus's).
    public func compactPlan(lengths: [UInt16], seed: UInt64, epoch: Int) -> BatchPlan {
        plan(lengths, seed: seed, epoch: epoch)
    }

    // Generic, but called from this module only, so compiled for each width: a public generic called from
    // another module ran unspecialized, its sort's comparisons through witness tables (25 s for 20 million
    // pairs against about 3 s, measured).
    private func plan<Length: FixedWidthInteger & UnsignedInteger>(_ lengths: [Length], seed: UInt64, epoch: Int) -> BatchPlan {
        precondition(lengths.count <= Int(UInt32.max), "Batcher: more than 2^32 examples")
        var rng = Generator(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9)
        var order = (0..<UInt32(lengths.count)).map { $0 }
        rng.shuffle(&order)
        let poolSize = bucketBatches * (maxTokens.map { max(1, $0 / 16) } ?? batchSize)
        var ends: [Int] = []
        for poolStart in stride(from: 0, to: order.count, by: poolSize) {
            // Sorted in place: the plan's indices are `order` itself, not a second copy of it.
            let pool = poolStart..<min(order.count, poolStart + poolSize)
            order[pool].sort { (lengths[Int($0)], $0) < (lengths[Int($1)], $1) }
            cut(order[pool], lengths: lengths, ends: &ends)
        }
        // The batches' order: the same permutation a shuffle of the batches themselves would make.
        var batchOrder = (0..<UInt32(ends.count)).map { $0 }
        rng.shuffle(&batchOrder)
        return BatchPlan(indices: order, ends: ends, order: batchOrder)
    }

    /// Cuts a pool sorted by length into batches, appending each batch's end (a position in the plan).
    private func cut<Length: FixedWidthInteger & UnsignedInteger>(_ sorted: ArraySlice<UInt32>, lengths: [Length], ends: inout [Int]) {
        var count = 0, longest = 0
        for (position, index) in zip(sorted.indices, sorted) {
            let length = Int(lengths[Int(index)])
            let newLongest = max(longest, length)
            let full = maxTokens.map { (count + 1) * newLongest > $0 } ?? (count == batchSize)
            if full && count > 0 {
                ends.append(position)
                count = 0
                longest = 0
            }
            count += 1
            longest = max(longest, length)
        }
        if count > 0 { ends.append(sorted.endIndex) }
    }
}

/// One epoch's batches, compactly: batch k is `indices[start ..< ends[order[k]]]` of batch `order[k]`.
public struct BatchPlan: RandomAccessCollection, Sendable {
    let indices: [UInt32]
    let ends: [Int]
    let order: [UInt32]

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }

    public subscript(position: Int) -> [Int] {
        let batch = Int(order[position])
        let start = batch == 0 ? 0 : ends[batch - 1]
        return indices[start..<ends[batch]].map { Int($0) }
    }
}
