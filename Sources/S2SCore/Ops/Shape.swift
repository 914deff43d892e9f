// Shape ops: concat and split along any axis, slice, reshape, transpose of the two leading axes
// ([T, B, ...] ↔ [B, T, ...]), and stack/unstack of per-step tensors (T × [B, H] ↔ [T, B, H]).
// All of them move contiguous blocks: seen around an axis, a tensor is [outer, dim, inner], and a
// piece along the axis is `outer` blocks of (its size · inner) floats.

public enum ShapeKernel {
    /// destination[o·dstStride ..< +blockSize] (=, or += when `accumulate`) source[o·srcStride ..< +blockSize]
    /// for o in 0..<blocks.
    @inline(__always)
    public static func copyBlocks(blocks: Int, blockSize: Int,
                                  from source: UnsafePointer<Float>, sourceStride: Int,
                                  to destination: UnsafeMutablePointer<Float>, destinationStride: Int,
                                  accumulate: Bool = false) {
        for o in 0..<blocks {
            let s = source + o * sourceStride, d = destination + o * destinationStride
            if accumulate {
                for i in 0..<blockSize { d[i] += s[i] }
            } else {
                d.update(from: s, count: blockSize)
            }
        }
    }

    /// y[b, a, :] (=, or += when `accumulate`) x[a, b, :] for x [A, B, inner].
    public static func transposeLeading(a: Int, b: Int, inner: Int, x: UnsafePointer<Float>,
                                        y: UnsafeMutablePointer<Float>, accumulate: Bool = false) {
        for i in 0..<a {
            copyBlocks(blocks: b, blockSize: inner, from: x + i * b * inner, sourceStride: inner,
                       to: y + i * inner, destinationStride: a * inner, accumulate: accumulate)
        }
    }
}

/// A shape seen around one axis as [outer, dim, inner].
private struct AxisView {
    let outer: Int, dim: Int, inner: Int
    init(_ shape: [Int], axis: Int) {
        outer = shape[..<axis].reduce(1, *)
        dim = shape[axis]
        inner = shape[(axis + 1)...].reduce(1, *)
    }
}

/// A possibly negative axis (−1 is the last) as an index into a shape of `rank`.
private func resolve(_ axis: Int, rank: Int, _ op: String) -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    precondition(resolved >= 0 && resolved < rank, "\(op): axis \(axis) out of range for rank \(rank)")
    return resolved
}

extension Tape {
    /// Joins tensors along `axis` (negative counts from the end); all other dimensions must agree.
    ///
    ///     let both = tape.concat([context, query], axis: -1)   // [B, H] + [B, H] → [B, 2H]
    public func concat(_ xs: [Variable], axis: Int) -> Variable {
        precondition(!xs.isEmpty, "concat: no inputs")
        let axis = resolve(axis, rank: xs[0].shape.count, "concat")
        for x in xs {
            precondition(x.shape.count == xs[0].shape.count
                         && zip(x.shape, xs[0].shape).enumerated().allSatisfy { $0.offset == axis || $0.element.0 == $0.element.1 },
                         "concat: shape \(x.shape) does not match \(xs[0].shape) outside axis \(axis)")
        }
        var shape = xs[0].shape
        shape[axis] = xs.reduce(0) { $0 + $1.shape[axis] }
        return join(xs, sizes: xs.map { $0.shape[axis] }, shape: shape, axis: axis, name: "concat")
    }

    /// Stacks same-shaped tensors along a new leading axis: T × [B, H] → [T, B, H].
    ///
    ///     let outputs = tape.stack(stepOutputs)   // [T, B, H]
    public func stack(_ xs: [Variable]) -> Variable {
        precondition(!xs.isEmpty, "stack: no inputs")
        precondition(xs.allSatisfy { $0.shape == xs[0].shape }, "stack: shapes differ: \(xs.map(\.shape))")
        return join(xs, sizes: xs.map { _ in 1 }, shape: [xs.count] + xs[0].shape, axis: 0, name: "stack")
    }

    /// Cuts `x` along `axis` into pieces of the given sizes, which must add up to that dimension.
    ///
    ///     let halves = tape.split(states, sizes: [H, H], axis: -1)   // [B, 2H] → 2 × [B, H]
    public func split(_ x: Variable, sizes: [Int], axis: Int) -> [Variable] {
        let axis = resolve(axis, rank: x.shape.count, "split")
        precondition(sizes.allSatisfy { $0 >= 0 } && sizes.reduce(0, +) == x.shape[axis],
                     "split: sizes \(sizes) do not add up to \(x.shape[axis]) (axis \(axis) of \(x.shape))")
        var offset = 0
        let pieces = sizes.map { size in
            defer { offset += size }
            return (range: offset..<offset + size, shape: x.shape.replacingDimension(axis, with: [size]))
        }
        return cut(x, pieces: pieces, axis: axis, name: "split")
    }

    /// Splits off every step of the leading axis: [T, B, H] → T × [B, H].
    ///
    ///     let steps = tape.unstack(embedded)   // steps[t]: [B, E]
    public func unstack(_ x: Variable) -> [Variable] {
        precondition(!x.shape.isEmpty, "unstack: needs rank ≥ 1")
        let rest = Array(x.shape.dropFirst())
        return cut(x, pieces: (0..<x.shape[0]).map { ($0..<$0 + 1, rest) }, axis: 0, name: "unstack")
    }

    /// The part of `x` with indices `range` along `axis`.
    ///
    ///     let last = tape.slice(outputs, range: T - 1..<T, axis: 0)   // [1, B, H]
    public func slice(_ x: Variable, range: Range<Int>, axis: Int) -> Variable {
        let axis = resolve(axis, rank: x.shape.count, "slice")
        precondition(range.lowerBound >= 0 && range.upperBound <= x.shape[axis],
                     "slice: range \(range) outside 0..<\(x.shape[axis]) on axis \(axis) of \(x.shape)")
        return cut(x, pieces: [(range, x.shape.replacingDimension(axis, with: [range.count]))], axis: axis, name: "slice")[0]
    }

    /// The same scalars under a new shape with the same element count.
    ///
    ///     let flat = tape.reshape(logits, to: [T * B, V])
    public func reshape(_ x: Variable, to shape: [Int]) -> Variable {
        precondition(shape.reduce(1, *) == x.value.count, "reshape: cannot reshape \(x.shape) to \(shape)")
        let output = Variable(x.value.reshaped(shape), requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record("reshape") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in x.withGradPointer { dx in for i in 0..<dy.count { dx[i] += pdy[i] } } }
        }
        return output
    }

    /// Swaps the two leading axes: [T, B, ...] → [B, T, ...] (and back).
    ///
    ///     let batchMajor = tape.transposeLeadingAxes(outputs)   // [T, B, H] → [B, T, H]
    public func transposeLeadingAxes(_ x: Variable) -> Variable {
        precondition(x.shape.count >= 2, "transposeLeadingAxes: needs rank ≥ 2, got \(x.shape)")
        let a = x.shape[0], b = x.shape[1], inner = x.shape.dropFirst(2).reduce(1, *)
        var y = Tensor(zeros: [b, a] + x.shape.dropFirst(2))
        x.value.withPointer { px in
            y.withMutablePointer { ShapeKernel.transposeLeading(a: a, b: b, inner: inner, x: px, y: $0) }
        }
        let output = Variable(y, requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record("transposeLeadingAxes") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                x.withGradPointer {
                    ShapeKernel.transposeLeading(a: b, b: a, inner: inner, x: pdy, y: $0, accumulate: true)
                }
            }
        }
        return output
    }

    // Shared plumbing ---------------------------------------------------------------------------------

    /// Writes each input as a consecutive piece, `sizes[i]` long, along `axis` of an output of `shape`
    /// (concat, stack); one tape entry in all.
    private func join(_ xs: [Variable], sizes: [Int], shape: [Int], axis: Int, name: String) -> Variable {
        let view = AxisView(shape, axis: axis)
        let stride = view.dim * view.inner
        var offsets = [Int](), offset = 0   // each input's first position along the axis
        for size in sizes { offsets.append(offset); offset += size }
        var y = Tensor(zeros: shape)
        y.withMutablePointer { py in
            for (x, (start, size)) in zip(xs, zip(offsets, sizes)) {
                let block = size * view.inner
                x.value.withPointer {
                    ShapeKernel.copyBlocks(blocks: view.outer, blockSize: block, from: $0, sourceStride: block,
                                           to: py + start * view.inner, destinationStride: stride)
                }
            }
        }
        let output = Variable(y, requiresGrad: needsGrad(xs))
        guard output.requiresGrad else { return output }
        record(name) {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                for (x, (start, size)) in zip(xs, zip(offsets, sizes)) {
                    let block = size * view.inner
                    x.accumulateIfNeeded {
                        ShapeKernel.copyBlocks(blocks: view.outer, blockSize: block, from: pdy + start * view.inner,
                                               sourceStride: stride, to: $0, destinationStride: block, accumulate: true)
                    }
                }
            }
        }
        return output
    }

    /// Copies the given ranges along `axis` out of `x` (split, unstack, slice); one tape entry in all.
    private func cut(_ x: Variable, pieces: [(range: Range<Int>, shape: [Int])], axis: Int, name: String) -> [Variable] {
        let view = AxisView(x.shape, axis: axis)
        let stride = view.dim * view.inner
        let needs = needsGrad(x)
        let outputs = x.value.withPointer { px in
            pieces.map { piece in
                let block = piece.range.count * view.inner
                var y = Tensor(zeros: piece.shape)
                y.withMutablePointer {
                    ShapeKernel.copyBlocks(blocks: view.outer, blockSize: block, from: px + piece.range.lowerBound * view.inner,
                                           sourceStride: stride, to: $0, destinationStride: block)
                }
                return Variable(y, requiresGrad: needs)
            }
        }
        guard needs else { return outputs }
        record(name) {
            x.withGradPointer { dx in
                for (output, piece) in zip(outputs, pieces) {
                    guard let dy = output.grad else { continue }
                    let block = piece.range.count * view.inner
                    dy.withPointer {
                        ShapeKernel.copyBlocks(blocks: view.outer, blockSize: block, from: $0, sourceStride: block,
                                               to: dx + piece.range.lowerBound * view.inner, destinationStride: stride,
                                               accumulate: true)
                    }
                }
            }
        }
        return outputs
    }
}

extension Array where Element == Int {
    /// The shape with dimension `axis` replaced by `dims`.
    fileprivate func replacingDimension(_ axis: Int, with dims: [Int]) -> [Int] {
        Array(self[..<axis]) + dims + Array(self[(axis + 1)...])
    }
}
