// Data parallelism across ranks without MPI, with `ThreadCollective` (S2STestSupport: ranks as threads,
// sums in rank order): the pieces each rank runs, their seeds and the order of the sums, in every
// `swift test`. The MPI transport itself is tested with mpirun (S2SCLITests/DistributedTests).
import Foundation
import Testing
import S2SCore
import S2SNN
@testable import S2STraining
import S2STestSupport

@Suite(.serialized) struct DistributedStepTests {
    /// N ranks × 1 shard give, bit for bit, the weights of one process with N shards: the same pieces,
    /// dropout seeds and order of additions.
    @Test(arguments: [2, 3])
    func ranksEqualOneProcessWithAsManyShards(ranks: Int) throws {
        BLAS.setThreads(1)
        let data = ToyModel.data(count: 120, seed: 4)
        let batches = ToyModel.batches(data, epoch: 0, seed: 1)
        let steps = 6
        @Sendable func seed(_ step: Int) -> (Int) -> UInt64 { { UInt64(step * 100 + $0) } }

        let single = ToyModel(seed: 7), adam = Adam(learningRate: 0.05)
        let step = TrainingStep(model: single, shards: ranks, maxGradientNorm: 1)
        var singleStats: [LossStats] = []
        for i in 0..<steps { singleStats.append(step.run(batches[i], parameters: single.parameters, optimizer: adam, seed: seed(i)).stats) }

        let models = (0..<ranks).map { _ in ToyModel(seed: 7) }
        let stats = Locked([[LossStats]](repeating: [], count: ranks))
        nonisolated(unsafe) let shared = models
        ThreadCollective.run(size: ranks) { collective in
            let model = shared[collective.rank], optimizer = Adam(learningRate: 0.05)
            let distributed = TrainingStep(model: model, shards: 1, maxGradientNorm: 1, collective: collective)
            for i in 0..<steps {
                let outcome = distributed.run(batches[i], parameters: model.parameters, optimizer: optimizer, seed: seed(i))
                stats.update { $0[collective.rank].append(outcome.stats) }
            }
        }
        for (rank, model) in models.enumerated() {
            #expect(model.parameters.map(\.variable.value) == single.parameters.map(\.variable.value), "rank \(rank) of \(ranks)")
            #expect(stats.value[rank] == singleStats, "rank \(rank)'s statistics are the whole batch's")
        }
    }

    /// A rank whose pieces left a parameter untouched still gets the others' gradient for it, and a
    /// parameter no rank touched keeps no gradient at all (as in one process) — whether the gradients
    /// are packed (`inPlaceFloats` above their size) or summed in place (0).
    @Test(arguments: [0, 1 << 16])
    func gradientsOfAllRanksReachEveryRank(inPlaceFloats: Int) {
        let values = [Variable(Tensor(shape: [2], scalars: [0, 0])), Variable(Tensor(shape: [1], scalars: [0]))]
        let results = Locked([[Tensor?]](repeating: [], count: 2))
        nonisolated(unsafe) let parameters = (0..<2).map { _ in values.map { Variable($0.value) } }
        ThreadCollective.run(size: 2) { collective in
            let mine = parameters[collective.rank]
            if collective.rank == 1 { mine[0].grad = Tensor(shape: [2], scalars: [1.5, -2]) }
            let exchange = GradientExchange(collective: collective, inPlaceFloats: inPlaceFloats)
            let stats = exchange.sum(mine, stats: LossStats(lossSum: Double(collective.rank + 1), units: 3))
            #expect(stats.lossSum == 3 && stats.units == 6)
            results.update { $0[collective.rank] = mine.map(\.grad) }
        }
        for rank in 0..<2 {
            #expect(results.value[rank][0]?.scalars == [1.5, -2])
            #expect(results.value[rank][1] == nil)
        }
    }

    /// An embedding table sends only the rows some rank touched, and the sum is the dense sum bit for
    /// bit: rows no rank touched stay +0, a row one rank left at -0 is still sent, a rank without any
    /// gradient for the table gets the others' rows.
    @Test(arguments: [2, 3], [0, 1 << 16])
    func embeddingTablesSendOnlyTouchedRows(ranks: Int, inPlaceFloats: Int) {
        let rows = 6, columns = 3
        // Ranks 0 and 1 touch their own row and row 4, rank 1 writes -0 into row 5; a third rank has no gradient.
        @Sendable func gradient(rank: Int) -> Tensor? {
            guard rank < ranks - 1 || ranks == 2 else { return nil }
            var g = Tensor(zeros: [rows, columns])
            for c in 0..<columns {
                g[rank, c] = Float(rank + 1) * 0.1 + Float(c)
                g[4, c] = 1e-8 * Float(rank + 1) + 0.3
            }
            if rank == 1 { for c in 0..<columns { g[5, c] = -0.0 } }
            return g
        }
        let sent = Locked([Int](repeating: 0, count: ranks))
        let sums = Locked([[Float]](repeating: [], count: ranks))
        let dense = Locked([[Float]](repeating: [], count: ranks))
        ThreadCollective.run(size: ranks) { collective in
            let table = Variable(Tensor(zeros: [rows, columns]), requiresGrad: true), plain = Variable(Tensor(zeros: [rows, columns]), requiresGrad: true)
            table.sparseGradientRows = true
            table.grad = gradient(rank: collective.rank); plain.grad = gradient(rank: collective.rank)
            let exchange = GradientExchange(collective: collective, inPlaceFloats: inPlaceFloats)
            _ = exchange.sum([table, plain], stats: LossStats())
            sent.update { $0[collective.rank] = exchange.lastFloats }
            sums.update { $0[collective.rank] = table.grad!.scalars }
            dense.update { $0[collective.rank] = plain.grad!.scalars }
        }
        let touched = 4   // rows 0, 1, 4 and 5 (rank 1's -0)
        for rank in 0..<ranks {
            #expect(sums.value[rank].map(\.bitPattern) == dense.value[rank].map(\.bitPattern), "rank \(rank)")
            #expect(sent.value[rank] == touched * columns + rows * columns, "rank \(rank): the table's touched rows and the whole plain gradient")
        }
    }

    /// What rank 0's clock decides, every rank does.
    @Test func ranksAgreeOnRankZerosDecision() {
        let answers = Locked([Bool](repeating: false, count: 3))
        ThreadCollective.run(size: 3) { collective in
            let answer = collective.agree(collective.rank == 0)
            answers.update { $0[collective.rank] = answer }
        }
        #expect(answers.value == [true, true, true])
    }
}
