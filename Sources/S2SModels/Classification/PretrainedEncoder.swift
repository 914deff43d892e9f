// Starting a classifier from a language model (ULMFiT-style): the classifier's encoder and the LM's
// are the same `Encoder` type with the same parameter names (embedding.weight, rnn.weight_ih_l0, …),
// so the LM's weights are copied name by name. A bidirectional classifier gets the LM's weights in its
// forward direction; the reverse direction (…_reverse), the pooling scorer and the output layer keep
// their fresh initialisation. The LM's output projection is not used.
import S2SCore
import S2SNN

extension ClassificationModel {
    /// The shape a classifier must have to start from `lm`: its vocabulary, cell, embedding size, hidden
    /// size and layers; the rest of `config` (classes, direction, dropout, pooling) is kept. Throws for a
    /// bidirectional encoder of two or more layers: its upper layers read both directions, 2·hidden wide,
    /// where the language model's read one.
    public static func config(_ config: ClassificationConfig, startingFrom lm: LanguageModelConfig) throws(PretrainedEncoderError) -> ClassificationConfig {
        if config.bidirectional && lm.layers > 1 {
            throw PretrainedEncoderError(name: "rnn.weight_ih_l1", problem: "the language model has \(lm.layers) layers, and the upper layers of a "
                                         + "bidirectional classifier read both directions (use --no-bidirectional, or a one-layer language model)")
        }
        var result = config
        result.vocabularySize = lm.vocabularySize
        result.cell = lm.cell
        result.embeddingSize = lm.embeddingSize
        result.hiddenSize = lm.hiddenSize
        result.layers = lm.layers
        return result
    }

    /// Copies every encoder weight of `lm` into this model's encoder (built from `config(_:startingFrom:)`).
    /// Returns the names copied; throws naming the first parameter this encoder lacks or holds in another shape.
    @discardableResult
    public func startEncoder(from lm: LanguageModel) throws(PretrainedEncoderError) -> [String] {
        let mine = Dictionary(uniqueKeysWithValues: encoder.namedParameters.map { ($0.name, $0.variable) })
        let pairs = lm.encoder.namedParameters
        for (name, source) in pairs {   // all checked before any is copied: a refused model is left as it was
            guard let target = mine[name] else { throw PretrainedEncoderError(name: name, problem: "the classifier's encoder has no such parameter") }
            guard target.value.shape == source.value.shape else {
                throw PretrainedEncoderError(name: name, problem: "shape \(source.value.shape) in the language model, \(target.value.shape) in the classifier")
            }
        }
        for (name, source) in pairs { mine[name]!.value = source.value }
        return pairs.map(\.name)
    }
}

/// A language model whose encoder cannot start a classifier.
public struct PretrainedEncoderError: Error, CustomStringConvertible, Sendable {
    public var name: String
    public var problem: String
    public var description: String { "encoder parameter \(name): \(problem)" }
}
