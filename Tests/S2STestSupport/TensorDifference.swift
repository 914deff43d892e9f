// How far apart two tensors are: what most numerical tests compare with.
import S2SCore

extension Tensor {
    /// Largest absolute difference between two tensors of the same shape.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes differ: \(shape) vs \(other.shape)")
        var worst: Float = 0
        for (a, b) in zip(scalars, other.scalars) { worst = max(worst, abs(a - b)) }
        return worst
    }
}
