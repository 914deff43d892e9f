// VocabularyBuilder: counts tokens and builds a `Vocabulary` with a minimum count, a maximum size and
// deterministic order (count descending, ties in UTF-8 byte order).

/// Counts tokens, then builds a vocabulary.
///
///     var builder = VocabularyBuilder()
///     builder.add(["a", "b", "a"])
///     let vocab = try builder.build(minCount: 1, maxSize: 100)   // <pad> <unk> <s> </s> a b
public struct VocabularyBuilder: Sendable {
    /// Token counts so far.
    public private(set) var counts: [String: Int] = [:]

    public init() {}

    /// Counts each token once.
    public mutating func add<S: Sequence<String>>(_ tokens: S) {
        for token in tokens { counts[token, default: 0] += 1 }
    }

    /// Adds `count` occurrences of `token`.
    public mutating func add(_ token: String, count: Int) { counts[token, default: 0] += count }

    /// The vocabulary of tokens seen at least `minCount` times, most frequent first, ties broken by
    /// UTF-8 byte order, cut to `maxSize` entries in all (the 4 specials included; 0 = no limit).
    /// Tokens equal to a special are not added twice. Complexity: O(n log n) in distinct tokens.
    public func build(minCount: Int = 1, maxSize: Int = 0) throws(TextError) -> Vocabulary {
        guard maxSize == 0 || maxSize >= Vocabulary.specials.count else {
            throw TextError(.invalidArgument, "a vocabulary holds at least the 4 special tokens; --max-size \(maxSize) is too small")
        }
        let specials = Set(Vocabulary.specials)
        var entries = counts.filter { $0.value >= max(1, minCount) && !specials.contains($0.key) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : utf8Precedes($0.key, $1.key) }
        if maxSize > 0 && entries.count > maxSize - Vocabulary.specials.count {
            entries.removeLast(entries.count - (maxSize - Vocabulary.specials.count))
        }
        return try Vocabulary(tokens: entries.map(\.key), counts: entries.map(\.value))
    }
}
