import S2SCore

/// A fully connected layer, y = x·Wᵀ + b, as `torch.nn.Linear` (weight [out, in], bias [out]),
/// initialised like PyTorch: U(−1/√in, 1/√in).
public final class Linear: Layer {
    public let weight: Variable
    public let bias: Variable?

    public init(inputs: Int, outputs: Int, bias: Bool = true, rng: inout Generator) {
        let bound = 1 / Float(inputs).squareRoot()
        weight = parameter(.uniform([outputs, inputs], low: -bound, high: bound, using: &rng))
        self.bias = bias ? parameter(.uniform([outputs], low: -bound, high: bound, using: &rng)) : nil
    }

    public func callAsFunction(_ x: Variable, tape: Tape) -> Variable {
        tape.linear(x, weight: weight, bias: bias)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
