// Finite-difference gradient checking: the independent oracle every differentiable op is tested
// against. The output is projected on a fixed random tensor R, so one scalar L = Σ out·R exercises
// every output element; analytic dL/dx comes from the tape, numeric from central differences.
//
// The error is measured against the scale of the gradient being checked, not against 1: cross-entropy
// gradients are ~0.03 per entry, so an absolute test (|a − n| / max(1, |n|)) let a label-smoothing
// term that is off by 0.002 pass at 1e-2. Per element, with a = analytic and n = numeric:
//
//     error = |a − n| / max(|a|, |n|, floor)
//     floor = max(0.1 · RMS(n over the checked elements of that input), 1000 · u)
//     u     = 2⁻²⁴ · Σ|out·R| / (2·epsilon)      (half a float32 ulp of L, as a derivative)
//
// Large entries are checked relative to themselves; entries near zero relative to a tenth of the
// tensor's typical size (a flipped sign gives 2, a zeroed entry 1); and nothing below the float32
// noise of the difference quotient is asked for. Measured over every check in the test suite, that
// noise reached 3u on inputs whose gradients are tiny next to L, so at 1000u it costs at most 0.003
// of the usual 1e-2 tolerance; the worst error of a correct op there is 0.003.

import S2SCore

public struct GradientCheckResult: CustomStringConvertible {
    /// Worst |analytic − numeric| / max(|analytic|, |numeric|, floor) over the checked elements
    /// (0 = exact, 1 = an entry missing, 2 = a sign flipped).
    public var maxError: Float
    /// Where it was: input index and element index.
    public var worstInput: Int
    public var worstElement: Int
    /// The two gradients and the floor at the worst element.
    public var worstAnalytic: Float = 0
    public var worstNumeric: Float = 0
    public var worstFloor: Float = 0
    public var checkedElements: Int
    public var description: String {
        "max error \(maxError) at input \(worstInput) element \(worstElement): analytic \(worstAnalytic), numeric "
            + "\(worstNumeric), floor \(worstFloor) (\(checkedElements) elements checked)"
    }
}

public enum GradientCheck {
    /// The floor's share of each input's RMS numeric gradient (see the file comment).
    public static let relativeFloor: Float = 0.1
    /// The floor in units of the float32 noise u of the difference quotient (see the file comment).
    public static let noiseFloor: Float = 1000

    /// Checks the gradients of `inputs` through `function`, which builds its output on the tape it is
    /// given. `function` must be deterministic: dropout draws from the tape's generator, which is
    /// reset to `seed` for every evaluation.
    ///
    ///     let result = GradientCheck.run(inputs: [x, w, b]) { tape in tape.linear(x, weight: w, bias: b) }
    ///     #expect(result.maxError < 1e-2, "\(result)")
    ///
    /// Float32 central differences are accurate to about 1e-3 at `epsilon` = 1e-2 for smooth ops;
    /// `maxElementsPerInput` bounds the cost on large tensors (a seeded sample of elements is checked).
    /// Complexity: two evaluations of `function` per checked element, plus one recorded pass.
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
        var magnitude = 0.0
        for (o, r) in zip(output.value.scalars, projection.scalars) { magnitude += abs(Double(o) * Double(r)) }
        let noise = Float(magnitude * 0x1p-24 / (2 * Double(epsilon)))

        var result = GradientCheckResult(maxError: 0, worstInput: -1, worstElement: -1, checkedElements: 0)
        var sampler = Generator(seed: seed &+ 2)
        for (inputIndex, input) in inputs.enumerated() {
            var elements = Array(0..<input.value.count)
            if elements.count > maxElementsPerInput {
                sampler.shuffle(&elements)
                elements = Array(elements.prefix(maxElementsPerInput))
            }
            let numeric = elements.map { element -> Float in
                let original = input.value.scalars[element]
                input.value.scalars[element] = original + epsilon
                let plus = projected()
                input.value.scalars[element] = original - epsilon
                let minus = projected()
                input.value.scalars[element] = original
                return Float((plus - minus) / (2 * Double(epsilon)))
            }
            let rms = (numeric.reduce(0) { $0 + $1 * $1 } / Float(max(1, numeric.count))).squareRoot()
            let floor = max(relativeFloor * rms, noiseFloor * noise, .leastNormalMagnitude)
            for (element, n) in zip(elements, numeric) {
                let a = analytic[inputIndex].scalars[element]
                let ratio = abs(a - n) / max(abs(a), abs(n), floor)
                let error = ratio.isNaN ? .infinity : ratio   // a NaN gradient must not hide
                result.checkedElements += 1
                if error > result.maxError || result.worstInput < 0 {
                    result.maxError = error
                    result.worstInput = inputIndex
                    result.worstElement = element
                    result.worstAnalytic = a
                    result.worstNumeric = n
                    result.worstFloor = floor
                }
            }
        }
        return result
    }
}
