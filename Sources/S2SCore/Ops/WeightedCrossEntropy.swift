// Softmax cross-entropy with a weight per class, for classifiers trained on unbalanced labels:
//     loss = Σ_i w[y_i] · ℓ_i / N,   ℓ_i = (1−ε)·(lse_i − x_i[y_i]) + ε·(lse_i − mean_c x_i[c])
// The mean is over the N rows, not over Σ w (PyTorch's `weight=` divides by Σ w): with weights whose
// mean over the training rows is 1 ("balanced": w[c] = N / (C·n_c)) the two agree on average, and this
// form keeps a batch cut into shards exactly the sum of its shards' losses, which the data-parallel
// trainer relies on. With no weights it is `crossEntropy` (ε as PyTorch's label smoothing).
// Shapes: logits [N, C], targets N ids in 0..<C, classWeights C (or nil).

extension Tape {
    /// Mean class-weighted cross-entropy over all rows (no ignored rows), and the statistics a trainer
    /// reports: `lossSum` is Σ w·ℓ, `nllSum` the unweighted Σ −log p(target), `correct` the argmax hits.
    ///
    ///     let (loss, stats) = tape.weightedCrossEntropy(logits: logits, targets: [0, 2, 1],
    ///                                                   classWeights: [0.5, 1.6, 2.1])
    ///     tape.backward(from: loss)
    ///
    /// Complexity: O(N·C) forward and backward.
    public func weightedCrossEntropy(logits: Variable, targets: [Int], classWeights: [Float]?,
                                     labelSmoothing: Float = 0) -> (loss: Variable, stats: CrossEntropyStats) {
        let C = logits.shape.last ?? 0, N = targets.count
        precondition(logits.shape.count == 2 && logits.shape[0] == N && C > 0,
                     "weightedCrossEntropy: logits \(logits.shape) for \(N) targets")
        precondition(classWeights == nil || classWeights!.count == C,
                     "weightedCrossEntropy: \(classWeights!.count) class weights for \(C) classes")
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "weightedCrossEntropy: label smoothing \(labelSmoothing)")
        guard let classWeights else {
            // Unweighted: the fused op with no ignored rows is exactly this loss.
            return crossEntropyWithStats(logits: logits, targets: targets, ignoreIndex: nil, labelSmoothing: labelSmoothing)
        }
        var logSumExp = [Float](repeating: 0, count: N)
        var stats = CrossEntropyStats()
        logits.value.withPointer { px in
            for (r, target) in targets.enumerated() {
                precondition(target >= 0 && target < C, "weightedCrossEntropy: target \(target) outside 0..<\(C)")
                // One row at a time through the fused kernel: it gives lse, the smoothed loss, NLL and the hit.
                let row = withUnsafePointer(to: target) { pt in
                    CrossEntropyKernel.forward(logits: px + r * C, targets: UnsafeBufferPointer(start: pt, count: 1), classes: C,
                                               ignoreIndex: nil, labelSmoothing: labelSmoothing, logSumExp: &logSumExp[r])
                }
                stats.lossSum += Double(classWeights[target]) * row.lossSum
                stats.nllSum += row.nllSum
                stats.tokens += 1
                stats.correct += row.correct
            }
        }
        let output = Variable(Tensor(scalar: N == 0 ? 0 : Float(stats.lossSum / Double(N))), requiresGrad: needsGrad(logits))
        guard output.requiresGrad else { return (output, stats) }
        record("weightedCrossEntropy") {
            guard let dy = output.grad?.scalar, N > 0 else { return }
            logits.value.withPointer { px in
                logSumExp.withUnsafeBufferPointer { plse in
                    logits.withGradPointer { dx in
                        for (r, target) in targets.enumerated() {
                            withUnsafePointer(to: target) { pt in
                                CrossEntropyKernel.backward(logits: px + r * C, targets: UnsafeBufferPointer(start: pt, count: 1),
                                                            classes: C, ignoreIndex: nil, labelSmoothing: labelSmoothing,
                                                            logSumExp: plse.baseAddress! + r,
                                                            scale: dy * classWeights[target] / Float(N), dLogits: dx + r * C)
                            }
                        }
                    }
                }
            }
        }
        return (output, stats)
    }
}
