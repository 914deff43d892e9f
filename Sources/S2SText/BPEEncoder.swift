// BPEEncoder: applies BPE codes to tokens, with a cache of segmented words. A word is split into
// grapheme clusters (`</w>` on the last) and the adjacent pair with the best (lowest) merge rank is
// merged everywhere in the word, repeatedly, as in subword-nmt's apply_bpe. Pieces after the first
// get the joiner, so `Detokenizer` glues them back.

/// Applies BPE codes.
///
///     let bpe = BPEEncoder(codes: codes)
///     bpe.segment("lowest")                 // ["low", "est"]
///     bpe.apply(["the", "lowest", "￭!"])    // ["the", "low", "￭est", "￭!"]
///
/// Not thread-safe (the cache); create one per thread. The cache holds at most `cacheLimit` words
/// and is emptied when full.
public final class BPEEncoder {
    public let codes: BPECodes
    public let cacheLimit: Int
    private var symbolIDs: [String: Int32] = [:]
    private var symbols: [String] = []
    /// pair key -> (rank, merged symbol id)
    private var ranks: [UInt64: (rank: Int32, merged: Int32)] = [:]
    private var cache: [String: [String]] = [:]

    public init(codes: BPECodes, cacheLimit: Int = 1 << 18) {
        self.codes = codes
        self.cacheLimit = cacheLimit
        for (rank, merge) in codes.merges.enumerated() {
            let key = Self.key(id(merge.left), id(merge.right))
            if ranks[key] == nil { ranks[key] = (Int32(rank), id(merge.left + merge.right)) }
        }
    }

    private func id(_ symbol: String) -> Int32 {
        if let id = symbolIDs[symbol] { return id }
        let id = Int32(symbols.count)
        symbols.append(symbol)
        symbolIDs[symbol] = id
        return id
    }

    private static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) }

    /// Applies BPE to written tokens: whitespace tokens and reserved tokens (`<url>`, `<user>`,
    /// specials) pass unchanged; a token's joiner stays on its first piece; later pieces are joined.
    public func apply<S: Sequence<String>>(_ tokens: S) -> [String] {
        var out: [String] = []
        for token in tokens {
            if TokenMarkup.isWhitespaceToken(token) || TokenMarkup.reserved.contains(token) {
                out.append(token)
                continue
            }
            let (joined, text) = TokenMarkup.split(token)
            if text.isEmpty {
                out.append(token)
                continue
            }
            let pieces = segment(String(text))
            out.append(joined ? TokenMarkup.joiner + pieces[0] : pieces[0])
            for piece in pieces.dropFirst() { out.append(TokenMarkup.joiner + piece) }
        }
        return out
    }

    /// Applies BPE to tokens from `Tokenizer.tokens(_:)`; `.special` and `.whitespace` pass whole.
    public func apply(tokens: [Token]) -> [String] {
        var out: [String] = []
        out.reserveCapacity(tokens.count + tokens.count / 2)
        for token in tokens {
            if token.kind == .special || token.kind == .whitespace || token.text.isEmpty {
                out.append(token.written)
                continue
            }
            let pieces = segment(token.text)
            out.append(token.joined ? TokenMarkup.joiner + pieces[0] : pieces[0])
            for piece in pieces.dropFirst() { out.append(TokenMarkup.joiner + piece) }
        }
        return out
    }

    /// The BPE pieces of one bare word (no joiner), without `</w>`. Never empty for a non-empty word.
    public func segment(_ word: String) -> [String] {
        if let cached = cache[word] { return cached }
        let pieces = segmentUncached(word)
        if cache.count >= cacheLimit { cache.removeAll(keepingCapacity: true) }
        cache[word] = pieces
        return pieces
    }

    private func segmentUncached(_ word: String) -> [String] {
        guard !word.isEmpty else { return [word] }
        // Symbols as (id, text); id -1 for symbols the codes never mention.
        var parts: [(id: Int32, text: String)] = []
        var characters = word.map(String.init)
        characters[characters.count - 1] += BPECodes.endOfWord
        for character in characters { parts.append((symbolIDs[character] ?? -1, character)) }
        while parts.count > 1 {
            var bestRank = Int32.max, bestMerged: Int32 = -1, bestLeft: Int32 = -1, bestRight: Int32 = -1
            for i in 0..<(parts.count - 1) {
                let a = parts[i].id, b = parts[i + 1].id
                guard a >= 0, b >= 0, let entry = ranks[Self.key(a, b)], entry.rank < bestRank else { continue }
                bestRank = entry.rank
                bestMerged = entry.merged
                bestLeft = a
                bestRight = b
            }
            guard bestMerged >= 0 else { break }
            var merged: [(id: Int32, text: String)] = []
            merged.reserveCapacity(parts.count)
            var i = 0
            while i < parts.count {
                if i + 1 < parts.count && parts[i].id == bestLeft && parts[i + 1].id == bestRight {
                    merged.append((bestMerged, symbols[Int(bestMerged)]))
                    i += 2
                } else {
                    merged.append(parts[i])
                    i += 1
                }
            }
            parts = merged
        }
        var pieces = parts.map(\.text)
        // Byte-wise: after a prepended concatenation mark (U+0600…) "<" joins its grapheme cluster.
        let last = pieces[pieces.count - 1].utf8, marker = BPECodes.endOfWord.utf8
        if last.count >= marker.count && last.suffix(marker.count).elementsEqual(marker) {
            pieces[pieces.count - 1] = String(Substring(last.dropLast(marker.count)))
        }
        if pieces[pieces.count - 1].isEmpty { pieces.removeLast() }   // a lone "</w>" symbol
        return pieces
    }
}
