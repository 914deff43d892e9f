// Variable: a tensor that takes part in automatic differentiation. Parameters are Variables that live
// across steps; activations are Variables made by the ops of one forward pass.

/// A tensor value plus its gradient. The gradient is allocated on first accumulation, so an op whose
/// input needs no gradient costs nothing in backward.
public final class Variable {
    public var value: Tensor
    /// d(loss)/d(value), accumulated by backward passes; `nil` until something flows into it.
    public var grad: Tensor?
    /// Leaves created from data (token ids, masks) need no gradient; parameters and activations do.
    public let requiresGrad: Bool
    /// A hint for the exchange of distributed training: in a step, most rows of this [rows, columns]
    /// parameter's gradient stay zero (an embedding table), so only the rows some rank touched are sent.
    /// The sum is the same bits either way; the hint only saves bytes.
    public var sparseGradientRows = false
    /// One box per shard of the last `DataParallel.run`; a box holds a buffer only while a run is in
    /// progress (shard 0 usually needs none: see `shardZeroWritesGrad`).
    var shardGradients: [ShardGradient] = []
    /// Whether shard 0 of the current `DataParallel.run` accumulates straight into `grad` (then it
    /// needs no private buffer). Only when `grad` was nil at the start: 0 + x = x, so the sum is bitwise
    /// the one a private buffer would give; an existing gradient must still get shard 0's sum added once.
    var shardZeroWritesGrad = false

    public init(_ value: Tensor, requiresGrad: Bool = false) {
        self.value = value
        self.requiresGrad = requiresGrad
    }

    public var shape: [Int] { value.shape }

    /// Runs `body` on the gradient buffer, created as zeros of the value's shape if it does not exist
    /// yet. Backward kernels accumulate (`+=`) into it: a weight used at every step gathers every step.
    public func withGrad<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        if !shardGradients.isEmpty, let shard = ShardContext.current, shard > 0 || !shardZeroWritesGrad {
            let box = shardGradients[shard]
            if box.tensor == nil { box.tensor = Tensor(zeros: value.shape) }
            box.isDirty = true
            return try box.tensor!.withUnsafeMutableBufferPointer { try body($0) }
        }
        if grad == nil { grad = Tensor(zeros: value.shape) }
        return try grad!.withUnsafeMutableBufferPointer { try body($0) }
    }

    func prepareShardGradients(_ shards: Int) {
        if shardGradients.count != shards { shardGradients = (0..<shards).map { _ in ShardGradient() } }
        shardZeroWritesGrad = grad == nil
    }

    /// Adds every private shard gradient into `grad`, in shard order, and frees the buffers: kept, they
    /// would be resident through the next forward pass; made again, they take the room that pass's
    /// activations leave as backward releases them (the zero fill costs what zeroing a kept one did).
    func reduceShardGradients() {
        for box in shardGradients where box.isDirty {
            if let delta = box.tensor { accumulateGrad(delta) }
            box.tensor = nil
            box.isDirty = false
        }
        shardZeroWritesGrad = false
    }

    /// Adds `delta` (same shape as the value) into the gradient.
    public func accumulateGrad(_ delta: Tensor) {
        precondition(delta.shape == value.shape, "gradient shape \(delta.shape) for value \(value.shape)")
        withGrad { g in
            delta.withUnsafeBufferPointer { d in
                for i in 0..<g.count { g[i] += d[i] }
            }
        }
    }

    public func zeroGrad() { grad = nil }
}
