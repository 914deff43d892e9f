// SGD: stochastic gradient descent with optional momentum, Nesterov momentum and L2 weight decay, with
// the semantics of torch.optim.SGD (dampening 0). The update runs 16 lanes at a time; scalars are
// combined in the order PyTorch's vectorised CPU kernels use (fused multiply-add for `add(alpha:)`).
import S2SCore

/// torch.optim.SGD: for each parameter p with gradient g,
///
///     g ← g + weightDecay·p
///     b ← g on the first step, μ·b + g afterwards      (when momentum μ ≠ 0)
///     g ← g + μ·b if nesterov, else b
///     p ← p − lr·g
///
/// Example:
///
///     let sgd = SGD(learningRate: 1, momentum: 0.9)
///     sgd.step(model.namedParameters)
///
/// State: `steps`, the marker `optimizer.sgd` (so Adam refuses this state and SGD refuses Adam's instead of
/// silently starting its moments from zero) and, with momentum, `<param>.momentum_buffer`.
/// Complexity: O(parameter count) per step.
public final class SGD: Optimizer {
    public var learningRate: Double
    public let momentum: Double
    public let nesterov: Bool
    public let weightDecay: Double
    /// Number of `step` calls so far.
    public private(set) var steps = 0
    private var buffers: [String: Tensor] = [:]

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: Double = 0) {
        precondition(learningRate >= 0 && momentum >= 0 && weightDecay >= 0, "negative SGD hyper-parameter")
        precondition(!nesterov || momentum > 0, "Nesterov momentum requires a momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public func step(_ parameters: [(name: String, variable: Variable)]) {
        steps += 1
        let lr = Float(learningRate), mu = Float(momentum), decay = Float(weightDecay)
        for (name, variable) in parameters {
            guard let grad = variable.grad else { continue }
            precondition(grad.shape == variable.value.shape, "gradient of \(name) has shape \(grad.shape), value \(variable.value.shape)")
            if momentum == 0 {
                variable.value.withUnsafeMutableBufferPointer { p in
                    grad.withUnsafeBufferPointer { g in
                        SGD.plainKernel(count: p.count, p.baseAddress!, g.baseAddress!, lr: lr, decay: decay)
                    }
                }
            } else {
                let first = buffers[name] == nil
                var buffer = buffers.removeValue(forKey: name) ?? Tensor(zeros: grad.shape)
                variable.value.withUnsafeMutableBufferPointer { p in
                    grad.withUnsafeBufferPointer { g in
                        buffer.withUnsafeMutableBufferPointer { b in
                            SGD.momentumKernel(count: p.count, p.baseAddress!, g.baseAddress!, b.baseAddress!,
                                               lr: lr, mu: mu, decay: decay, nesterov: nesterov, first: first)
                        }
                    }
                }
                buffers[name] = buffer
            }
            variable.zeroGrad()
        }
    }

    public func stateTensors() -> [(name: String, tensor: Tensor)] {
        var result = [(name: OptimizerState.stepsName, tensor: StepCounter.tensor(steps)),
                      (name: SGD.markerName, tensor: Tensor(zeros: [1]))]
        for (name, buffer) in buffers { result.append((name + ".momentum_buffer", buffer)) }
        return result.sorted { $0.name < $1.name }
    }

    public func loadState(_ tensors: [String: Tensor], parameters: [(name: String, variable: Variable)]) throws {
        var remaining = tensors
        let loadedSteps = try OptimizerState.takeSteps(from: &remaining)
        guard remaining.removeValue(forKey: SGD.markerName) != nil else {
            throw OptimizerStateError(tensor: SGD.markerName, problem: "missing: this state was not written by SGD (by Adam?)")
        }
        var loaded: [String: Tensor] = [:]
        if momentum != 0 {
            for (name, variable) in parameters {
                if let state = try OptimizerState.take(["momentum_buffer"], of: name, shapes: [variable.shape], from: &remaining) {
                    loaded[name] = state[0]
                }
            }
        }
        try OptimizerState.rejectLeftovers(remaining, optimizer: momentum == 0 ? "SGD without momentum" : "SGD")
        steps = loadedSteps
        buffers = loaded
    }

    static let markerName = "optimizer.sgd"

    // Kernels (S2SKernels' optimizers.h): a 16-lane body for full vectors, the same body on a zero-padded
    // vector for the tail, so every element goes through identical arithmetic.

    static func plainKernel(count: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                            lr: Float, decay: Float) {
        Kernels.current.sgd(count, p, g, lr: lr, decay: decay)
    }

    static func momentumKernel(count: Int, _ p: UnsafeMutablePointer<Float>, _ g: UnsafePointer<Float>,
                               _ b: UnsafeMutablePointer<Float>,
                               lr: Float, mu: Float, decay: Float, nesterov: Bool, first: Bool) {
        Kernels.current.sgdMomentum(count, p, g, b, lr: lr, mu: mu, decay: decay, nesterov: nesterov, first: first)
    }
}
