import Testing
@testable import S2SCore

/// How `DataParallel.run` sums shard gradients: bit for bit the serial sum "grad + shard 0 + shard 1 + …",
/// each shard's contributions summed on their own first, whatever buffer a shard writes.
@Suite struct DataParallelReductionTests {
    /// Per shard, the terms it accumulates into the parameter's gradient, one `withGrad` call each.
    typealias Terms = [[[Float]]]

    /// Runs the shards; shard k adds terms[k][0], terms[k][1], … into `parameter`'s gradient.
    static func run(_ parameter: Variable, _ terms: Terms) {
        DataParallel.run(shards: terms.count, parameters: [parameter]) { shard in
            for term in terms[shard] {
                parameter.withGrad { g in for i in 0..<g.count { g[i] += term[i] } }
            }
        }
    }

    /// The reference: each shard summed into zeros on its own, then added to `start` in shard order.
    static func serialSum(start: [Float]?, _ terms: Terms, count: Int) -> [Float]? {
        var total = start
        for shard in terms where !shard.isEmpty {
            var partial = [Float](repeating: 0, count: count)
            for term in shard { for i in 0..<count { partial[i] += term[i] } }
            var sum = total ?? [Float](repeating: 0, count: count)
            for i in 0..<count { sum[i] += partial[i] }
            total = sum
        }
        return total
    }

    /// Terms whose sum depends on the order of additions: 1 + 4e-8 + 4e-8 rounds to 1 one term at a
    /// time, but not when the two small terms are added together first.
    static let orderSensitive: Terms = [[[4e-8, 3, -2.5e-8], [4e-8, 1e-7, -2.5e-8]], [[1e-8, -7, 0], [2e-8, 5e-8, 0]]]

    static func bits(_ values: [Float]?) -> [UInt32]? { values?.map(\.bitPattern) }

    @Test func startingFromNoGradientGivesTheSerialSum() {
        let p = Variable(Tensor(zeros: [3]), requiresGrad: true)
        Self.run(p, Self.orderSensitive)
        #expect(Self.bits(p.grad?.scalars) == Self.bits(Self.serialSum(start: nil, Self.orderSensitive, count: 3)))
    }

    /// What shard 0 saw after its writes (a box: the shards run on other threads).
    final class Observation: @unchecked Sendable { var wroteGrad = false, hadBuffer = true }

    @Test func shardZeroWritesGradAndNoBufferOutlivesTheRun() {
        let p = Variable(Tensor(zeros: [3]), requiresGrad: true)
        let seen = Observation()
        DataParallel.run(shards: 2, parameters: [p]) { shard in
            p.withGrad { g in g[0] += Float(shard + 1) }
            if shard == 0 { seen.wroteGrad = p.grad != nil; seen.hadBuffer = p.shardGradients[0].tensor != nil }
        }
        #expect(seen.wroteGrad && !seen.hadBuffer)
        #expect(p.shardGradients.allSatisfy { $0.tensor == nil })  // freed once summed
        #expect(p.grad?.scalars == [3, 0, 0])
    }

    @Test func anExistingGradientGetsEachShardsSumAddedOnce() {
        let p = Variable(Tensor(zeros: [3]), requiresGrad: true)
        p.accumulateGrad(Tensor(shape: [3], scalars: [1, 1, 1]))
        Self.run(p, Self.orderSensitive)
        let expected = Self.serialSum(start: [1, 1, 1], Self.orderSensitive, count: 3)!
        #expect(Self.bits(p.grad?.scalars) == Self.bits(expected))
        #expect(expected[0] != 1)  // accumulating shard 0's terms one by one into grad would give 1
    }

    @Test func aRunAfterClearingStartsFromZero() {
        let p = Variable(Tensor(zeros: [3]), requiresGrad: true)
        Self.run(p, Self.orderSensitive)
        p.zeroGrad()  // what an optimizer step does
        let second: Terms = [[[0.5, 0.25, 2]], [[1, 1, 1], [1e-3, 0, 0]]]
        Self.run(p, second)
        #expect(Self.bits(p.grad?.scalars) == Self.bits(Self.serialSum(start: nil, second, count: 3)))
        p.zeroGrad()
        // Only shard 1 contributes now: nothing stale from the earlier runs comes back.
        let onlyShardOne: Terms = [[], [[2, 3, 4]]]
        Self.run(p, onlyShardOne)
        #expect(p.grad?.scalars == [2, 3, 4])
    }

    @Test func aParameterNoShardTouchesKeepsNoGradient() {
        let p = Variable(Tensor(zeros: [2]), requiresGrad: true)
        Self.run(p, [[], []])
        #expect(p.grad == nil)
    }

    @Test func outsideARunWithGradWritesGrad() {
        let p = Variable(Tensor(zeros: [2]), requiresGrad: true)
        Self.run(p, [[[1, 2]], [[3, 4]]])
        p.withGrad { g in g[0] += 10 }  // e.g. a later serial backward pass
        #expect(p.grad?.scalars == [14, 6])
    }
}
