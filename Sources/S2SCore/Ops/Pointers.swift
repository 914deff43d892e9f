// Pointer plumbing shared by the ops: kernels take raw pointers, and these helpers hand them out for
// the duration of a closure without the `baseAddress!` noise. Internal to S2SCore.

extension Tensor {
    /// The scalars as a read-only pointer, valid inside `body` only.
    @inline(__always)
    func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The scalars as a mutable pointer, valid inside `body` only.
    @inline(__always)
    mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}

extension Variable {
    /// The gradient buffer (created as zeros when missing) as a mutable pointer, valid inside `body`.
    @inline(__always)
    func withGradPointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withGrad { try body($0.baseAddress!) }
    }

    /// Runs `body` on the gradient pointer only when this variable wants a gradient.
    @inline(__always)
    func accumulateIfNeeded(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        if requiresGrad { withGrad { body($0.baseAddress!) } }
    }
}

/// Runs `body` with the gradient pointer of `variable` when it wants a gradient, else with nil.
@inline(__always)
func withGradIfNeeded<R>(_ variable: Variable?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    if let variable, variable.requiresGrad { return variable.withGradPointer { body($0) } }
    return body(nil)
}
