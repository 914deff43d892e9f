// Scoring a text with a language model: the text laid out as a few long contiguous streams, each read
// in BPTT-sized blocks with its recurrent state carried through (so almost every token is predicted with
// its full left context), on an inference tape, the streams shared out over the cores.
import S2SCore
import S2SModels
import S2SNN

/// The loss of a language model on a token sequence.
///
///     let stats = try LanguageModelValidator(streams: 16, bptt: 128, shards: 2).evaluate(model, tokens: ids)
///     stats.nllSum / Double(stats.tokens)    // nats per token
///
/// Every token but the first and the last (tokens.count − 1) mod streams is predicted once.
/// Complexity: one forward pass over the text, 2·T·4H·(E + H + …) FLOPs per token.
public struct LanguageModelValidator: Sendable {
    /// Contiguous streams the text is cut into (fewer for very short texts).
    public var streams: Int
    /// Steps per block; the state is carried from block to block.
    public var bptt: Int
    /// Cores to share the streams over.
    public var shards: Int

    /// `streams` contiguous streams read in `bptt`-token blocks, shared out over `shards` cores.
    public init(streams: Int = 16, bptt: Int = 128, shards: Int = 1) {
        precondition(streams >= 1 && bptt >= 1 && shards >= 1)
        self.streams = streams; self.bptt = bptt; self.shards = shards
    }

    /// Summed negative log-likelihood (nats), predicted tokens and argmax hits.
    public func evaluate(_ model: LanguageModel, tokens: [Int]) throws -> CrossEntropyStats {
        guard tokens.count >= 2 else {
            throw LanguageModelError("the text has \(tokens.count) token(s); scoring needs at least 2")
        }
        let layout = try TokenStreams(tokens: tokens, count: min(streams, tokens.count - 1))
        let shardCount = min(shards, layout.count)
        let results = (0..<shardCount).map { _ in StatsBox() }
        let size = (layout.count + shardCount - 1) / shardCount
        DataParallel.run(shards: shardCount, parameters: []) { k in
            let rows = (k * size)..<min(layout.count, (k + 1) * size)
            guard !rows.isEmpty else { return }
            var state: (h: Variable, c: Variable?)? = nil
            for start in stride(from: 0, to: layout.length, by: bptt) {
                let columns = start..<min(start + bptt, layout.length)
                let (inputs, targets) = layout.block(rows: rows, columns: columns)
                let tape = Tape(recording: false)
                let out = model(ids: inputs, steps: columns.count, batch: rows.count, state: state, tape: tape)
                state = (out.h, out.c)
                results[k].stats += tape.crossEntropyWithStats(logits: out.logits, targets: targets, ignoreIndex: nil).stats
            }
        }
        var total = CrossEntropyStats()
        for box in results { total += box.stats }
        return total
    }
}

/// One shard's sums (a box per shard: shards never write the same memory).
private final class StatsBox: @unchecked Sendable {
    var stats = CrossEntropyStats()
}
