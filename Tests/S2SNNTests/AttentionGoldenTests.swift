// Golden test: our GlobalAttention against PyTorch (Tools/reference/make_fixtures.py; see
// Fixtures/README.md). Every output and gradient must match to 1e-5·max(1, |torch|).
import Testing
import S2SCore
import S2SNN

@Suite struct AttentionGoldenTests {
    @Test(arguments: [("dot", false), ("general", false), ("mlp", false), ("mlp", true)])
    func matchesPyTorch(kind: String, precomputeMemory: Bool) throws {
        let (tensors, metadata) = try SafeTensors.read(fixturePath("attention_\(kind).safetensors"))
        #expect(metadata["attn_type"] == kind)
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

        var compared = [(String, Tensor, Tensor)]()
        compared.append(("attn_h", output.value, tensors["attn_h"]!))
        compared.append(("align", weights.value, tensors["align"]!))
        for (name, variable) in [("query", query), ("memory", memory)] + layer.namedParameters {
            compared.append(("grad." + name, variable.grad ?? Tensor(zeros: variable.shape), tensors["grad." + name]!))
        }
        for (name, ours, torch) in compared {
            let (maxDiff, worstRatio) = goldenDifference(ours, torch)
            print("golden attention_\(kind)\(precomputeMemory ? " (precomputed memory)" : "") \(name): max |diff| \(maxDiff)")
            #expect(worstRatio <= 1, "attention_\(kind) \(name): max |ours − torch| = \(maxDiff), \(worstRatio)× the tolerance")
        }
        // Masked positions: weights exactly 0, memory gradient exactly 0.
        for (b, n) in lengths.enumerated() {
            for s in n..<memory.shape[1] {
                #expect(weights.value[b, s] == 0)
                #expect((0..<memory.shape[2]).allSatisfy { memory.grad![b, s, $0] == 0 })
            }
        }
    }
}

/// The fixture file `name`, found next to this test file (no bundle resources).
private func fixturePath(_ name: String, file: String = #filePath) -> String {
    String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures/" + name
}

/// (max |ours − torch|, max |ours − torch| / (1e-5·max(1, |torch|))): the second is ≤ 1 when within tolerance.
private func goldenDifference(_ ours: Tensor, _ torch: Tensor) -> (Float, Float) {
    precondition(ours.count == torch.count, "sizes differ: \(ours.shape) vs \(torch.shape)")
    var maxDiff: Float = 0, worst: Float = 0
    for (a, b) in zip(ours.scalars, torch.scalars) {
        let diff = abs(a - b)
        maxDiff = max(maxDiff, diff)
        worst = max(worst, diff / (1e-5 * max(1, abs(b))))
    }
    return (maxDiff, worst)
}
