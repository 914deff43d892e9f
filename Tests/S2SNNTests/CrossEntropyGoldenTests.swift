// Golden test: tape.crossEntropy against PyTorch's F.cross_entropy(ignore_index=0, label_smoothing=ε)
// (Tools/reference/make_fixtures.py; see Fixtures/README.md), loss and gradient to 1e-5·max(1, |torch|).
import Testing
import S2SCore

@Suite struct CrossEntropyGoldenTests {
    @Test(arguments: ["cross_entropy_ls0", "cross_entropy_ls0.1"]) func matchesPyTorch(file: String) throws {
        let (tensors, metadata) = try SafeTensors.read(fixturePath(file + ".safetensors"))
        let smoothing = try #require(Float(metadata["label_smoothing"] ?? ""))
        let ignoreIndex = try #require(Int(metadata["ignore_index"] ?? ""))
        let logits = Variable(tensors["logits"]!, requiresGrad: true)
        let targets = tensors["targets"]!.scalars.map { Int($0) }

        let tape = Tape()
        let (loss, stats) = tape.crossEntropyWithStats(logits: logits, targets: targets, ignoreIndex: ignoreIndex,
                                                       labelSmoothing: smoothing)
        tape.backward(from: loss)
        #expect(stats.tokens == targets.filter { $0 != ignoreIndex }.count)

        for (name, ours, torch) in [("loss", loss.value.reshaped([1]), tensors["loss"]!),
                                    ("grad.logits", logits.grad!, tensors["grad.logits"]!)] {
            let (maxDiff, worstRatio) = goldenDifference(ours, torch)
            print("golden \(file) \(name): max |diff| \(maxDiff)")
            #expect(worstRatio <= 1, "\(file) \(name): max |ours − torch| = \(maxDiff), \(worstRatio)× the tolerance")
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
