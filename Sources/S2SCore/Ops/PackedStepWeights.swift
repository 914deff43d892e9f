// The weights one decoding step multiplies with, packed once as bfloat16 (`WeightPrecision.bfloat16`)
// so every step reads half the bytes. Biases, embeddings, the encoder and the attention keys stay
// float32: they are read once per sentence or per token, not once per step for every weight.
// DecoderStepKernel reads these in place of the float32 matrices; a translator packs its own with
// `PackedStepWeights(translator)` (S2SModels).

/// How the weights of a decoding step are stored at inference.
public enum WeightPrecision: String, CaseIterable, Sendable {
    /// The trained weights as they are: translations identical to the float32 reference.
    case float32
    /// Rounded to bfloat16 (8 significant bits), sums in float32: faster beam search at small batches,
    /// translations that may differ from float32's in a few words.
    case bfloat16
}

/// The step's weight matrices as bfloat16, packed from a translator's current parameters.
///
///     let packed = PackedStepWeights(translator)
///     let search = translator.searchModel(sources: ids, packed: packed)
public final class PackedStepWeights: Sendable {
    /// Layer 0's W_ih split at the embedding: [G·H, E] (the token) and [G·H, H] (the input feed).
    package let embeddingInput: BFloat16Matrix
    package let feedInput: BFloat16Matrix
    /// Per layer: W_ih (nil for layer 0, which is split above) and W_hh, [G·H, H].
    package let input: [BFloat16Matrix?]
    package let hidden: [BFloat16Matrix]
    /// mlp attention's query weight [H, H], else nil.
    package let query: BFloat16Matrix?
    /// linear_out [H, 2H] and the generator [V, H].
    package let out: BFloat16Matrix
    package let generator: BFloat16Matrix
    /// The translator these were packed from (another one's would multiply with the wrong weights).
    package let source: ObjectIdentifier

    /// Packs the decoder's step weights and the generator [V, H]; `source` identifies their model.
    package init(decoder: AttentionDecoderParameters, generatorWeight: Variable, source: ObjectIdentifier) {
        self.source = source
        let H = decoder.hidden, E = decoder.embeddingSize
        func pack(_ variable: Variable, columns: Int? = nil, offset: Int = 0) -> BFloat16Matrix {
            let shape = variable.value.shape
            return variable.value.withPointer {
                BFloat16Matrix(rows: shape[0], columns: columns ?? shape[1], $0, ldw: shape[1], columnOffset: offset)
            }
        }
        embeddingInput = pack(decoder.layers[0].weightIH, columns: E)
        feedInput = pack(decoder.layers[0].weightIH, columns: H, offset: E)
        input = decoder.layers.enumerated().map { $0.offset == 0 ? nil : pack($0.element.weightIH) }
        hidden = decoder.layers.map { pack($0.weightHH) }
        if case .mlp(let queryWeight, _, _, _, _) = decoder.score { query = pack(queryWeight) } else { query = nil }
        out = pack(decoder.outWeight)
        generator = pack(generatorWeight)
    }
}
