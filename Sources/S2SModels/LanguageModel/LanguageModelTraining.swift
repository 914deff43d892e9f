// What the shared trainer trains for a language model: the model plus the recurrent state carried between
// consecutive BPTT batches (truncated backpropagation through time). Each batch starts from the
// state its streams ended the previous batch with, detached (no gradient crosses the boundary), or
// from zeros at the start of an epoch. Data-parallel shards hold disjoint rows, so each reads and
// writes its own streams' state. The carried state is part of every checkpoint (`trainingState`), so
// a resumed run continues bit for bit.
import S2SCore
import S2SNN

/// A `TrainableModel` for `LanguageModel` over `StreamBatch`es.
///
///     let task = LanguageModelTraining(model: model, streams: 64)
///     let trainer = Trainer(model: task, optimizer: Adam(learningRate: 2e-3), schedule: .constant(2e-3),
///                           options: options, bundle: bundle)
///     try trainer.run(resume: false) { epoch in data.batches(epoch: epoch) }
public final class LanguageModelTraining: TrainableModel {
    public typealias Batch = StreamBatch
    public let model: LanguageModel
    public let carried: CarriedState

    /// `streams` is the batch size: one carried state per stream.
    public init(model: LanguageModel, streams: Int) {
        self.model = model
        carried = CarriedState(layers: model.config.layers, streams: streams, hidden: model.config.hiddenSize,
                               cellState: model.config.cell.hasCellState)
    }

    public var parameters: [(name: String, variable: Variable)] { model.namedParameters }

    public func loss(for batch: StreamBatch, tape: Tape) -> (loss: Variable, stats: LossStats) {
        let (inputs, targets) = batch.streams.block(rows: batch.rows, columns: batch.columns)
        var state: (h: Variable, c: Variable?)? = nil
        if !batch.resetsState {
            let (h, c) = carried.read(rows: batch.rows)
            state = (Variable(h), c.map { Variable($0) })   // plain values: no gradient into the previous batch
        }
        let out = model(ids: inputs, steps: batch.columns.count, batch: batch.rows.count, state: state, tape: tape)
        carried.write(rows: batch.rows, h: out.h.value, c: out.c?.value)
        let (loss, stats) = tape.crossEntropyWithStats(logits: out.logits, targets: targets, ignoreIndex: nil)
        return (loss, LossStats(lossSum: stats.nllSum, units: stats.tokens, correct: stats.correct))
    }

    public var trainingState: [(name: String, tensor: Tensor)] { carried.tensors }

    public func restoreTrainingState(_ tensors: [String: Tensor]) throws { try carried.load(tensors) }

    public func mergeTrainingState(sum: (inout [Float]) -> Void) { carried.merge(sum: sum) }
}
