// The sentence classifier: the shared encoder (embedding → dropout → (bi)LSTM, GRU or RNN) plus a classification
// head (pooling over time → dropout → linear), trained with softmax cross-entropy. No second LSTM: the
// tutorial's "classify from the last state" is `Pooling.last` over the same fused LSTM layer the
// translator uses. This file knows nothing about training beyond `TrainableModel`.
//
// Shapes: ids time-major [T·B], lengths [B], encoder outputs [T, B, D·H], pooled [B, D·H], logits [B, C].
// Parameters (torch names): encoder.embedding.weight, encoder.rnn.weight_ih_l0, …, for attention pooling
// pool.proj.weight [A, D·H], pool.proj.bias [A], pool.score.weight [1, A]; output.weight [C, D·H],
// output.bias [C].
import S2SCore
import S2SNN
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Embedding + recurrent encoder + pooling + linear output layer.
///
///     var rng = Generator(seed: 1)
///     let model = ClassificationModel(config: ClassificationConfig(vocabularySize: 5000, classes: 3), rng: &rng)
///     let probabilities = model.probabilities([[5, 17, 9], [8, 4]])   // [2, 3], rows sum to 1
public final class ClassificationModel: Layer, TrainableModel {
    public typealias Batch = ClassificationBatch

    public let config: ClassificationConfig
    public let encoder: Encoder
    /// Attention pooling's scorer: score_t = score · tanh(proj(h_t)); nil for other poolings.
    public let attentionProjection: Linear?, attentionScore: Linear?
    public let output: Linear
    /// Per-class loss weights (mean 1 over the training rows for "balanced"); nil = unweighted.
    public var classWeights: [Float]?
    /// Label smoothing ε of the training loss.
    public var labelSmoothing: Float = 0

    public init(config: ClassificationConfig, rng: inout Generator) {
        precondition(config.problem == nil, "ClassificationModel: \(config.problem!)")
        self.config = config
        encoder = Encoder(cell: config.cell, vocabularySize: config.vocabularySize, embeddingSize: config.embeddingSize,
                          hiddenSize: config.hiddenSize, layers: config.layers, bidirectional: config.bidirectional,
                          dropout: config.dropout, rng: &rng)
        let width = encoder.outputSize
        if config.pooling == .attention {
            attentionProjection = Linear(inputs: width, outputs: config.attentionSize, rng: &rng)
            attentionScore = Linear(inputs: config.attentionSize, outputs: 1, bias: false, rng: &rng)
        } else {
            (attentionProjection, attentionScore) = (nil, nil)
        }
        output = Linear(inputs: width, outputs: config.classes, rng: &rng)
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        var result = encoder.namedParameters(prefix: "encoder")
        if let attentionProjection, let attentionScore {
            result += attentionProjection.namedParameters(prefix: "pool.proj") + attentionScore.namedParameters(prefix: "pool.score")
        }
        return result + output.namedParameters(prefix: "output")
    }

    public var parameters: [(name: String, variable: Variable)] { namedParameters }

    /// Unnormalised class scores [B, C] for a time-major batch (see `timeMajor`).
    ///
    ///     let (ids, lengths, _) = timeMajor(sequences)
    ///     let logits = model.logits(ids: ids, lengths: lengths, tape: Tape(recording: false))
    public func logits(ids: [Int], lengths: [Int], tape: Tape) -> Variable {
        let (outputs, h, _) = encoder(ids: ids, lengths: lengths, tape: tape)
        let pooled = pool(outputs, finalStates: h, lengths: lengths, tape: tape)
        return output(tape.dropout(pooled, probability: config.dropout), tape: tape)
    }

    /// One vector per sentence, [B, D·H].
    func pool(_ outputs: Variable, finalStates h: Variable, lengths: [Int], tape: Tape) -> Variable {
        switch config.pooling {
        case .last:
            // h is [L·D, B, H]; the last layer's directions are its final D rows.
            let D = encoder.rnn.directions, L = config.layers, B = lengths.count
            let top = L == 1 ? h : tape.slice(h, range: (L - 1) * D..<L * D, axis: 0)
            return D == 1 ? tape.reshape(top, to: [B, config.hiddenSize])
                          : tape.reshape(tape.transposeLeadingAxes(top), to: [B, D * config.hiddenSize])
        case .max:
            return tape.maxPool(outputs, lengths: lengths)
        case .mean:
            return tape.meanPool(outputs, lengths: lengths)
        case .attention:
            let T = outputs.shape[0], B = outputs.shape[1]
            let projected = tape.tanh(attentionProjection!(outputs, tape: tape))            // [T, B, A]
            let scores = tape.reshape(attentionScore!(projected, tape: tape), to: [T, B])   // [T, B]
            return tape.attentionPool(outputs, scores: scores, lengths: lengths).pooled
        }
    }

    public func loss(for batch: ClassificationBatch, tape: Tape) -> (loss: Variable, stats: LossStats) {
        let (ids, lengths, _) = timeMajor(batch.sequences)
        let logits = logits(ids: ids, lengths: lengths, tape: tape)
        let (loss, stats) = tape.weightedCrossEntropy(logits: logits, targets: batch.labels, classWeights: classWeights,
                                                      labelSmoothing: labelSmoothing)
        return (loss, LossStats(lossSum: stats.lossSum, units: stats.tokens, correct: stats.correct))
    }

    /// Class probabilities [B, C] of token-id sequences (inference: no dropout, nothing recorded).
    /// Sequences may be empty (the prediction then rests on the biases alone). With `projections` (built
    /// from the current weights) the first layer's input projection is looked up instead of computed.
    ///
    ///     model.probabilities([[5, 17, 9]]).scalars   // e.g. [0.91, 0.06, 0.03]
    public func probabilities(_ sequences: [[Int]], projections: EmbeddingProjections? = nil) -> Tensor {
        guard !sequences.isEmpty else { return Tensor(zeros: [0, config.classes]) }
        let (ids, lengths, _) = timeMajor(sequences)
        let tape = Tape(recording: false)
        tape.isRowStable = true   // a line's probabilities alone and in any batch: the same bits
        let scores = projections.map { self.logits(ids: ids, lengths: lengths, projections: $0, tape: tape) }
            ?? self.logits(ids: ids, lengths: lengths, tape: tape)
        var result = LogSoftmaxKernel.apply(scores.value)
        result.withUnsafeMutableBufferPointer { p in for i in 0..<p.count { p[i] = expf(p[i]) } }
        return result
    }
}
