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

    public init(layers: Int, streams: Int, hidden: Int, cellState: Bool) {
        self.layers = layers; self.streams = streams; self.hidden = hidden
        let count = layers * streams * hidden
        h = .allocate(capacity: count); h.initialize(repeating: 0, count: count)
        c = cellState ? .allocate(capacity: count) : nil
        c?.initialize(repeating: 0, count: count)
    }

    deinit { h.deallocate(); c?.deallocate() }

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
