// The recurrent state carried from one BPTT batch to the next, one h (and, for the LSTM, c) per stream. Data-parallel shards
// read and write it concurrently, each its own rows only, so it lives in one fixed allocation that
// is never resized or copied while a step runs (a Swift array would copy on write, a data race).
// It is training state, not a parameter: it goes into checkpoints (for exact resume), not into
// model.safetensors.
import S2SCore

/// h (and c, with `cellState`) of L layers for S streams: [L, S, H] blocks.
///
///     let carried = CarriedState(layers: 2, streams: 64, hidden: 512, cellState: true)
///     let (h, c) = carried.read(rows: 0..<32)          // [2, 32, 512] each
///     carried.write(rows: 0..<32, h: hN, c: cN)         // after the batch
public final class CarriedState: @unchecked Sendable {
    public let layers: Int, streams: Int, hidden: Int
    private let h: UnsafeMutablePointer<Float>
    /// The LSTM's cell state; nil for cells without one.
    private let c: UnsafeMutablePointer<Float>?
    /// Per stream: written since the last `merge` (a distributed rank writes its own streams only).
    private let written: UnsafeMutablePointer<Bool>

    public init(layers: Int, streams: Int, hidden: Int, cellState: Bool) {
        self.layers = layers; self.streams = streams; self.hidden = hidden
        let count = layers * streams * hidden
        h = .allocate(capacity: count); h.initialize(repeating: 0, count: count)
        c = cellState ? .allocate(capacity: count) : nil
        c?.initialize(repeating: 0, count: count)
        written = .allocate(capacity: streams); written.initialize(repeating: false, count: streams)
    }

    deinit { h.deallocate(); c?.deallocate(); written.deallocate() }

    private var count: Int { layers * streams * hidden }

    /// The state of streams `rows`, as tensors [L, rows, H] (c nil without a cell state).
    public func read(rows: Range<Int>) -> (h: Tensor, c: Tensor?) {
        (gather(h, rows), c.map { gather($0, rows) })
    }

    /// Stores the final state [L, rows, H] of streams `rows`. A row whose state is not finite (a step
    /// that blew up, and that the trainer skips) restarts from zeros instead of poisoning the rest
    /// of the epoch.
    public func write(rows: Range<Int>, h newH: Tensor, c newC: Tensor?) {
        let shape = [layers, rows.count, hidden]
        precondition(newH.shape == shape && (c == nil ? newC == nil : newC?.shape == shape),
                     "CarriedState: state \(newH.shape), \(newC?.shape as Any) for \(shape)")
        let pc = newC?.scalars ?? []
        newH.withUnsafeBufferPointer { ph in
            for layer in 0..<layers {
                for (r, stream) in rows.enumerated() {
                    written[stream] = true
                    let source = (layer * rows.count + r) * hidden, target = (layer * streams + stream) * hidden
                    var finite = true
                    for k in 0..<hidden where !(ph[source + k].isFinite && (pc.isEmpty || pc[source + k].isFinite)) {
                        finite = false; break
                    }
                    for k in 0..<hidden { h[target + k] = finite ? ph[source + k] : 0 }
                    if let c { for k in 0..<hidden { c[target + k] = finite ? pc[source + k] : 0 } }
                }
            }
        }
    }

    /// Distributed runs, before a checkpoint: every stream a rank wrote since the last merge takes that
    /// rank's state on every rank (each stream belongs to one rank: its rows of every batch); the other
    /// streams keep the state they have, which every rank shares. `sum` adds a vector across the ranks.
    public func merge(sum: (inout [Float]) -> Void) {
        let states = c == nil ? 1 : 2, block = layers * hidden   // one stream's h (or c), all layers
        var vector = [Float](repeating: 0, count: streams * (1 + states * block))
        func each(_ stream: Int, _ body: (_ state: UnsafeMutablePointer<Float>, _ source: Int, _ offset: Int) -> Void) {
            for layer in 0..<layers {
                let source = (layer * streams + stream) * hidden, offset = streams + (stream * states) * block + layer * hidden
                body(h, source, offset)
                if let c { body(c, source, offset + block) }
            }
        }
        for stream in 0..<streams where written[stream] {
            vector[stream] = 1
            each(stream) { state, source, offset in for k in 0..<hidden { vector[offset + k] = state[source + k] } }
        }
        sum(&vector)
        for stream in 0..<streams where vector[stream] > 0 {
            each(stream) { state, target, offset in for k in 0..<hidden { state[target + k] = vector[offset + k] } }
        }
        written.update(repeating: false, count: streams)
    }

    /// Zeroes every stream's state.
    public func reset() {
        h.update(repeating: 0, count: count)
        c?.update(repeating: 0, count: count)
    }

    /// The whole state as named tensors [L, S, H] (for a checkpoint).
    public var tensors: [(name: String, tensor: Tensor)] {
        [("carried.h", gather(h, 0..<streams))] + (c.map { [("carried.c", gather($0, 0..<streams))] } ?? [])
    }

    /// Restores what `tensors` gave; the shapes must match.
    public func load(_ tensors: [String: Tensor]) throws {
        let shape = [layers, streams, hidden]
        for (name, target) in [("carried.h", h)] + (c.map { [("carried.c", $0)] } ?? []) {
            guard let tensor = tensors[name] else {
                throw LanguageModelError("the checkpoint holds no \(name) (the recurrent state carried between batches); resume needs a checkpoint written by train-lm with the same --cell")
            }
            guard tensor.shape == shape else {
                throw LanguageModelError("the checkpoint's \(name) has shape \(tensor.shape), this run needs \(shape) (resume with the same --batch-size and model settings)")
            }
            tensor.withUnsafeBufferPointer { target.update(from: $0.baseAddress!, count: count) }
        }
    }

    private func gather(_ source: UnsafeMutablePointer<Float>, _ rows: Range<Int>) -> Tensor {
        var out = Tensor(zeros: [layers, rows.count, hidden])
        out.withUnsafeMutableBufferPointer { p in
            for layer in 0..<layers {
                (p.baseAddress! + layer * rows.count * hidden)
                    .update(from: source + (layer * streams + rows.lowerBound) * hidden, count: rows.count * hidden)
            }
        }
        return out
    }
}
