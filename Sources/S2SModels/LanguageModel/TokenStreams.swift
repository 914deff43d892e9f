// Truncated backpropagation through time over a long text, char-rnn style: the token sequence is cut
// into B contiguous streams, and batch k holds columns [k·bptt, (k+1)·bptt) of every stream, so row b
// of batch k+1 continues exactly where row b of batch k stopped and the recurrent state can be carried
// across. Each epoch starts at an offset drawn from (seed, epoch), so epochs see different cuts;
// the batches of an epoch are a pure function of (text, seed, epoch), as the trainer requires.

import S2SCore
import S2SNN

/// A token sequence laid out as `count` parallel streams starting at `offset`: stream s holds inputs
/// tokens[offset + s·length ..< offset + (s+1)·length] and, one position later, their targets.
///
///     let streams = try TokenStreams(tokens: ids, count: 64, offset: 5)
///     streams.input(stream: 3, position: 0)    // tokens[5 + 3·streams.length]
///     streams.target(stream: 3, position: 0)   // the token after it
public final class TokenStreams: Sendable {
    public let tokens: TokenSequence
    public let count: Int
    public let offset: Int
    /// Inputs per stream.
    public let length: Int

    /// Fails when the text is too short to give every stream one input and its target.
    public convenience init(tokens: [Int], count: Int, offset: Int = 0) throws {
        try self.init(sequence: TokenSequence(tokens), count: count, offset: offset)
    }

    /// The same over any token sequence (a prepared corpus's, mapped).
    public init(sequence tokens: TokenSequence, count: Int, offset: Int = 0) throws {
        precondition(count >= 1 && offset >= 0)
        let usable = tokens.count - offset - 1
        guard usable >= count else {
            throw LanguageModelError("the text has \(tokens.count) tokens: too few for \(count) streams of at least one token each (lower the batch size)")
        }
        self.tokens = tokens
        self.count = count
        self.offset = offset
        length = usable / count
    }

    @inline(__always) public func input(stream: Int, position: Int) -> Int { tokens[offset + stream * length + position] }
    @inline(__always) public func target(stream: Int, position: Int) -> Int { tokens[offset + stream * length + position + 1] }

    /// Time-major inputs and targets [T·B] of streams `rows` at positions `columns`.
    public func block(rows: Range<Int>, columns: Range<Int>) -> (inputs: [Int], targets: [Int]) {
        var inputs = [Int](), targets = [Int]()
        inputs.reserveCapacity(rows.count * columns.count)
        targets.reserveCapacity(rows.count * columns.count)
        for position in columns {
            for stream in rows {
                let i = offset + stream * length + position
                inputs.append(tokens[i])
                targets.append(tokens[i + 1])
            }
        }
        return (inputs, targets)
    }
}

/// One training batch: columns of some streams, and whether the carried state starts from zero.
/// It refers to the shared `TokenStreams` and builds its ids only when its loss is computed.
public struct StreamBatch: TrainingBatch, Sendable {
    public let streams: TokenStreams
    /// The streams (rows) of this batch or shard: indices into the carried state too.
    public let rows: Range<Int>
    public let columns: Range<Int>
    /// True for the first batch of an epoch: the recurrent state starts from zeros.
    public let resetsState: Bool

    public var lossUnits: Int { rows.count * columns.count }
    public var tokenCount: Int { rows.count * columns.count }

    /// Contiguous rows; each shard reads and writes the carried state of its own rows only.
    public func shard(_ index: Int, of count: Int) -> StreamBatch? {
        let size = (rows.count + count - 1) / count
        let lower = rows.lowerBound + index * size, upper = min(rows.upperBound, lower + size)
        guard lower < upper else { return nil }
        return StreamBatch(streams: streams, rows: lower..<upper, columns: columns, resetsState: resetsState)
    }
}

/// The batches of every epoch over one token sequence.
///
///     let data = BPTTBatches(tokens: ids, batchSize: 64, bptt: 128, seed: 1)
///     try trainer.run(resume: false) { epoch in try! data.batches(epoch: epoch) }
public struct BPTTBatches: Sendable {
    public let tokens: TokenSequence
    public let batchSize: Int
    public let bptt: Int
    public let seed: UInt64

    public init(tokens: [Int], batchSize: Int, bptt: Int, seed: UInt64) throws {
        try self.init(sequence: TokenSequence(tokens), batchSize: batchSize, bptt: bptt, seed: seed)
    }

    /// The same over any token sequence (a prepared corpus's, mapped).
    public init(sequence tokens: TokenSequence, batchSize: Int, bptt: Int, seed: UInt64) throws {
        precondition(batchSize >= 1 && bptt >= 1)
        guard tokens.count > batchSize else {
            throw LanguageModelError("the training text has \(tokens.count) tokens: too few for a batch of \(batchSize) streams (lower --batch-size)")
        }
        self.tokens = tokens; self.batchSize = batchSize; self.bptt = bptt; self.seed = seed
    }

    /// The offset of an epoch's streams: random in [0, bptt), kept small enough to leave every
    /// stream at least one token.
    public func offset(epoch: Int) -> Int {
        var rng = Generator(seed: seed &+ 0x00B9_77E0 &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        let limit = min(bptt, tokens.count - 1 - batchSize + 1)
        return rng.integer(below: max(1, limit))
    }

    /// Epoch `epoch`'s batches, in stream order (the order is what carries the state), each made when it
    /// is read (a gigabyte text has millions).
    public func batches(epoch: Int) -> LazyMapCollection<Range<Int>, StreamBatch> {
        // The initialiser guarantees the text is long enough at every offset `offset(epoch:)` gives.
        let streams = try! TokenStreams(sequence: tokens, count: batchSize, offset: offset(epoch: epoch))
        let (bptt, batchSize) = (self.bptt, self.batchSize)
        return (0..<(streams.length + bptt - 1) / bptt).lazy.map { k in
            StreamBatch(streams: streams, rows: 0..<batchSize, columns: k * bptt..<min((k + 1) * bptt, streams.length),
                        resetsState: k == 0)
        }
    }

    /// Tokens predicted per epoch (about the text's length).
    public var tokensPerEpoch: Int { batchSize * ((tokens.count - 1) / batchSize) }
}

/// A problem with language-model input or settings, said in a sentence.
public struct LanguageModelError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
