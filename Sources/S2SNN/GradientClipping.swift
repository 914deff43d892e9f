// Gradient clipping by global L2 norm, as torch.nn.utils.clip_grad_norm_: one norm over all
// parameters' gradients together (summed in Double), and every gradient scaled by the same factor
// when that norm is above the limit. A NaN or infinite norm is reported, and nothing is scaled.
import S2SCore

/// What `clipGradientNorm` found and did.
public struct GradientNorm: Equatable, Sendable, CustomStringConvertible {
    /// The global L2 norm of all gradients before clipping (NaN or +∞ when a gradient is not finite).
    public let norm: Double
    /// The factor the gradients were multiplied by: maxNorm/(norm + 1e-6) when clipped, else 1.
    public let scale: Double
    /// False when the norm is NaN or infinite: the trainer should skip this update.
    public var isFinite: Bool { norm.isFinite }
    public var clipped: Bool { scale != 1 }
    public var description: String { "gradient norm \(norm)" + (clipped ? " (clipped ×\(scale))" : "") }
}

/// The global L2 norm of the gradients of `parameters` (those without a gradient count as zero),
/// accumulated in Double.
///
///     globalGradientNorm(model.namedParameters)   // e.g. 3.2
///
/// Complexity: O(parameter count).
public func globalGradientNorm(_ parameters: [(name: String, variable: Variable)]) -> Double {
    var sum: Double = 0
    for (_, variable) in parameters {
        guard let grad = variable.grad else { continue }
        grad.withUnsafeBufferPointer { g in
            guard let base = g.baseAddress else { return }
            sum += Kernels.current.sumOfSquares(g.count, base)
        }
    }
    return sum.squareRoot()
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`, like
/// `torch.nn.utils.clip_grad_norm_(parameters, maxNorm)`: when norm + 1e-6 > maxNorm every gradient
/// is multiplied by maxNorm/(norm + 1e-6). Returns the norm before clipping; when it is not finite the
/// gradients are left untouched and `isFinite` is false, so the caller can skip the update.
///
///     let result = clipGradientNorm(model.namedParameters, maxNorm: 5)
///     if !result.isFinite { skip this batch } else { optimizer.step(model.namedParameters) }
///
/// Complexity: O(parameter count).
@discardableResult
public func clipGradientNorm(_ parameters: [(name: String, variable: Variable)], maxNorm: Double) -> GradientNorm {
    precondition(maxNorm > 0, "maxNorm must be positive")
    let norm = globalGradientNorm(parameters)
    guard norm.isFinite else { return GradientNorm(norm: norm, scale: 1) }
    let scale = maxNorm / (norm + 1e-6)
    guard scale < 1 else { return GradientNorm(norm: norm, scale: 1) }
    let factor = Float(scale)
    for (_, variable) in parameters where variable.grad != nil {
        variable.grad!.withUnsafeMutableBufferPointer { g in
            guard let base = g.baseAddress else { return }
            var i = 0
            while i + 16 <= g.count {
                base.storeVector(base.loadVector(at: i) * factor, at: i)
                i += 16
            }
            while i < g.count { base[i] *= factor; i += 1 }
        }
    }
    return GradientNorm(norm: norm, scale: scale)
}
