// Helpers shared by the optimizer tests: a parameter list from plain arrays, deterministic gradient
// streams, and the comparison with a plain-loop reference in Double.
import Testing
import S2SCore
import S2SNN

/// One parameter named `name` with the given value and, if given, gradient.
func namedParameter(_ name: String, _ value: [Float], grad: [Float]? = nil, shape: [Int]? = nil)
    -> (name: String, variable: Variable) {
    let shape = shape ?? [value.count]
    let variable = Variable(Tensor(shape: shape, scalars: value), requiresGrad: true)
    if let grad { variable.grad = Tensor(shape: shape, scalars: grad) }
    return (name, variable)
}

/// Two parameters (shapes [3, 7] and [19]: a full SIMD16 vector plus tails) with seeded values.
func makeParameters(seed: UInt64) -> [(name: String, variable: Variable)] {
    var rng = Generator(seed: seed)
    return [("layer.weight", Variable(.normal([3, 7], using: &rng), requiresGrad: true)),
            ("layer.bias", Variable(.normal([19], using: &rng), requiresGrad: true))]
}

/// Sets seeded gradients for step `step` on every parameter.
func setGradients(_ parameters: [(name: String, variable: Variable)], step: Int) {
    var rng = Generator(seed: 1000 + UInt64(step))
    for (_, variable) in parameters { variable.grad = .normal(variable.shape, using: &rng) }
}

/// Runs `optimizer` for the steps in `steps` with `setGradients`.
func train(_ optimizer: any Optimizer, _ parameters: [(name: String, variable: Variable)], steps: ClosedRange<Int>) {
    for step in steps {
        setGradients(parameters, step: step)
        optimizer.step(parameters)
    }
}

/// Records an issue unless every parameter value is within 1e-6 of `reference` (relative above 1).
func expectClose(_ parameters: [(name: String, variable: Variable)], _ reference: [[Double]],
                 sourceLocation: SourceLocation = #_sourceLocation) {
    for ((name, variable), expected) in zip(parameters, reference) {
        let worst = zip(variable.value.scalars, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
        #expect(variable.value.count == expected.count && worst <= 1e-6,
                "\(name) differs from the reference by \(worst)", sourceLocation: sourceLocation)
    }
}

/// Saves the state through the safetensors encoder and decoder, as a checkpoint would.
func roundTrip(_ optimizer: any Optimizer) throws -> [String: Tensor] {
    try SafeTensors.decode(SafeTensors.encode(optimizer.stateTensors())).tensors
}
