// The autodiff tape: ops record a backward closure as they run forward; `backward(from:)` replays the
// closures in reverse. Ops are coarse and fused (a whole LSTM layer is one entry), so the tape stays
// short and its overhead is nothing next to the GEMMs.

/// Records the backward pass of a forward computation.
///
///     let tape = Tape()
///     let y = tape.linear(x, weight: w, bias: b)
///     let loss = tape.crossEntropy(logits: y, targets: t)
///     tape.backward(from: loss)       // w.grad and b.grad now hold d(loss)/d(w), d(loss)/d(b)
///
/// A tape made with `recording: false` runs the same ops for inference and keeps nothing.
public final class Tape {
    public let isRecording: Bool
    /// Training mode switches dropout on; inference tapes never drop.
    public var isTraining: Bool
    /// The generator that dropout masks are drawn from.
    public var rng: Generator
    /// Inference whose rows must not depend on each other to the bit (beam search: a sentence alone or
    /// in a batch; a line classified alone or with others): the recurrent layers' and `linear`'s
    /// products go through DotGEMM, whose sums do not depend on the number of rows, instead of BLAS,
    /// whose path changes with the number of rows.
    public var isRowStable = false

    private var entries: [(op: String, backward: () -> Void)] = []

    public init(recording: Bool = true, training: Bool? = nil, rng: Generator = Generator(seed: 0)) {
        self.isRecording = recording
        Allocator.keepLargeBuffers
        self.isTraining = training ?? recording
        self.rng = rng
    }

    /// Number of recorded ops.
    public var count: Int { entries.count }

    /// Whether an op with these inputs must record its backward pass.
    public func needsGrad(_ inputs: Variable?...) -> Bool { needsGrad(inputs) }

    public func needsGrad(_ inputs: [Variable?]) -> Bool {
        isRecording && inputs.contains { $0?.requiresGrad == true }
    }

    /// Records `backward` under the op's name; it runs once, during `backward(from:)`.
    public func record(_ op: String, _ backward: @escaping () -> Void) {
        precondition(isRecording, "recording \(op) on a tape made with recording: false")
        entries.append((op, backward))
    }

    /// Seeds d(loss)/d(loss) = 1 (or `seed`) and runs every recorded backward closure in reverse order.
    /// Each closure is dropped as soon as it has run, releasing the activations only it held while the
    /// rest of backward runs — the parameter gradients made later reuse that memory.
    public func backward(from loss: Variable, seed: Tensor? = nil) {
        loss.accumulateGrad(seed ?? Tensor(repeating: 1, shape: loss.shape))
        while let entry = entries.popLast() { entry.backward() }
    }

    /// Names of the recorded ops, oldest first (for tests and debugging).
    public var recordedOps: [String] { entries.map(\.op) }
}
