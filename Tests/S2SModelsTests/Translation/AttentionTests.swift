import Testing
import S2STestSupport
@testable import S2SCore
@testable import S2SModels
#if canImport(Glibc)
import Glibc
#endif

@Suite struct AttentionTests {
    let B = 3, S = 5, H = 6
    let lengths = [5, 2, 4]

    struct Inputs {
        let query, memory, linearIn, queryWeight, queryBias, contextWeight, v: Variable
        var all: [Variable] { [query, memory, linearIn, queryWeight, queryBias, contextWeight, v] }
    }

    func makeInputs(seed: UInt64) -> Inputs {
        var rng = Generator(seed: seed)
        func p(_ shape: [Int]) -> Variable { Variable(.normal(shape, std: 0.7, using: &rng), requiresGrad: true) }
        return Inputs(query: p([B, H]), memory: p([B, S, H]), linearIn: p([H, H]), queryWeight: p([H, H]),
                      queryBias: p([H]), contextWeight: p([H, H]), v: p([1, H]))
    }

    func score(_ kind: String, _ x: Inputs) -> AttentionScore {
        switch kind {
        case "dot": .dot
        case "general": .general(weight: x.linearIn)
        default: .mlp(queryWeight: x.queryWeight, queryBias: x.queryBias, contextWeight: x.contextWeight, v: x.v)
        }
    }

    /// Plain loops in Double: (weights [B][S], context [B][H]).
    func reference(_ kind: String, _ x: Inputs) -> ([[Double]], [[Double]]) {
        func q(_ b: Int, _ h: Int) -> Double { Double(x.query.value[b, h]) }
        func m(_ b: Int, _ s: Int, _ h: Int) -> Double { Double(x.memory.value[b, s, h]) }
        var weights = [[Double]](), context = [[Double]]()
        for b in 0..<B {
            var scores = [Double](repeating: -.infinity, count: S)
            for s in 0..<lengths[b] {
                var total = 0.0
                for h in 0..<H {
                    switch kind {
                    case "dot":
                        total += q(b, h) * m(b, s, h)
                    case "general":
                        var projected = 0.0
                        for i in 0..<H { projected += Double(x.linearIn.value[h, i]) * q(b, i) }
                        total += projected * m(b, s, h)
                    default:
                        var pre = Double(x.queryBias.value[h])
                        for i in 0..<H {
                            pre += Double(x.queryWeight.value[h, i]) * q(b, i) + Double(x.contextWeight.value[h, i]) * m(b, s, i)
                        }
                        total += Double(x.v.value[0, h]) * Glibc.tanh(pre)
                    }
                }
                scores[s] = total
            }
            let top = scores.max()!
            let e = scores.map { $0 == -.infinity ? 0 : Glibc.exp($0 - top) }
            let w = e.map { $0 / e.reduce(0, +) }
            weights.append(w)
            context.append((0..<H).map { h in (0..<S).reduce(0.0) { $0 + w[$1] * m(b, $1, h) } })
        }
        return (weights, context)
    }

    @Test(arguments: ["dot", "general", "mlp"]) func forwardMatchesPlainLoops(kind: String) {
        let x = makeInputs(seed: 1)
        let (context, weights) = Tape(recording: false).globalAttention(
            query: x.query, memory: x.memory, lengths: lengths, score: score(kind, x))
        #expect(context.shape == [B, H] && weights.shape == [B, S])
        let (expectedWeights, expectedContext) = reference(kind, x)
        for b in 0..<B {
            for s in 0..<S {
                #expect(abs(Double(weights.value[b, s]) - expectedWeights[b][s]) < 1e-5)
                if s >= lengths[b] { #expect(weights.value[b, s] == 0) }
            }
            for h in 0..<H { #expect(abs(Double(context.value[b, h]) - expectedContext[b][h]) < 1e-5) }
        }
    }

    @Test(arguments: ["dot", "general", "mlp"]) func gradientsMatchFiniteDifferences(kind: String) {
        let x = makeInputs(seed: 2)
        // Both outputs feed the checked scalar, so both upstream gradients are exercised.
        let result = GradientCheck.run(inputs: x.all, maxElementsPerInput: 90) { tape in
            let (context, weights) = tape.globalAttention(query: x.query, memory: x.memory, lengths: lengths,
                                                          score: score(kind, x))
            return tape.concat([context, weights], axis: 1)
        }
        print("gradient check attention \(kind):", result)
        #expect(result.maxError < 1e-2, "\(kind): \(result)")
        // Masked memory positions get exactly zero gradient.
        for b in 0..<B { for s in lengths[b]..<S { for h in 0..<H { #expect(x.memory.grad![b, s, h] == 0) } } }
    }

    @Test func mlpWithPrecomputedMemoryProjection() {
        let x = makeInputs(seed: 3)
        func attend(_ tape: Tape, precompute: Bool) -> Variable {
            let projected = precompute ? tape.linear(x.memory, weight: x.contextWeight, bias: nil) : nil
            return tape.globalAttention(query: x.query, memory: x.memory, lengths: lengths,
                                        score: .mlp(queryWeight: x.queryWeight, queryBias: x.queryBias,
                                                    contextWeight: x.contextWeight, v: x.v, projectedMemory: projected)).context
        }
        let plain = attend(Tape(recording: false), precompute: false).value
        #expect(attend(Tape(recording: false), precompute: true).value == plain)
        let result = GradientCheck.run(inputs: x.all, maxElementsPerInput: 90) { attend($0, precompute: true) }
        print("gradient check attention mlp precomputed:", result)
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
