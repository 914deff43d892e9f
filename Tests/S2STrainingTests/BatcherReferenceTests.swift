// The compact plan (UInt32 indices, one flat array) gives exactly the batches, in exactly the order, of
// the plan as it was first written with arrays of arrays — kept here as the oracle — so runs planned
// before and after train on the same batches, bit for bit.
import Testing
import S2SCore
@testable import S2STraining

@Suite struct BatcherReferenceTests {
    /// The plan as first written: [Int] indices, [[Int]] batches shuffled as a whole.
    static func referencePlan(_ batcher: Batcher, lengths: [Int], seed: UInt64, epoch: Int) -> [[Int]] {
        var rng = Generator(seed: seed &+ 0x5EED_0000 &+ UInt64(epoch) &* 0x9E37_79B9)
        var order = Array(lengths.indices)
        rng.shuffle(&order)
        let poolSize = batcher.bucketBatches * (batcher.maxTokens.map { max(1, $0 / 16) } ?? batcher.batchSize)
        var batches: [[Int]] = []
        for poolStart in stride(from: 0, to: order.count, by: poolSize) {
            let pool = order[poolStart..<min(order.count, poolStart + poolSize)].sorted { (lengths[$0], $0) < (lengths[$1], $1) }
            var current: [Int] = [], longest = 0
            for index in pool {
                let newLongest = max(longest, lengths[index])
                let full = batcher.maxTokens.map { (current.count + 1) * newLongest > $0 } ?? (current.count == batcher.batchSize)
                if full && !current.isEmpty { batches.append(current); current = []; longest = 0 }
                current.append(index)
                longest = max(longest, lengths[index])
            }
            if !current.isEmpty { batches.append(current) }
        }
        rng.shuffle(&batches)
        return batches
    }

    @Test(arguments: [Batcher(batchSize: 16), Batcher(batchSize: 7, bucketBatches: 3), Batcher(batchSize: 1, maxTokens: 300)])
    func theCompactPlanIsTheReferencePlan(batcher: Batcher) {
        var rng = Generator(seed: 11)
        let lengths = (0..<2_345).map { _ in 1 + rng.integer(below: 60) }
        for epoch in 0..<3 {
            let reference = Self.referencePlan(batcher, lengths: lengths, seed: 5, epoch: epoch)
            #expect(batcher.plan(lengths: lengths, seed: 5, epoch: epoch) == reference)
            #expect(Array(batcher.compactPlan(lengths: lengths.map { UInt32($0) }, seed: 5, epoch: epoch)) == reference)
        }
    }
}
