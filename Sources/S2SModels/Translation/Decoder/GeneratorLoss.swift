// The generator and its loss as one op: logits = x·Wᵀ + b for the rows that have a target (padding
// rows are skipped: no logits, no FLOPs), label-smoothed cross-entropy over them, and a backward that
// turns the saved logits into their gradient in place — no second [N, V] buffer, no zero fill. The
// [N, V] products are the largest in the translator (about half of its FLOPs); the rest of the op is
// kept to passes over the logits that the products need anyway.
// Shapes: x [N, H], weight [V, H], bias [V], targets N ids → a scalar loss (the mean over counted rows).
import S2SCore
import S2SKernels

public enum GeneratorLossKernel {
    /// logits[r, v] ← scale·(softmax[r, v] − ε/V) − scale·(1 − ε)·[v = t_r], in place, softmax from the
    /// saved log-sum-exp.
    public static func gradientInPlace(logits: UnsafeMutablePointer<Float>, rows: Int, classes V: Int,
                                       targets: UnsafePointer<Int>, logSumExp: UnsafePointer<Float>,
                                       labelSmoothing ε: Float, scale: Float) {
        let uniform = ε / Float(V)
        for r in 0..<rows {
            let x = logits + r * V
            Kernels.current.softmaxGradientInPlace(V, x, lse: logSumExp[r], scale: scale, uniform: uniform)
            x[targets[r]] -= scale * (1 - ε)
        }
    }
}

extension Tape {
    /// Mean label-smoothed cross-entropy of the generator's logits over the rows whose target is not
    /// `ignoreIndex` — the same value and gradients as `linear` followed by `crossEntropyWithStats`.
    ///
    ///     let (loss, stats) = tape.generatorLoss(states, weight: w, bias: b, targets: ids, labelSmoothing: 0.1)
    ///
    /// Cost: 2·M·H·V FLOPs forward and twice that backward for M counted rows.
    public func generatorLoss(_ x: Variable, weight: Variable, bias: Variable, targets: [Int], ignoreIndex: Int = SpecialTokens.pad,
                              labelSmoothing: Float) -> (loss: Variable, stats: CrossEntropyStats) {
        let H = weight.shape[1], V = weight.shape[0]
        precondition(x.shape.count == 2 && x.shape[1] == H && x.shape[0] == targets.count,
                     "generatorLoss: x \(x.shape) for \(targets.count) targets and weight \(weight.shape)")
        precondition(bias.shape == [V], "generatorLoss: bias \(bias.shape) for \(V) classes")
        let rows = targets.indices.filter { targets[$0] != ignoreIndex }
        let counted = rows.map { targets[$0] }
        let M = rows.count
        var inputs = [Float].uninitialized(M * H)
        var logits = [Float].uninitialized(M * V)
        var logSumExp = [Float](repeating: 0, count: M)
        var stats = CrossEntropyStats()
        if M > 0 {
            x.value.withPointer { px in
                inputs.withUnsafeMutableBufferPointer { pi in
                    for (r, row) in rows.enumerated() { (pi.baseAddress! + r * H).update(from: px + row * H, count: H) }
                }
            }
            weight.value.withPointer { pw in
                bias.value.withPointer { pb in
                    inputs.withUnsafeBufferPointer { pi in
                        logits.withUnsafeMutableBufferPointer { pl in
                            LinearKernel.forward(x: pi.baseAddress!, weight: pw, bias: pb,
                                                 y: pl.baseAddress!, rows: M, inputs: H, outputs: V)
                        }
                    }
                }
            }
            stats = logits.withUnsafeBufferPointer { pl in
                counted.withUnsafeBufferPointer { pt in
                    logSumExp.withUnsafeMutableBufferPointer {
                        CrossEntropyKernel.forward(logits: pl.baseAddress!, targets: pt, classes: V, ignoreIndex: nil,
                                                   labelSmoothing: labelSmoothing, logSumExp: $0.baseAddress!)
                    }
                }
            }
        }
        let mean = M == 0 ? 0 : Float(stats.lossSum / Double(M))
        let loss = Variable(Tensor(scalar: mean), requiresGrad: needsGrad(x, weight, bias))
        guard loss.requiresGrad else { return (loss, stats) }
        record("generatorLoss") {
            guard let dy = loss.grad?.scalar, M > 0 else { return }
            logits.withUnsafeMutableBufferPointer { pl in
                counted.withUnsafeBufferPointer { pt in
                    logSumExp.withUnsafeBufferPointer { plse in
                        GeneratorLossKernel.gradientInPlace(logits: pl.baseAddress!, rows: M, classes: V, targets: pt.baseAddress!,
                                                            logSumExp: plse.baseAddress!, labelSmoothing: labelSmoothing,
                                                            scale: dy / Float(M))
                    }
                }
            }
            logits.withUnsafeBufferPointer { pl in
                inputs.withUnsafeBufferPointer { pi in
                    let dLogits = pl.baseAddress!, xs = pi.baseAddress!
                    if x.requiresGrad {
                        var dInputs = [Float].uninitialized(M * H)
                        dInputs.withUnsafeMutableBufferPointer { pd in
                            weight.value.withPointer { pw in
                                BLAS.gemm(m: M, n: H, k: V, dLogits, lda: V, pw, ldb: H, beta: 0, pd.baseAddress!, ldc: H)
                            }
                            x.withGradPointer { g in
                                for (r, row) in rows.enumerated() {
                                    let source = pd.baseAddress! + r * H, target = g + row * H
                                    for j in 0..<H { target[j] += source[j] }
                                }
                            }
                        }
                    }
                    if weight.requiresGrad {
                        weight.withGradPointer { g in
                            BLAS.gemm(transposeA: true, m: V, n: H, k: M, dLogits, lda: V, xs, ldb: H, beta: 1, g, ldc: H)
                        }
                    }
                    if bias.requiresGrad {
                        let ones = [Float](repeating: 1, count: M)
                        bias.withGradPointer { g in
                            BLAS.gemv(transpose: true, rows: M, columns: V, dLogits, lda: V, ones, beta: 1, g)
                        }
                    }
                }
            }
        }
        return (loss, stats)
    }
}
