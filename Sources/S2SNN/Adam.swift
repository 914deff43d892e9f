// Adam (and AdamW) with the semantics of torch.optim.Adam, step for step: the moments, the bias
// corrections computed in Double as PyTorch computes them in Python, and the Float32 arithmetic in
// the order of PyTorch's vectorised CPU kernels (lerp, addcmul, div, addcdiv). The update runs 16
// lanes at a time over every parameter; `referenceKernel` is the plain loop it is tested against.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SCore

/// torch.optim.Adam: for each parameter p with gradient g, at its step t (1-based),
///
///     g ← g + weightDecay·p                       (L2; or p ← p·(1 − lr·weightDecay) when decoupled, AdamW)
///     m ← m + (1 − β1)·(g − m)                   (torch's lerp)
///     v ← β2·v + (1 − β2)·g²
///     p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// Example:
///
///     let adam = Adam(learningRate: 1e-3)                       // betas (0.9, 0.999), eps 1e-8
///     let adamW = Adam(learningRate: 1e-3, weightDecay: 0.01, decoupledWeightDecay: true)
///     adam.step(model.namedParameters)
///
/// State: `steps`, and per parameter `<param>.exp_avg`, `<param>.exp_avg_sq`, `<param>.step` (the
/// parameter's own update count, as PyTorch keeps it; see `StepCounter`).
/// Complexity: O(parameter count) per step, about 10 flops per element.
public final class Adam: Optimizer {
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public let weightDecay: Double
    /// AdamW: weight decay shrinks the parameter directly instead of being added to the gradient.
    public let decoupledWeightDecay: Bool
    /// Number of `step` calls so far.
    public private(set) var steps = 0

    struct Slot {
        var expAvg: Tensor
        var expAvgSq: Tensor
        var step: Int
    }
    private var slots: [String: Slot] = [:]

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: Double = 0, decoupledWeightDecay: Bool = false) {
        precondition(learningRate >= 0 && epsilon >= 0 && weightDecay >= 0, "negative Adam hyper-parameter")
        precondition((0..<1).contains(beta1) && (0..<1).contains(beta2), "Adam betas must be in [0, 1)")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
    }

    public func step(_ parameters: [(name: String, variable: Variable)]) {
        steps += 1
        for (name, variable) in parameters {
            guard let grad = variable.grad else { continue }
            precondition(grad.shape == variable.value.shape, "gradient of \(name) has shape \(grad.shape), value \(variable.value.shape)")
            var slot = slots.removeValue(forKey: name)
                ?? Slot(expAvg: Tensor(zeros: grad.shape), expAvgSq: Tensor(zeros: grad.shape), step: 0)
            slot.step += 1
            let constants = self.constants(step: slot.step)
            variable.value.withUnsafeMutableBufferPointer { p in
                grad.withUnsafeBufferPointer { g in
                    slot.expAvg.withUnsafeMutableBufferPointer { m in
                        slot.expAvgSq.withUnsafeMutableBufferPointer { v in
                            Adam.kernel(count: p.count, p.baseAddress!, g.baseAddress!, m.baseAddress!, v.baseAddress!, constants)
                        }
                    }
                }
            }
            slots[name] = slot
            variable.zeroGrad()
        }
    }

    /// The Float32 constants of one update, derived in Double exactly as torch's `_single_tensor_adam`.
    struct Constants {
        var l2: Float            // added to the gradient as l2·p (0 when decoupled)
        var shrink: Float        // p ← p·shrink first (1 unless decoupled)
        var lerpWeight: Float    // 1 − β1
        var beta2: Float
        var oneMinusBeta2: Float
        var biasCorrection2Sqrt: Float
        var epsilon: Float
        var negativeStepSize: Float  // −lr / (1 − β1ᵗ)
    }

    func constants(step: Int) -> Constants {
        let t = Double(step)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2 = 1 - pow(beta2, t)
        let decoupled = decoupledWeightDecay && weightDecay != 0
        return Constants(
            l2: decoupled ? 0 : Float(weightDecay),
            shrink: decoupled ? Float(1 - learningRate * weightDecay) : 1,
            lerpWeight: Float(1 - beta1),
            beta2: Float(beta2),
            oneMinusBeta2: Float(1 - beta2),
            biasCorrection2Sqrt: Float(biasCorrection2.squareRoot()),
            epsilon: Float(epsilon),
            negativeStepSize: Float(-(learningRate / biasCorrection1)))
    }

    /// The vectorised update over `count` elements (S2SKernels' optimizers.h).
    static func kernel(count: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                       _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ c: Constants) {
        Kernels.current.adam(count, p, g, m, v, l2: c.l2, shrink: c.shrink, lerpWeight: c.lerpWeight, beta2: c.beta2,
                             oneMinusBeta2: c.oneMinusBeta2, biasCorrection2Sqrt: c.biasCorrection2Sqrt,
                             epsilon: c.epsilon, negativeStepSize: c.negativeStepSize)
    }

    /// The same update one scalar at a time: the oracle `kernel` is tested against (bit for bit).
    static func referenceKernel(count: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                                _ m: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ c: Constants) {
        let kernels = Kernels.current
        for i in 0..<count {
            let grad = c.l2 == 0 ? g[i] : kernels.multiplyAdd(c.l2, p[i], g[i])
            let param = c.shrink == 1 ? p[i] : p[i] * c.shrink
            let diff = grad - m[i]
            m[i] = c.lerpWeight < 0.5 ? kernels.multiplyAdd(c.lerpWeight, diff, m[i]) : kernels.multiplyAdd(c.lerpWeight - 1, diff, grad)
            v[i] = v[i] * c.beta2 + c.oneMinusBeta2 * grad * grad
            let denominator = v[i].squareRoot() / c.biasCorrection2Sqrt + c.epsilon
            p[i] = param + c.negativeStepSize * m[i] / denominator
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        var result = [(name: OptimizerState.stepsName, tensor: StepCounter.tensor(steps))]
        for (name, slot) in slots {
            result.append((name + ".exp_avg", slot.expAvg))
            result.append((name + ".exp_avg_sq", slot.expAvgSq))
            result.append((name + ".step", StepCounter.tensor(slot.step)))
        }
        return result.sorted { $0.name < $1.name }
    }

    public func loadState(_ tensors: [String: Tensor], parameters: [(name: String, variable: Variable)]) throws {
        var remaining = tensors
        let loadedSteps = try OptimizerState.takeSteps(from: &remaining)
        var loaded: [String: Slot] = [:]
        for (name, variable) in parameters {
            guard let state = try OptimizerState.take(["exp_avg", "exp_avg_sq", "step"], of: name,
                                                      shapes: [variable.shape, variable.shape, [2]], from: &remaining)
            else { continue }
            let step = try StepCounter.count(from: state[2], name: name + ".step")
            loaded[name] = Slot(expAvg: state[0], expAvgSq: state[1], step: step)
        }
        try OptimizerState.rejectLeftovers(remaining, optimizer: "Adam")
        steps = loadedSteps
        slots = loaded
    }
}
