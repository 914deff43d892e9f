// Softmax cross-entropy, fused and numerically stable, with PyTorch's semantics:
// F.cross_entropy(logits, targets, ignore_index:, label_smoothing: ε, reduction: 'mean').
// Per counted row (target ≠ ignoreIndex), with lse = log Σ_v e^{x[v]}:
//     loss_row = (1−ε)·(lse − x[t]) + ε·(lse − mean_v x[v])
// The loss is the mean over counted rows. Backward recomputes softmax from the saved lse, so no
// [N, V] probability matrix is kept: d loss_row / dx[v] = softmax[v] − (1−ε)·[v = t] − ε/V.
// Also here: LogSoftmaxKernel, the masked log-softmax decoders use to score candidates.
// Shapes: logits [N, V] (or [..., V], rows flattened), targets N ids.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a trainer reports, summed over the counted rows of one or more batches (add them with +=).
///
///     var epoch = CrossEntropyStats()
///     epoch += stats               // from tape.crossEntropyWithStats(...)
///     epoch.perplexity             // exp(nllSum / tokens)
public struct CrossEntropyStats: Equatable, Sendable {
    /// Σ of the per-row training loss (label smoothing included).
    public var lossSum: Double = 0
    /// Σ −log p(target), without label smoothing: the quantity perplexity is made of.
    public var nllSum: Double = 0
    /// Counted rows (targets ≠ ignoreIndex).
    public var tokens: Int = 0
    /// Counted rows whose argmax (first one on ties) is the target.
    public var correct: Int = 0

    public init(lossSum: Double = 0, nllSum: Double = 0, tokens: Int = 0, correct: Int = 0) {
        self.lossSum = lossSum
        self.nllSum = nllSum
        self.tokens = tokens
        self.correct = correct
    }

    public static func += (lhs: inout CrossEntropyStats, rhs: CrossEntropyStats) {
        lhs.lossSum += rhs.lossSum
        lhs.nllSum += rhs.nllSum
        lhs.tokens += rhs.tokens
        lhs.correct += rhs.correct
    }

    /// Mean training loss per token (0 with no tokens).
    public var meanLoss: Double { tokens == 0 ? 0 : lossSum / Double(tokens) }
    /// exp(mean NLL) (1 with no tokens).
    public var perplexity: Double { tokens == 0 ? 1 : exp(nllSum / Double(tokens)) }
    /// Fraction of tokens predicted right by argmax (0 with no tokens).
    public var accuracy: Double { tokens == 0 ? 0 : Double(correct) / Double(tokens) }
}

/// Row-wise log-softmax with an optional additive mask (0 keeps a column, −∞ removes it before the
/// normalisation). Forward only: decoders use it to score the next token.
public enum LogSoftmaxKernel {
    /// (max, log Σ e^{x[i]}) of one row, SIMD; (−∞, −∞) when every entry is −∞.
    @inline(__always)
    public static func maxAndLogSumExp(_ x: UnsafePointer<Float>, count: Int) -> (max: Float, logSumExp: Float) {
        var lanes = Float16x(repeating: -.infinity), i = 0
        while i + 16 <= count {   // not pointwiseMax: it compiles lane by lane (NaN rules)
            let v = x.loadVector(at: i)
            lanes = lanes.replacing(with: v, where: v .> lanes)
            i += 16
        }
        var maximum = lanes.max()
        while i < count { maximum = Swift.max(maximum, x[i]); i += 1 }
        guard maximum > -.infinity else { return (-.infinity, -.infinity) }
        let sums = Kernels.current.expSumLanes(count, x, shift: maximum)
        return (maximum, maximum + log(sums.sum()))
    }

    /// y[r, :] = log_softmax(x[r, :] + mask) for `rows` rows of `columns`. `mask` is nil, one row
    /// shared by all rows (`maskStride` 0), or one row per row (`maskStride` = columns). A row whose
    /// columns are all removed becomes all −∞. `y` may be `x`.
    ///
    ///     // ban <unk> (id 1) for every hypothesis:  mask[1] = -.infinity, maskStride 0
    public static func forward(x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                               mask: UnsafePointer<Float>? = nil, maskStride: Int = 0) {
        for r in 0..<rows {
            let xr = x + r * columns, yr = y + r * columns
            if let mask {
                let mr = mask + r * maskStride
                for c in 0..<columns { yr[c] = xr[c] + mr[c] }
            } else if UnsafePointer(yr) != xr {
                yr.update(from: xr, count: columns)
            }
            let lse = maxAndLogSumExp(yr, count: columns).logSumExp
            for c in 0..<columns { yr[c] = lse == -.infinity ? -.infinity : yr[c] - lse }
        }
    }

    /// log_softmax over the last axis of `logits`; `mask` is nil, [V], or the shape of `logits`.
    public static func apply(_ logits: Tensor, mask: Tensor? = nil) -> Tensor {
        let columns = logits.shape.last ?? 1
        let rows = columns == 0 ? 0 : logits.count / columns
        precondition(mask == nil || mask!.shape == [columns] || mask!.shape == logits.shape,
                     "logSoftmax: mask \(mask!.shape) for logits \(logits.shape)")
        var y = logits
        y.withMutablePointer { py in
            if let mask {
                mask.withPointer {
                    forward(x: py, y: py, rows: rows, columns: columns, mask: $0,
                            maskStride: mask.shape == logits.shape ? columns : 0)
                }
            } else {
                forward(x: py, y: py, rows: rows, columns: columns)
            }
        }
        return y
    }
}

public enum CrossEntropyKernel {
    /// Computes every counted row's loss; saves lse per row in `logSumExp` (for backward) and returns
    /// the sums. Targets of counted rows must lie in 0..<classes.
    public static func forward(logits: UnsafePointer<Float>, targets: UnsafeBufferPointer<Int>, classes: Int,
                               ignoreIndex: Int?, labelSmoothing ε: Float,
                               logSumExp: UnsafeMutablePointer<Float>) -> CrossEntropyStats {
        var stats = CrossEntropyStats()
        for (r, target) in targets.enumerated() {
            logSumExp[r] = 0
            guard target != ignoreIndex else { continue }
            precondition(target >= 0 && target < classes, "crossEntropy: target \(target) outside 0..<\(classes)")
            let x = logits + r * classes
            let (maximum, lse) = LogSoftmaxKernel.maxAndLogSumExp(x, count: classes)
            logSumExp[r] = lse
            let nll = Double(lse - x[target])
            var loss = nll
            if ε != 0 {
                let meanLogit = ElementwiseKernel.sum(count: classes, x) / Float(classes)
                loss = Double(1 - ε) * nll + Double(ε) * Double(lse - meanLogit)
            }
            stats.lossSum += loss
            stats.nllSum += nll
            stats.tokens += 1
            if x[target] == maximum {   // correct when no earlier column reaches the max
                var first = 0
                while x[first] != maximum { first += 1 }
                if first == target { stats.correct += 1 }
            }
        }
        return stats
    }

    /// dLogits[r, v] += scale · (softmax[r, v] − ε/V − (1−ε)·[v = t_r]) for every counted row, the
    /// softmax recomputed from the saved lse.
    public static func backward(logits: UnsafePointer<Float>, targets: UnsafeBufferPointer<Int>, classes: Int,
                                ignoreIndex: Int?, labelSmoothing ε: Float, logSumExp: UnsafePointer<Float>,
                                scale: Float, dLogits: UnsafeMutablePointer<Float>) {
        let uniform = ε / Float(classes)
        for (r, target) in targets.enumerated() where target != ignoreIndex {
            let dx = dLogits + r * classes
            Kernels.current.softmaxGradientAdd(classes, logits + r * classes, lse: logSumExp[r], scale: scale, uniform: uniform, dx)
            dx[target] -= scale * (1 - ε)
        }
    }
}

extension Tape {
    /// Mean softmax cross-entropy over the rows whose target is not `ignoreIndex`, as PyTorch's
    /// `F.cross_entropy(logits, targets, ignore_index:, label_smoothing:)`; a scalar of shape [].
    /// When every row is ignored the loss is 0 with a zero gradient (PyTorch gives NaN).
    ///
    ///     let loss = tape.crossEntropy(logits: logits, targets: [4, 0, 2])   // logits [3, V], row 1 ignored
    public func crossEntropy(logits: Variable, targets: [Int], ignoreIndex: Int? = SpecialTokens.pad,
                             labelSmoothing: Float = 0) -> Variable {
        crossEntropyWithStats(logits: logits, targets: targets, ignoreIndex: ignoreIndex,
                              labelSmoothing: labelSmoothing).loss
    }

    /// `crossEntropy` plus the sums a trainer reports (loss, NLL, token count, argmax hits), at no
    /// extra pass over the logits.
    ///
    ///     let (loss, stats) = tape.crossEntropyWithStats(logits: logits, targets: targets, labelSmoothing: 0.1)
    ///     tape.backward(from: loss)
    ///     print(stats.perplexity, stats.accuracy)
    public func crossEntropyWithStats(logits: Variable, targets: [Int], ignoreIndex: Int? = SpecialTokens.pad,
                                      labelSmoothing: Float = 0) -> (loss: Variable, stats: CrossEntropyStats) {
        let classes = logits.shape.last ?? 0
        precondition(classes > 0 && logits.value.count == targets.count * classes,
                     "crossEntropy: logits \(logits.shape) for \(targets.count) targets")
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "crossEntropy: label smoothing \(labelSmoothing)")
        var logSumExp = [Float](repeating: 0, count: targets.count)
        let stats = logits.value.withPointer { px in
            targets.withUnsafeBufferPointer { pt in
                logSumExp.withUnsafeMutableBufferPointer {
                    CrossEntropyKernel.forward(logits: px, targets: pt, classes: classes, ignoreIndex: ignoreIndex,
                                               labelSmoothing: labelSmoothing, logSumExp: $0.baseAddress!)
                }
            }
        }
        let loss = stats.tokens == 0 ? 0 : Float(stats.lossSum / Double(stats.tokens))
        let output = Variable(Tensor(scalar: loss), requiresGrad: needsGrad(logits))
        guard output.requiresGrad else { return (output, stats) }
        record("crossEntropy") {
            guard let dy = output.grad?.scalar else { return }
            guard stats.tokens > 0 else { logits.withGradPointer { _ in }; return }   // an explicit zero gradient
            logits.value.withPointer { px in
                targets.withUnsafeBufferPointer { pt in
                    logSumExp.withUnsafeBufferPointer { plse in
                        logits.withGradPointer {
                            CrossEntropyKernel.backward(logits: px, targets: pt, classes: classes, ignoreIndex: ignoreIndex,
                                                        labelSmoothing: labelSmoothing, logSumExp: plse.baseAddress!,
                                                        scale: dy / Float(stats.tokens), dLogits: $0)
                        }
                    }
                }
            }
        }
        return (output, stats)
    }
}
