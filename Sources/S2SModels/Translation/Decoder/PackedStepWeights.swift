// The weights one decoding step multiplies with, packed once in a precision below float32 (StepMatrix,
// S2SCore) so every step reads a half or a quarter of the bytes. Biases, embeddings, the encoder and the
// attention keys stay float32: they are read once per sentence or per token, not once per step for every
// weight. DecoderStepKernel reads these in place of the float32 matrices; a translator packs its own with
// `PackedStepWeights(translator)`.
import S2SCore

/// The step's weight matrices as bfloat16 or int8, packed from a translator's current parameters.
///
///     let packed = PackedStepWeights(translator, precision: .int8)
///     let search = translator.searchModel(sources: ids, packed: packed)
public final class PackedStepWeights: Sendable {
    /// Layer 0's W_ih split at the embedding: [G·H, E] (the token) and [G·H, H] (the input feed).
    package let embeddingInput: StepMatrix
    package let feedInput: StepMatrix
    /// Per layer: W_ih (nil for layer 0, which is split above) and W_hh, [G·H, H].
    package let input: [StepMatrix?]
    package let hidden: [StepMatrix]
    /// mlp attention's query weight [H, H], else nil.
    package let query: StepMatrix?
    /// linear_out [H, 2H] and the generator [V, H].
    package let out: StepMatrix
    package let generator: StepMatrix
    public let precision: WeightPrecision
    /// The translator these were packed from (another one's would multiply with the wrong weights).
    package let source: ObjectIdentifier

    /// Bytes of every packed matrix, and what the same matrices take as float32.
    public var byteCount: Int { all.reduce(0) { $0 + $1.byteCount } }
    public var float32ByteCount: Int { all.reduce(0) { $0 + 4 * $1.rows * $1.columns } }
    private var all: [StepMatrix] { [embeddingInput, feedInput, out, generator] + input.compactMap { $0 } + hidden + [query].compactMap { $0 } }

    /// Packs the decoder's step weights and the generator [V, H] in `precision` (bfloat16 or int8);
    /// `source` identifies their model.
    package init(decoder: AttentionDecoderParameters, generatorWeight: Variable, source: ObjectIdentifier,
                 precision: WeightPrecision) {
        precondition(precision.effective != .float32, "PackedStepWeights: float32 weights are used as they are")
        self.source = source
        self.precision = precision
        let H = decoder.hidden, E = decoder.embeddingSize
        func pack(_ variable: Variable, columns: Int? = nil, offset: Int = 0) -> StepMatrix {
            let shape = variable.value.shape
            return variable.value.withPointer {
                StepMatrix(precision, rows: shape[0], columns: columns ?? shape[1], $0, ldw: shape[1], columnOffset: offset)
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
