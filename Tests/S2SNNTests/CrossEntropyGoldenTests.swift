// Golden test: tape.crossEntropy against PyTorch's F.cross_entropy(ignore_index=0, label_smoothing=ε)
// (Tools/reference/make_fixtures.py; see Fixtures/README.md), loss and gradient to 1e-5·max(1, |torch|).
import Testing
import S2STestSupport
import S2SCore

@Suite struct CrossEntropyGoldenTests {
    @Test(arguments: ["cross_entropy_ls0", "cross_entropy_ls0.1"]) func matchesPyTorch(file: String) throws {
        let f = try GoldenFixture(file)
        let smoothing = try #require(Float(f.metadata["label_smoothing"] ?? ""))
        let ignoreIndex = try #require(Int(f.metadata["ignore_index"] ?? ""))
        let logits = f.variable("logits")
        let targets = f.ints("targets")

        let tape = Tape()
        let (loss, stats) = tape.crossEntropyWithStats(logits: logits, targets: targets, ignoreIndex: ignoreIndex,
                                                       labelSmoothing: smoothing)
        tape.backward(from: loss)
        #expect(stats.tokens == targets.filter { $0 != ignoreIndex }.count)

        let maxDiff = max(f.expectClose(loss.value.reshaped([1]), "loss"), f.expectClose(logits.grad, "grad.logits"))
        print("\(file): max |s2s − torch| = \(maxDiff)")
    }
}
