// Golden test: our GlobalAttention against PyTorch (Tools/reference/make_fixtures.py; see
// Fixtures/README.md). Every output and gradient must match to 1e-5·max(1, |torch|).
import Testing
import S2STestSupport
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct AttentionGoldenTests {
    @Test(arguments: [("dot", false), ("general", false), ("mlp", false), ("mlp", true)])
    func matchesPyTorch(kind: String, precomputeMemory: Bool) throws {
        let f = try GoldenFixture("attention_\(kind)")
        let tensors = f.tensors
        #expect(f.metadata["attn_type"] == kind)
        let memory = Variable(tensors["memory"]!, requiresGrad: true)
        let query = Variable(tensors["query"]!, requiresGrad: true)
        let lengths = tensors["lengths"]!.scalars.map { Int($0) }
        var rng = Generator(seed: 0)
        let layer = GlobalAttention(dimension: query.shape[1], type: AttentionType(rawValue: kind)!, rng: &rng)
        // Every parameter of ours is in the file under the same name, and every parameter gradient in
        // the file names one of ours.
        for (name, variable) in layer.namedParameters {
            let torch = try #require(tensors[name], "fixture has no \(name)")
            #expect(torch.shape == variable.shape, "\(name)")
            variable.value = torch
        }
        let parameterNames = Set(layer.namedParameters.map(\.name))
        let fileGradients = Set(tensors.keys.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst(5)) })
        #expect(fileGradients == parameterNames.union(["query", "memory"]))

        let tape = Tape()
        let projected = precomputeMemory ? layer.projectMemory(memory, tape: tape) : nil
        let (output, weights) = layer(query: query, memory: memory, lengths: lengths, projectedMemory: projected, tape: tape)
        weights.accumulateGrad(tensors["grad_align"]!)   // L = Σ attn_h·grad_attn_h + Σ align·grad_align
        tape.backward(from: output, seed: tensors["grad_attn_h"]!)

        var maxDiff = [f.expectClose(output.value, "attn_h"), f.expectClose(weights.value, "align")]
        for (name, variable) in [("query", query), ("memory", memory)] + layer.namedParameters {
            maxDiff.append(f.expectClose(variable.grad, "grad." + name))
        }
        print("attention_\(kind)\(precomputeMemory ? " (precomputed memory)" : ""): max |s2s − torch| = \(maxDiff.max()!)")
        // Masked positions: weights exactly 0, memory gradient exactly 0.
        for (b, n) in lengths.enumerated() {
            for s in n..<memory.shape[1] {
                #expect(weights.value[b, s] == 0)
                #expect((0..<memory.shape[2]).allSatisfy { memory.grad![b, s, $0] == 0 })
            }
        }
    }
}
