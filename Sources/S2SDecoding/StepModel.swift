// StepModel: what a model offers to be decoded — one step of next-token log-probabilities for a batch
// of hypotheses, and a way to keep only some rows of its state. Greedy search, beam search and
// sampling are written against this protocol only; the translator's decoder and the language model
// implement it. The special token ids (bos to start, eos to stop) are S2SCore's `SpecialTokens`.
// Shapes: N hypotheses (rows), V vocabulary, S source steps.

import S2SCore

/// A model that can be decoded one token at a time.
///
///     struct Bigram: StepModel {          // state: nothing but the batch size
///         let table: Tensor                // [V, V] log-probabilities, row = previous token
///         var vocabularySize: Int { table.shape[1] }
///         func step(tokens: [Int], state: Int) -> (logProbs: Tensor, attention: Tensor?, state: Int) {
///             let v = vocabularySize
///             let rows = tokens.flatMap { table.scalars[($0 * v)..<($0 * v + v)] }
///             return (Tensor(shape: [tokens.count, v], scalars: rows), nil, tokens.count)
///         }
///         func select(_ state: Int, rows: [Int]) -> Int { rows.count }
///     }
///
/// Rows must be independent: row r of the output may depend only on row r of the input (token and
/// state), never on the other rows or on N. Decoders rely on this to give a sentence the same result
/// alone or in any batch.
///
/// A translator's State can keep the encoder memory and attention keys once per sentence, plus a
/// row → sentence index: `select` then gathers only the recurrent state (h, c, input feed) and remaps
/// the index, so beams share their sentence's memory instead of copying it.
public protocol StepModel {
    associatedtype State

    /// V, the width of `logProbs`.
    var vocabularySize: Int { get }

    /// One step for N hypotheses: the previous token of each (N ids; `SpecialTokens.bos` at the
    /// first step) and their states → log-probabilities [N, V] of the next token (already
    /// log-softmaxed), optional attention weights [N, S], and the new states.
    func step(tokens: [Int], state: State) -> (logProbs: Tensor, attention: Tensor?, state: State)

    /// The state of the given rows, in that order (rows may repeat): beam search keeps its
    /// survivors with it. `rows` is never empty.
    func select(_ state: State, rows: [Int]) -> State
}
