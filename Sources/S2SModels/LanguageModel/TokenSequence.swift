// The token sequence a language model trains on, read by position: in memory (a short text, tests), or
// a view of memory-mapped ids (a prepared corpus: a multi-gigabyte text is 2 bytes a token on disk and
// only the pages being read are resident, where `[Int]` would hold 8 bytes a token in memory).

/// Tokens by position, from an array or from little-endian ids in mapped memory.
///
///     let inMemory = TokenSequence([4, 9, 3])
///     let mapped = TokenSequence(littleEndian: corpus.allIds(side: 0).bytes, tokenBytes: 2, owner: corpus)
///     mapped[17]
public struct TokenSequence: @unchecked Sendable {   // the mapped memory is read-only and kept alive by `owner`
    public let count: Int
    private let array: [Int]
    private let base: UnsafeRawPointer?
    private let tokenBytes: Int
    private let owner: AnyObject?

    public init(_ tokens: [Int]) {
        count = tokens.count; array = tokens; base = nil; tokenBytes = 8; owner = nil
    }

    /// The ids in `bytes` (2 or 4 bytes each, little-endian), valid while `owner` (the mapping) lives.
    public init(littleEndian bytes: UnsafeRawBufferPointer, tokenBytes: Int, owner: AnyObject) {
        precondition(tokenBytes == 2 || tokenBytes == 4, "TokenSequence: 2- or 4-byte ids")
        count = bytes.count / tokenBytes; array = []; base = bytes.baseAddress; self.tokenBytes = tokenBytes; self.owner = owner
    }

    @inline(__always) public subscript(position: Int) -> Int {
        guard let base else { return array[position] }
        precondition(position >= 0 && position < count, "TokenSequence: position \(position) of \(count)")
        return tokenBytes == 2 ? Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: 2 * position, as: UInt16.self)))
            : Int(UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * position, as: UInt32.self)))
    }

    /// Tokens `range` as an array.
    public func slice(_ range: Range<Int>) -> [Int] { range.map { self[$0] } }
}
