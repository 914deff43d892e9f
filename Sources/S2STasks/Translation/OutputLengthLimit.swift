// How long a translation may grow: the one rule beam search, greedy validation and the engine share.

/// At most ⌊`ratio` × source tokens⌋ + 5 output tokens (eos included), and never more than `cap` —
/// OpenNMT-py's `min(max_length, src_len × max_length_ratio + 5)`, with one difference: s2s applies
/// it to each sentence's own length, where OpenNMT-py takes its batch's longest source, so that a
/// sentence's translation never depends on the sentences decoded beside it.
public struct OutputLengthLimit: Sendable, Equatable {
    public var ratio: Double
    public var cap: Int?

    public init(ratio: Double = 2.0, cap: Int? = nil) {
        self.ratio = ratio; self.cap = cap
    }

    /// The limit for a source of `sourceLength` tokens.
    public func tokens(sourceLength: Int) -> Int {
        let byRatio = Int((ratio * Double(sourceLength)).rounded(.down)) + 5
        return cap.map { min($0, byRatio) } ?? byRatio
    }
}
