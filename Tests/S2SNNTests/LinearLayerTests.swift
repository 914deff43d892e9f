import Testing
import S2SCore
import S2SNN

@Suite struct LinearLayerTests {
    @Test func namesParametersLikePyTorch() {
        var rng = Generator(seed: 3)
        let layer = Linear(inputs: 4, outputs: 2, rng: &rng)
        #expect(layer.namedParameters(prefix: "generator").map(\.name) == ["generator.weight", "generator.bias"])
        #expect(layer.parameterCount == 10)
        let bound = 1 / Float(4).squareRoot()
        #expect(layer.weight.value.scalars.allSatisfy { abs($0) <= bound })
    }
}
