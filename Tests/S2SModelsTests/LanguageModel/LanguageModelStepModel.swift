// The oracle for `LanguageModelGenerator` (the language model's StepModel, the one `s2s generate` runs):
// the same StepModel written the obvious way, on the model's own tape ops, for the tests. Each step is a T = 1 forward pass on an inference tape; the state is the network's h (and the LSTM's
// c) per row.
import S2SCore
import S2SDecoding
@testable import S2SModels

/// `LanguageModel` seen as a `StepModel`; state h, c [L, N, H] (zeros for a new row; c nil unless the
/// cell has one).
///
///     let lm = LanguageModelStepModel(model: model)
///     let outputs = GreedySearch().decode(lm, initialState: lm.initialState(rows: 1), maxLengths: [50])
public struct LanguageModelStepModel: StepModel {
    public struct State {
        public var h: Tensor
        public var c: Tensor?
    }

    public let model: LanguageModel

    public init(model: LanguageModel) { self.model = model }

    public var vocabularySize: Int { model.config.vocabularySize }

    /// Zero states for `rows` sequences.
    public func initialState(rows: Int) -> State {
        let shape = [model.config.layers, rows, model.config.hiddenSize]
        return State(h: Tensor(zeros: shape), c: model.config.cell.hasCellState ? Tensor(zeros: shape) : nil)
    }

    public func step(tokens: [Int], state: State) -> (logProbs: Tensor, attention: Tensor?, state: State) {
        let tape = Tape(recording: false)
        let out = model(ids: tokens, steps: 1, batch: tokens.count, state: (Variable(state.h), state.c.map { Variable($0) }), tape: tape)
        return (LogSoftmaxKernel.apply(out.logits.value), nil, State(h: out.h.value, c: out.c?.value))
    }

    public func select(_ state: State, rows: [Int]) -> State {
        State(h: Self.rows(rows, of: state.h), c: state.c.map { Self.rows(rows, of: $0) })
    }

    /// [L, N, H] → [L, rows.count, H], rows in the given order.
    private static func rows(_ rows: [Int], of tensor: Tensor) -> Tensor {
        let (layers, n, hidden) = (tensor.shape[0], tensor.shape[1], tensor.shape[2])
        var out = Tensor(zeros: [layers, rows.count, hidden])
        tensor.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for layer in 0..<layers {
                    for (i, row) in rows.enumerated() {
                        (target.baseAddress! + (layer * rows.count + i) * hidden)
                            .update(from: source.baseAddress! + (layer * n + row) * hidden, count: hidden)
                    }
                }
            }
        }
        return out
    }
}
