import Testing
import S2STestSupport
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct GlobalAttentionTests {
    @Test func namesParametersLikeOpenNMT() {
        var rng = Generator(seed: 1)
        let names = AttentionType.allCases.map { type in
            GlobalAttention(dimension: 4, type: type, rng: &rng).namedParameters(prefix: "attn").map(\.name)
        }
        #expect(names[0] == ["attn.linear_out.weight"])
        #expect(names[1] == ["attn.linear_in.weight", "attn.linear_out.weight"])
        #expect(names[2] == ["attn.linear_context.weight", "attn.linear_query.weight", "attn.linear_query.bias",
                             "attn.v.weight", "attn.linear_out.weight", "attn.linear_out.bias"])
        let mlp = GlobalAttention(dimension: 4, type: .mlp, rng: &rng)
        #expect(mlp.v!.weight.shape == [1, 4] && mlp.linearOut.weight.shape == [4, 8])
        let bound = 1 / Float(8).squareRoot()   // linear_out's fan-in is 2H
        #expect(mlp.linearOut.weight.value.scalars.allSatisfy { abs($0) <= bound })
        #expect(AttentionType(rawValue: "general") == .general)
    }

    @Test(arguments: AttentionType.allCases) func outputIsLinearOutOfContextAndQuery(type: AttentionType) {
        var rng = Generator(seed: 2)
        let layer = GlobalAttention(dimension: 6, type: type, rng: &rng)
        let query = Variable(.normal([3, 6], using: &rng), requiresGrad: true)
        let memory = Variable(.normal([3, 5, 6], using: &rng), requiresGrad: true)
        let lengths = [5, 2, 4]
        let tape = Tape(recording: false)
        let (output, weights) = layer(query: query, memory: memory, lengths: lengths, tape: tape)
        #expect(output.shape == [3, 6] && weights.shape == [3, 5])
        // The same by hand from the core op.
        let score: AttentionScore = switch type {
        case .dot: .dot
        case .general: .general(weight: layer.linearIn!.weight)
        case .mlp: .mlp(queryWeight: layer.linearQuery!.weight, queryBias: layer.linearQuery!.bias!,
                        contextWeight: layer.linearContext!.weight, v: layer.v!.weight)
        }
        let context = tape.globalAttention(query: query, memory: memory, lengths: lengths, score: score).context
        var expected = tape.linear(tape.concat([context, query], axis: 1), weight: layer.linearOut.weight,
                                   bias: layer.linearOut.bias)
        if type != .mlp { expected = tape.tanh(expected) }
        #expect(output.value == expected.value)
        if type == .mlp {
            let projected = layer.projectMemory(memory, tape: tape)
            let again = layer(query: query, memory: memory, lengths: lengths, projectedMemory: projected, tape: tape)
            #expect(again.output.value == output.value)
        } else {
            #expect(layer.projectMemory(memory, tape: tape) == nil)
        }
        // Gradients through the whole layer.
        let result = GradientCheck.run(inputs: [query, memory] + layer.namedParameters.map(\.variable)) { tape in
            let (output, weights) = layer(query: query, memory: memory, lengths: lengths, tape: tape)
            return tape.concat([output, weights], axis: 1)
        }
        print("gradient check GlobalAttention \(type):", result)
        #expect(result.maxError < 1e-2, "\(result)")
    }
}
