// Finite-difference gradient checking: the independent oracle every differentiable op is tested
// against. The output is projected on a fixed random tensor R, so one scalar L = Σ out·R exercises
// every output element; analytic dL/dx comes from the tape, numeric from central differences.

public struct GradientCheckResult: CustomStringConvertible {
    /// Worst |analytic − numeric| / max(1, |numeric|) over the checked elements.
    public var maxError: Float
    /// Where it was: input index and element index.
    public var worstInput: Int
    public var worstElement: Int
    public var checkedElements: Int
    public var description: String {
        "max error \(maxError) at input \(worstInput) element \(worstElement) (\(checkedElements) elements checked)"
    }
}

public enum GradientCheck {
    /// Checks the gradients of `inputs` through `function`, which builds its output on the tape it is
    /// given. `function` must be deterministic: dropout draws from the tape's generator, which is
    /// reset to `seed` for every evaluation.
    ///
    /// Float32 central differences are accurate to about 1e-3 at `epsilon` = 1e-2 for smooth ops;
    /// `maxElementsPerInput` bounds the cost on large tensors (a seeded sample of elements is checked).
    public static func run(
        inputs: [Variable], epsilon: Float = 1e-2, maxElementsPerInput: Int = 64, seed: UInt64 = 7,
        _ function: (Tape) -> Variable
    ) -> GradientCheckResult {
        func makeTape(recording: Bool) -> Tape { Tape(recording: recording, training: true, rng: Generator(seed: seed)) }

        for input in inputs { input.zeroGrad() }
        let tape = makeTape(recording: true)
        let output = function(tape)
        var projectionRNG = Generator(seed: seed &+ 1)
        let projection = Tensor.uniform(output.shape, low: -1, high: 1, using: &projectionRNG)
        tape.backward(from: output, seed: projection)
        let analytic = inputs.map { $0.grad ?? Tensor(zeros: $0.shape) }

        func projected() -> Double {
            let out = function(makeTape(recording: false)).value
            var sum = 0.0
            for (o, r) in zip(out.scalars, projection.scalars) { sum += Double(o) * Double(r) }
            return sum
        }

        var result = GradientCheckResult(maxError: 0, worstInput: -1, worstElement: -1, checkedElements: 0)
        var sampler = Generator(seed: seed &+ 2)
        for (inputIndex, input) in inputs.enumerated() {
            var elements = Array(0..<input.value.count)
            if elements.count > maxElementsPerInput {
                sampler.shuffle(&elements)
                elements = Array(elements.prefix(maxElementsPerInput))
            }
            for element in elements {
                let original = input.value.scalars[element]
                input.value.scalars[element] = original + epsilon
                let plus = projected()
                input.value.scalars[element] = original - epsilon
                let minus = projected()
                input.value.scalars[element] = original
                let numeric = Float((plus - minus) / (2 * Double(epsilon)))
                let error = abs(analytic[inputIndex].scalars[element] - numeric) / max(1, abs(numeric))
                result.checkedElements += 1
                if error > result.maxError {
                    result.maxError = error
                    result.worstInput = inputIndex
                    result.worstElement = element
                }
            }
        }
        return result
    }
}
