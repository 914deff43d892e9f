// Pointer plumbing shared by the ops: kernels take raw pointers, and these helpers hand them out for
// the duration of a closure without the `baseAddress!` noise. Package-wide, so the few kernels'
// callers outside S2SCore (search, inference) use these instead of their own copies.

extension Tensor {
    /// The scalars as a read-only pointer, valid inside `body` only.
    @inline(__always)
    package func withPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// The scalars as a mutable pointer, valid inside `body` only.
    @inline(__always)
    package mutating func withMutablePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { try body($0.baseAddress!) }
    }
}

extension Variable {
    /// The gradient buffer (created as zeros when missing) as a mutable pointer, valid inside `body`.
    @inline(__always)
    package func withGradPointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try withGrad { try body($0.baseAddress!) }
    }

    /// Runs `body` on the gradient pointer only when this variable wants a gradient.
    @inline(__always)
    package func accumulateIfNeeded(_ body: (UnsafeMutablePointer<Float>) -> Void) {
        if requiresGrad { withGrad { body($0.baseAddress!) } }
    }
}

/// Runs `body` with the gradient pointer of `variable` when it wants a gradient, else with nil.
@inline(__always)
package func withGradIfNeeded<R>(_ variable: Variable?, _ body: (UnsafeMutablePointer<Float>?) -> R) -> R {
    if let variable, variable.requiresGrad { return variable.withGradPointer { body($0) } }
    return body(nil)
}

/// Runs `body` with a pointer to the tensor's scalars, or nil when there is no tensor.
@inline(__always)
package func withOptionalPointer<R>(_ tensor: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
    guard let tensor else { return body(nil) }
    return tensor.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// Runs `body` with read-only pointers to every tensor's scalars (valid inside `body` only).
package func withPointers<R>(_ tensors: [Tensor], _ body: ([UnsafePointer<Float>]) throws -> R) rethrows -> R {
    var pointers: [UnsafePointer<Float>] = []
    pointers.reserveCapacity(tensors.count)
    func recurse(_ index: Int) throws -> R {
        if index == tensors.count { return try body(pointers) }
        // An empty tensor still gets a valid (never read) address.
        let tensor = tensors[index].count == 0 ? Tensor(zeros: [1]) : tensors[index]
        return try tensor.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress!)
            return try recurse(index + 1)
        }
    }
    return try recurse(0)
}
