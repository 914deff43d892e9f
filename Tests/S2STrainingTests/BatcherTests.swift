import Testing
@testable import S2STraining

@Suite struct BatcherTests {
    let lengths = (0..<1000).map { ($0 * 7919) % 50 + 1 }

    @Test func everyExampleOnceAndDeterministic() {
        let batcher = Batcher(batchSize: 32, bucketBatches: 10)
        let plan = batcher.plan(lengths: lengths, seed: 3, epoch: 0)
        #expect(plan.flatMap { $0 }.sorted() == Array(0..<1000))
        #expect(plan == batcher.plan(lengths: lengths, seed: 3, epoch: 0))
        #expect(plan != batcher.plan(lengths: lengths, seed: 3, epoch: 1))
        #expect(plan.allSatisfy { $0.count <= 32 })
    }

    @Test func bucketingKeepsLengthsClose() {
        func meanSpread(_ batcher: Batcher) -> Double {
            let plan = batcher.plan(lengths: lengths, seed: 1, epoch: 0)
            let spread = plan.map { rows in rows.map { lengths[$0] }.max()! - rows.map { lengths[$0] }.min()! }
            return Double(spread.reduce(0, +)) / Double(spread.count)
        }
        #expect(meanSpread(Batcher(batchSize: 32, bucketBatches: 10)) < 8)
        #expect(meanSpread(Batcher(batchSize: 32, bucketBatches: 1)) > 35)
    }

    @Test func tokenBudgetBoundsPaddedSize() {
        let plan = Batcher(batchSize: 1, maxTokens: 400).plan(lengths: lengths, seed: 1, epoch: 0)
        #expect(plan.flatMap { $0 }.count == 1000)
        for rows in plan where rows.count > 1 { #expect(rows.count * rows.map { lengths[$0] }.max()! <= 400) }
    }
}
