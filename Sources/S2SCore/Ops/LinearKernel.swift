// Linear: y[N, out] = x[N, in] · Wᵀ + b, with W stored as PyTorch stores it, [out, in].

public enum LinearKernel {
    /// y = x·Wᵀ + b. `y` is overwritten. `rowStable`: each row's numbers do not depend on the other
    /// rows (DotGEMM; see `Tape.isRowStable`).
    public static func forward(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                               y: UnsafeMutablePointer<Float>, rows: Int, inputs: Int, outputs: Int, rowStable: Bool = false) {
        if let bias {
            for r in 0..<rows { (y + r * outputs).update(from: bias, count: outputs) }
        }
        if rowStable {
            DotGEMM.gemm(m: rows, n: outputs, k: inputs, x, lda: inputs, weight, ldb: inputs, beta: bias == nil ? 0 : 1, y, ldc: outputs)
        } else {
            BLAS.gemm(transposeB: true, m: rows, n: outputs, k: inputs,
                      x, lda: inputs, weight, ldb: inputs, beta: bias == nil ? 0 : 1, y, ldc: outputs)
        }
    }

    /// Accumulates dx += dy·W, dW += dyᵀ·x, db += Σ_rows dy. Any of the three may be skipped (nil).
    public static func backward(dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                dx: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                                dBias: UnsafeMutablePointer<Float>?, rows: Int, inputs: Int, outputs: Int) {
        if let dx {
            BLAS.gemm(m: rows, n: inputs, k: outputs, dy, lda: outputs, weight, ldb: inputs, beta: 1, dx, ldc: inputs)
        }
        if let dWeight {
            BLAS.gemm(transposeA: true, m: outputs, n: inputs, k: rows, dy, lda: outputs, x, ldb: inputs,
                      beta: 1, dWeight, ldc: inputs)
        }
        if let dBias {
            for r in 0..<rows {
                let row = dy + r * outputs
                for o in 0..<outputs { dBias[o] += row[o] }
            }
        }
    }
}

extension Tape {
    /// y = x·Wᵀ + b over the last axis of x: x [..., in], weight [out, in], bias [out] → y [..., out].
    public func linear(_ x: Variable, weight: Variable, bias: Variable?) -> Variable {
        let inputs = weight.shape[1], outputs = weight.shape[0]
        precondition(x.shape.last == inputs, "linear: input \(x.shape) does not end in \(inputs)")
        precondition(bias == nil || bias!.shape == [outputs], "linear: bias shape \(bias!.shape) for \(outputs) outputs")
        let rows = x.value.count / max(inputs, 1)
        var y = Tensor(zeros: Array(x.shape.dropLast()) + [outputs])
        x.value.withUnsafeBufferPointer { px in
            weight.value.withUnsafeBufferPointer { pw in
                y.withUnsafeMutableBufferPointer { py in
                    if let bias {
                        bias.value.withUnsafeBufferPointer { pb in
                            LinearKernel.forward(x: px.baseAddress!, weight: pw.baseAddress!, bias: pb.baseAddress!,
                                                 y: py.baseAddress!, rows: rows, inputs: inputs, outputs: outputs,
                                                 rowStable: isRowStable)
                        }
                    } else {
                        LinearKernel.forward(x: px.baseAddress!, weight: pw.baseAddress!, bias: nil,
                                             y: py.baseAddress!, rows: rows, inputs: inputs, outputs: outputs,
                                             rowStable: isRowStable)
                    }
                }
            }
        }
        let needs = needsGrad(x, weight, bias)
        let output = Variable(y, requiresGrad: needs)
        guard needs else { return output }
        record("linear") {
            guard let dy = output.grad else { return }
            dy.withUnsafeBufferPointer { pdy in
                x.value.withUnsafeBufferPointer { px in
                    weight.value.withUnsafeBufferPointer { pw in
                        let run = { (dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?, db: UnsafeMutablePointer<Float>?) in
                            LinearKernel.backward(dy: pdy.baseAddress!, x: px.baseAddress!, weight: pw.baseAddress!,
                                                  dx: dx, dWeight: dw, dBias: db, rows: rows, inputs: inputs, outputs: outputs)
                        }
                        // Each gradient that is wanted is produced by its own call, so no two grad
                        // buffers are borrowed at once.
                        if x.requiresGrad { x.withGrad { run($0.baseAddress!, nil, nil) } }
                        if weight.requiresGrad { weight.withGrad { run(nil, $0.baseAddress!, nil) } }
                        if let bias, bias.requiresGrad { bias.withGrad { run(nil, nil, $0.baseAddress!) } }
                    }
                }
            }
        }
        return output
    }
}
