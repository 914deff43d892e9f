import Testing
import S2SCore
import S2SNN

@Suite struct GradientClippingTests {
    @Test func normIsGlobalOverAllParameters() {
        let a = namedParameter("a", [0], grad: [3]), b = namedParameter("b", [0, 0], grad: [0, 4])
        let none = namedParameter("c", [1])
        #expect(globalGradientNorm([a, b, none]) == 5)
    }

    @Test func scalesEveryGradientByTheSameFactor() {
        let a = namedParameter("a", [0], grad: [3]), b = namedParameter("b", [0], grad: [4])
        let result = clipGradientNorm([a, b], maxNorm: 1)
        #expect(result.norm == 5 && result.clipped && result.isFinite)
        let factor = Float(1 / (5 + 1e-6))
        #expect(a.variable.grad!.scalars == [3 * factor] && b.variable.grad!.scalars == [4 * factor])
    }

    @Test func leavesSmallGradientsAlone() {
        var rng = Generator(seed: 1)
        let p = namedParameter("p", [Float](repeating: 0, count: 37), grad: Tensor.normal([37], using: &rng).scalars)
        let before = p.variable.grad!
        let result = clipGradientNorm([p], maxNorm: 100)
        #expect(!result.clipped && result.scale == 1)
        #expect(p.variable.grad == before)
        let expected = before.scalars.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(result.norm - expected) < 1e-12)
    }

    @Test func reportsNonFiniteNormsWithoutScaling() {
        let a = namedParameter("a", [0, 0], grad: [.nan, 1]), b = namedParameter("b", [0], grad: [100])
        let result = clipGradientNorm([a, b], maxNorm: 1)
        #expect(!result.isFinite && result.norm.isNaN && !result.clipped)
        #expect(b.variable.grad!.scalars == [100])
        let c = namedParameter("c", [0], grad: [.infinity])
        #expect(clipGradientNorm([c], maxNorm: 1).norm == .infinity)
    }
}
