// Elementwise ops: add (same shape, or a bias broadcast over the last axis), multiply, tanh, sigmoid,
// relu, scale by a constant, and the reductions sum and mean (→ a scalar of shape []).
// Kernels work on `count` contiguous floats; backward kernels accumulate (+=) into dx.

public enum ElementwiseKernel {
    public typealias Input = UnsafePointer<Float>
    public typealias Output = UnsafeMutablePointer<Float>

    /// y = a + b.
    public static func add(count: Int, _ a: Input, _ b: Input, _ y: Output) {
        for i in 0..<count { y[i] = a[i] + b[i] }
    }

    /// y = a · b.
    public static func multiply(count: Int, _ a: Input, _ b: Input, _ y: Output) {
        for i in 0..<count { y[i] = a[i] * b[i] }
    }

    /// y[r, c] = x[r, c] + bias[c] for `rows` rows of `columns`.
    public static func addBias(rows: Int, columns: Int, _ x: Input, _ bias: Input, _ y: Output) {
        for r in 0..<rows {
            let xr = x + r * columns, yr = y + r * columns
            for c in 0..<columns { yr[c] = xr[c] + bias[c] }
        }
    }

    /// dBias[c] += Σ_r dy[r, c].
    public static func addBiasBackward(rows: Int, columns: Int, dy: Input, dBias: Output) {
        for r in 0..<rows {
            let dyr = dy + r * columns
            for c in 0..<columns { dBias[c] += dyr[c] }
        }
    }

    /// dx += scale · dy (the backward of add and of scale).
    public static func accumulate(count: Int, dy: Input, scale: Float = 1, into dx: Output) {
        for i in 0..<count { dx[i] += scale * dy[i] }
    }

    /// dx += dy · other (the backward of multiply).
    public static func accumulateProduct(count: Int, dy: Input, _ other: Input, into dx: Output) {
        for i in 0..<count { dx[i] += dy[i] * other[i] }
    }

    /// y = tanh(x), SIMD.
    public static func tanhForward(count: Int, x: Input, y: Output) {
        VectorMath.tanh(count: count, x, y)
    }

    /// dx += dy · (1 − y²).
    public static func tanhBackward(count: Int, y: Input, dy: Input, dx: Output) {
        for i in 0..<count { dx[i] += dy[i] * (1 - y[i] * y[i]) }
    }

    /// y = 1 / (1 + e^−x), SIMD.
    public static func sigmoidForward(count: Int, x: Input, y: Output) {
        VectorMath.sigmoid(count: count, x, y)
    }

    /// dx += dy · y · (1 − y).
    public static func sigmoidBackward(count: Int, y: Input, dy: Input, dx: Output) {
        for i in 0..<count { dx[i] += dy[i] * y[i] * (1 - y[i]) }
    }

    /// y = max(x, 0).
    public static func reluForward(count: Int, x: Input, y: Output) {
        for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
    }

    /// dx += dy where y > 0.
    public static func reluBackward(count: Int, y: Input, dy: Input, dx: Output) {
        for i in 0..<count { dx[i] += y[i] > 0 ? dy[i] : 0 }
    }

    /// Σ x, accumulated in 16 lanes (pairwise-ish, so long sums lose little precision).
    public static func sum(count: Int, _ x: Input) -> Float {
        var lanes = Float16x.zero, i = 0
        while i + 16 <= count { lanes += x.loadVector(at: i); i += 16 }
        var total = lanes.sum()
        while i < count { total += x[i]; i += 1 }
        return total
    }

    /// dx += dy (a broadcast scalar).
    public static func broadcastAccumulate(count: Int, dy: Float, into dx: Output) {
        for i in 0..<count { dx[i] += dy }
    }
}

extension Tape {
    /// a + b, same shapes.
    ///
    ///     let y = tape.add(a, b)   // a, b, y: [B, H]
    public func add(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "add: shapes differ, \(a.shape) and \(b.shape)")
        return binary("add", a, b, ElementwiseKernel.add) { count, dy, _, _, da, db in
            if let da { ElementwiseKernel.accumulate(count: count, dy: dy, into: da) }
            if let db { ElementwiseKernel.accumulate(count: count, dy: dy, into: db) }
        }
    }

    /// a · b elementwise, same shapes.
    ///
    ///     let y = tape.multiply(gate, state)   // [B, H]
    public func multiply(_ a: Variable, _ b: Variable) -> Variable {
        precondition(a.shape == b.shape, "multiply: shapes differ, \(a.shape) and \(b.shape)")
        return binary("multiply", a, b, ElementwiseKernel.multiply) { count, dy, pa, pb, da, db in
            if let da { ElementwiseKernel.accumulateProduct(count: count, dy: dy, pb, into: da) }
            if let db { ElementwiseKernel.accumulateProduct(count: count, dy: dy, pa, into: db) }
        }
    }

    /// x + bias, the bias broadcast over every row of the last axis: x [..., H], bias [H] → [..., H].
    ///
    ///     let y = tape.add(x, bias: b)   // x [B, T, H], b [H]
    public func add(_ x: Variable, bias: Variable) -> Variable {
        let columns = bias.value.count
        precondition(bias.shape.count == 1 && x.shape.last == columns,
                     "add(bias:): bias \(bias.shape) does not match the last axis of \(x.shape)")
        let rows = columns == 0 ? 0 : x.value.count / columns
        var y = Tensor(zeros: x.shape)
        x.value.withPointer { px in
            bias.value.withPointer { pb in
                y.withMutablePointer { ElementwiseKernel.addBias(rows: rows, columns: columns, px, pb, $0) }
            }
        }
        let output = Variable(y, requiresGrad: needsGrad(x, bias))
        guard output.requiresGrad else { return output }
        record("addBias") {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                x.accumulateIfNeeded { ElementwiseKernel.accumulate(count: rows * columns, dy: pdy, into: $0) }
                bias.accumulateIfNeeded { ElementwiseKernel.addBiasBackward(rows: rows, columns: columns, dy: pdy, dBias: $0) }
            }
        }
        return output
    }

    /// tanh(x), elementwise.
    public func tanh(_ x: Variable) -> Variable {
        unary("tanh", x, ElementwiseKernel.tanhForward, ElementwiseKernel.tanhBackward)
    }

    /// The logistic sigmoid 1 / (1 + e^−x), elementwise.
    public func sigmoid(_ x: Variable) -> Variable {
        unary("sigmoid", x, ElementwiseKernel.sigmoidForward, ElementwiseKernel.sigmoidBackward)
    }

    /// max(x, 0), elementwise (the gradient at exactly 0 is 0, as in PyTorch).
    public func relu(_ x: Variable) -> Variable {
        unary("relu", x, ElementwiseKernel.reluForward, ElementwiseKernel.reluBackward)
    }

    /// factor · x.
    ///
    ///     let halved = tape.scale(x, by: 0.5)
    public func scale(_ x: Variable, by factor: Float) -> Variable {
        unary("scale", x, { count, px, py in for i in 0..<count { py[i] = factor * px[i] } },
              { count, _, dy, dx in ElementwiseKernel.accumulate(count: count, dy: dy, scale: factor, into: dx) })
    }

    /// Σ x over every element, a scalar of shape [].
    ///
    ///     let total = tape.sum(x)   // x [B, H] → []
    public func sum(_ x: Variable) -> Variable { reduce("sum", x, divisor: 1) }

    /// The mean of every element, a scalar of shape [] (0 for an empty tensor).
    public func mean(_ x: Variable) -> Variable { reduce("mean", x, divisor: max(1, x.value.count)) }

    // Shared plumbing ---------------------------------------------------------------------------------

    private func reduce(_ name: String, _ x: Variable, divisor: Int) -> Variable {
        let count = x.value.count
        let total = x.value.withPointer { ElementwiseKernel.sum(count: count, $0) }
        let output = Variable(Tensor(scalar: total / Float(divisor)), requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record(name) {
            guard let dy = output.grad?.scalar else { return }
            x.withGradPointer { ElementwiseKernel.broadcastAccumulate(count: count, dy: dy / Float(divisor), into: $0) }
        }
        return output
    }

    /// y = f(x); backward(count, y, dy, dx) accumulates dx.
    private func unary(
        _ name: String, _ x: Variable,
        _ forward: (Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
        _ backward: @escaping (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
    ) -> Variable {
        let count = x.value.count
        var y = Tensor(zeros: x.shape)
        x.value.withPointer { px in y.withMutablePointer { forward(count, px, $0) } }
        let output = Variable(y, requiresGrad: needsGrad(x))
        guard output.requiresGrad else { return output }
        record(name) {
            guard let dy = output.grad else { return }
            output.value.withPointer { py in
                dy.withPointer { pdy in x.withGradPointer { backward(count, py, pdy, $0) } }
            }
        }
        return output
    }

    /// y = f(a, b); backward(count, dy, a, b, da?, db?) accumulates the wanted gradients. `a` and `b`
    /// may be the same variable: its gradient buffer is then borrowed once per side.
    private func binary(
        _ name: String, _ a: Variable, _ b: Variable,
        _ forward: (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void,
        _ backward: @escaping (Int, UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
                               UnsafeMutablePointer<Float>?, UnsafeMutablePointer<Float>?) -> Void
    ) -> Variable {
        let count = a.value.count
        var y = Tensor(zeros: a.shape)
        a.value.withPointer { pa in b.value.withPointer { pb in y.withMutablePointer { forward(count, pa, pb, $0) } } }
        let output = Variable(y, requiresGrad: needsGrad(a, b))
        guard output.requiresGrad else { return output }
        record(name) {
            guard let dy = output.grad else { return }
            dy.withPointer { pdy in
                a.value.withPointer { pa in
                    b.value.withPointer { pb in
                        a.accumulateIfNeeded { backward(count, pdy, pa, pb, $0, nil) }
                        b.accumulateIfNeeded { backward(count, pdy, pa, pb, nil, $0) }
                    }
                }
            }
        }
        return output
    }
}
