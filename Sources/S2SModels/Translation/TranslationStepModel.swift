// Inference for the translator: encode a batch of sentences once (memory, attention keys, the
// decoder's initial state), then decode one step at a time for any rows the search keeps — the
// StepModel shape greedy and beam search are written against. Every product is row-stable — the
// encoder's (a row-stable tape), the attention keys' and the steps' all go through DotGEMM — so a
// sentence translates the same alone or in any batch.
// Shapes: N rows (hypotheses), S source steps, Bm memory rows, H decoder size, V target vocabulary.
import S2SCore
import S2SDecoding
import S2SNN
import S2SText

/// The state of N hypotheses: each row's recurrent states, input feed and the source row it attends over.
public struct TranslationDecoderState {
    public let rows: Int
    let h: [FloatBuffer], c: [FloatBuffer]   // per layer [N, H]; c: the LSTM's (empty for the other cells)
    let feed: FloatBuffer                     // [N, H]
    /// Row n attends over memory row source[n].
    public let source: [Int]
}

/// A batch of encoded sentences, ready to decode step by step.
///
///     let search = model.searchModel(sources: [[5, 6, 7], [8, 9]])
///     var state = search.initialState
///     let (logProbs, attention, next) = search.step(tokens: [SpecialTokens.bos, SpecialTokens.bos], state: state)
///     // logProbs [2, V] (log-softmaxed), attention [2, 3]
///     state = search.select(next, rows: [1, 1, 0])   // keep row 1 twice, then row 0
public struct TranslationStepModel {
    public let model: TranslationModel
    /// Sentences encoded (the memory may hold extra empty rows).
    public let sentences: Int
    public let sourceLengths: [Int]
    let memory: Tensor        // [S, Bm, H]
    let keys: Tensor?         // [S, Bm, H]
    let memoryLengths: [Int]  // [Bm]
    /// The step's weights as bfloat16, or nil to use the float32 parameters.
    let packed: PackedStepWeights?
    public let initialState: TranslationDecoderState

    public var vocabularySize: Int { model.config.targetVocabularySize }
    /// S, the width of the attention rows.
    public var sourceSteps: Int { memory.shape[0] }

    /// One step for N rows: `tokens` are the previous tokens (bos at the first step). Returns
    /// log-probabilities [N, V], attention weights [N, S] and the new state. Row n depends only on
    /// row n of the input.
    public func step(tokens: [Int], state: TranslationDecoderState) -> (logProbs: Tensor, attention: Tensor?, state: TranslationDecoderState) {
        let N = tokens.count, L = model.config.layers, H = model.hiddenSize, E = model.config.targetEmbeddingSize
        let cell = model.config.cell, G = cell.gates * H, S = sourceSteps, V = vocabularySize
        precondition(N == state.rows, "translator step: \(N) tokens for \(state.rows) rows")
        let h = (0..<L).map { _ in FloatBuffer(count: N * H) }
        let c = cell.hasCellState ? (0..<L).map { _ in FloatBuffer(count: N * H) } : []
        let feed = FloatBuffer(count: N * H)
        var attention = Tensor(shape: [N, S], scalars: .uninitialized(N * S))
        var logProbs = Tensor(shape: [N, V], scalars: .uninitialized(N * V))
        guard N > 0 else { return (logProbs, attention, TranslationDecoderState(rows: 0, h: h, c: c, feed: feed, source: [])) }
        let gates = (0..<L).map { _ in FloatBuffer(count: N * G) }
        let tanhC = cell.gates == 1 ? [] : (0..<L).map { _ in FloatBuffer(count: N * H) }   // LSTM tanh(c), GRU u_n
        let recurrent = cell == .gru ? FloatBuffer(count: N * G) : nil
        let inputs: [FloatBuffer?] = (0..<L).map { $0 == 0 ? nil : FloatBuffer(count: N * H) }
        let contextQuery = FloatBuffer(count: N * 2 * H)
        let isMLP: Bool = if case .mlp = model.attention.type { true } else { false }
        let projectedQuery = isMLP ? FloatBuffer(count: N * H) : nil
        let activations = isMLP ? FloatBuffer(count: S * H) : nil
        let embedded = FloatBuffer(count: N * E)
        model.targetEmbedding.weight.value.withPointer { table in
            for (n, token) in tokens.enumerated() {
                precondition(token >= 0 && token < V, "translator step: token \(token) outside 0..<\(V)")
                embedded[n * E].update(from: table + token * E, count: E)
            }
        }
        model.decoderParameters.withWeightPointers { weights in
            var w = weights
            w.packed = packed
            if let packed {
                DotGEMM.gemm(m: N, embedded.pointer, lda: E, packed.embeddingInput, beta: 0, gates[0].pointer, ldc: G)
            } else {
                DotGEMM.gemm(m: N, n: G, k: E, embedded.pointer, lda: E, w.inputWeights[0], ldb: E + H,
                             beta: 0, gates[0].pointer, ldc: G)
            }
            withPointers([memory, keys ?? memory]) { p in
                memoryLengths.withUnsafeBufferPointer { lengths in
                    state.source.withUnsafeBufferPointer { source in
                        attention.withMutablePointer { a in
                            let slots = DecoderStepSlots(
                                gates: gates.map(\.pointer), hPrev: state.h.map { UnsafePointer($0.pointer) },
                                cPrev: state.c.map { UnsafePointer($0.pointer) }, h: h.map(\.pointer), c: c.map(\.pointer),
                                tanhC: tanhC.map(\.pointer), recurrent: recurrent?.pointer, layerInput: inputs.map { $0?.pointer },
                                layerMask: Array(repeating: nil, count: L), feed: state.feed.pointer,
                                attention: a, contextQuery: contextQuery.pointer,
                                projectedQuery: projectedQuery?.pointer, activations: activations?.pointer, activationStride: 0,
                                y: feed.pointer, output: feed.pointer, outputMask: nil)
                            DecoderStepKernel.forward(
                                weights: w, memory: DecoderMemoryPointers(memory: p[0], keys: p[1], lengths: lengths.baseAddress!,
                                                                          steps: S, rows: memoryLengths.count),
                                rows: N, source: source.baseAddress!, stable: true, slots: slots)
                        }
                    }
                }
            }
        }
        model.generatorWeight.value.withPointer { weight in
            model.generatorBias.value.withPointer { bias in
                logProbs.withMutablePointer { y in
                    for n in 0..<N { (y + n * V).update(from: bias, count: V) }
                    if let packed {
                        DotGEMM.gemm(m: N, feed.pointer, lda: H, packed.generator, beta: 1, y, ldc: V)
                    } else {
                        DotGEMM.gemm(m: N, n: V, k: H, feed.pointer, lda: H, weight, ldb: H, beta: 1, y, ldc: V)
                    }
                    LogSoftmaxKernel.forward(x: y, y: y, rows: N, columns: V)
                }
            }
        }
        return (logProbs, attention, TranslationDecoderState(rows: N, h: h, c: c, feed: feed, source: state.source))
    }

    /// The state of the given rows, in that order (rows may repeat).
    public func select(_ state: TranslationDecoderState, rows: [Int]) -> TranslationDecoderState {
        let H = model.hiddenSize, N = rows.count
        func gather(_ buffer: FloatBuffer) -> FloatBuffer {
            let out = FloatBuffer(count: N * H)
            for (n, row) in rows.enumerated() { out[n * H].update(from: buffer[row * H], count: H) }
            return out
        }
        return TranslationDecoderState(rows: N, h: state.h.map(gather), c: state.c.map(gather), feed: gather(state.feed),
                                      source: rows.map { state.source[$0] })
    }
}

extension TranslationModel {
    /// Encodes sentences (source ids without bos/eos; empty ones allowed) for step-by-step decoding.
    /// Row b of the initial state is sentence b. With `packed` (made once from this model), the steps
    /// multiply with its bfloat16 weights.
    public func searchModel(sources: [[Int]], packed: PackedStepWeights? = nil) -> TranslationStepModel {
        let B = sources.count, H = hiddenSize, L = config.layers
        precondition(packed.map { $0.source == ObjectIdentifier(self) } ?? true, "searchModel: packed weights of another translator")
        for sentence in sources {
            for id in sentence { precondition(id >= 0 && id < config.sourceVocabularySize, "source id \(id) outside the vocabulary") }
        }
        let padded = sources.isEmpty ? [[]] : sources   // the encoder runs on one row at least
        let (ids, lengths, _) = timeMajor(padded)
        let tape = Tape(recording: false, training: false)
        tape.isRowStable = true
        let (memory, hN, cN) = encode(ids: ids, lengths: lengths, tape: tape)
        let keys = decoderParameters.keys(memory: memory.value, stable: true)
        func rows(_ state: Tensor) -> [FloatBuffer] {   // [L, Bm, H] → per layer the first B rows
            let Bm = padded.count
            return (0..<L).map { l in
                let out = FloatBuffer(count: B * H)
                state.withPointer { out.pointer.update(from: $0 + l * Bm * H, count: B * H) }
                return out
            }
        }
        let initial = TranslationDecoderState(rows: B, h: rows(hN.value), c: cN.map { rows($0.value) } ?? [],
                                             feed: FloatBuffer(count: B * H, zeroed: true), source: Array(0..<B))
        return TranslationStepModel(model: self, sentences: B, sourceLengths: sources.map(\.count), memory: memory.value,
                                     keys: keys, memoryLengths: lengths, packed: packed, initialState: initial)
    }
}

extension PackedStepWeights {
    /// The step weights of `model` in a precision below float32 (the packing in Translation/Decoder/PackedStepWeights.swift, the kernels in S2SCore).
    public convenience init(_ model: TranslationModel, precision: WeightPrecision = .bfloat16) {
        self.init(decoder: model.decoderParameters, generatorWeight: model.generatorWeight, source: ObjectIdentifier(model),
                  precision: precision)
    }
}

/// Greedy and beam search (S2SDecoding) drive the translator through this.
extension TranslationStepModel: StepModel {}

extension TranslationStepModel {
    /// Greedy outputs (ids without bos/eos) of every sentence, at most `maxLengths[b]` tokens each.
    ///
    ///     let outputs = model.searchModel(sources: ids).greedy(maxLengths: ids.map { 2 * $0.count + 5 })
    public func greedy(maxLengths: [Int]) -> [[Int]] {
        GreedySearch().decode(self, initialState: initialState, maxLengths: maxLengths).map(\.tokens)
    }
}
