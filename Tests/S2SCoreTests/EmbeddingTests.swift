import Testing
import S2STestSupport
@testable import S2SCore

@Suite struct EmbeddingTests {
    @Test func forwardCopiesRows() {
        var rng = Generator(seed: 1)
        let table = Variable(.normal([6, 3], using: &rng))
        let ids = [5, 0, 2, 2, 1, 4]
        let y = Tape(recording: false).embedding(ids: ids, shape: [3, 2], table: table).value
        #expect(y.shape == [3, 2, 3])
        for (i, id) in ids.enumerated() {
            for e in 0..<3 { #expect(y.scalars[i * 3 + e] == table.value[id, e]) }
        }
    }

    @Test func gradientSkipsPaddingRow() {
        var rng = Generator(seed: 2)
        let table = Variable(.normal([6, 4], using: &rng), requiresGrad: true)
        let ids = [3, 0, 3, 1, 5, 0]   // 3 repeats: its gradient gathers both uses
        let result = GradientCheck.run(inputs: [table]) { tape in
            tape.tanh(tape.embedding(ids: ids, shape: [2, 3], table: table, paddingIndex: nil))
        }
        print("gradient check embedding:", result)
        #expect(result.maxError < 1e-2, "\(result)")

        table.zeroGrad()
        let tape = Tape()
        let y = tape.embedding(ids: ids, shape: [6], table: table)   // padding 0 by default
        tape.backward(from: y)
        let grad = table.grad!
        #expect((0..<4).allSatisfy { grad[0, $0] == 0 })
        #expect((0..<4).allSatisfy { grad[3, $0] == 2 && grad[2, $0] == 0 && grad[5, $0] == 1 })
    }
}
