// Vocabulary: token <-> id maps with the four specials every model shares, stored as
// `token<TAB>count` lines where the id is the 0-based line number. The specials' ids are S2SCore's
// `SpecialTokens`; their names are here.
import S2SCore

/// A vocabulary. Ids 0–3 are always `<pad> <unk> <s> </s>`.
///
///     let vocab = try Vocabulary.load(path: "vocab.txt")
///     vocab.encode(["a", "dog", "zyzzyva"])     // [7, 93, 1]  (unknown -> SpecialTokens.unk)
///     vocab.decode([7, 93])                      // ["a", "dog"]
///     vocab.id(of: "dog")                        // 93
public struct Vocabulary: Equatable, Sendable {
    /// The special tokens, in id order (`specials[SpecialTokens.bos] == "<s>"`).
    public static let specials = ["<pad>", "<unk>", "<s>", "</s>"]

    /// Tokens in id order (specials first).
    public private(set) var tokens: [String]
    /// Corpus counts in id order (0 for specials).
    public private(set) var counts: [Int]
    private var ids: [String: Int]

    /// A vocabulary of the specials followed by `tokens` (which must not repeat or contain a TAB,
    /// LF or CR, and must not be a special).
    public init(tokens: [String], counts: [Int]? = nil) throws(TextError) {
        let counts = counts ?? [Int](repeating: 0, count: tokens.count)
        guard counts.count == tokens.count else {
            throw TextError(.invalidArgument, "\(tokens.count) tokens but \(counts.count) counts")
        }
        self.tokens = Self.specials
        self.counts = [0, 0, 0, 0]
        self.ids = [:]
        for (id, token) in Self.specials.enumerated() { ids[token] = id }
        for (token, count) in zip(tokens, counts) {
            if let problem = Self.problem(with: token) { throw TextError(.invalidArgument, "token \(token.debugDescription): \(problem)") }
            guard ids[token] == nil else {
                throw TextError(.invalidArgument, "token \(token.debugDescription) appears twice")
            }
            ids[token] = self.tokens.count
            self.tokens.append(token)
            self.counts.append(count)
        }
    }

    private static func problem(with token: String) -> String? {
        if token.isEmpty { return "empty token" }
        if token.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return "contains a TAB or line break, which the vocabulary file cannot hold"
        }
        return nil
    }

    /// Number of tokens, specials included.
    public var count: Int { tokens.count }

    /// The id of `token`, or nil if it is not in the vocabulary.
    public func id(of token: String) -> Int? { ids[token] }

    /// The token with id `id`, or nil if out of range.
    public func token(at id: Int) -> String? { tokens.indices.contains(id) ? tokens[id] : nil }

    /// Ids of tokens; unknown tokens map to `SpecialTokens.unk`.
    public func encode<S: Sequence<String>>(_ tokens: S) -> [Int] { tokens.map { ids[$0] ?? SpecialTokens.unk } }

    /// Tokens of ids; ids out of range become `<unk>`.
    public func decode<S: Sequence<Int>>(_ ids: S) -> [String] { ids.map { token(at: $0) ?? Self.specials[SpecialTokens.unk] } }

    // MARK: files

    /// The file contents: one `token<TAB>count` line per id.
    public var text: String {
        var out = ""
        for (token, count) in zip(tokens, counts) { out += "\(token)\t\(count)\n" }
        return out
    }

    /// Parses vocabulary text; errors name `file` and the line.
    public init(parsing text: String, file: String = "<vocabulary>") throws(TextError) {
        var tokens: [String] = [], counts: [Int] = []
        var number = 0
        let lines = splitASCII(text, at: 0x0A, omittingEmpty: false)
        for (index, rawLine) in lines.enumerated() {
            number = index + 1
            var line = rawLine
            if line.utf8.last == 0x0D { line = Substring(line.utf8.dropLast()) }
            if line.isEmpty {
                if index == lines.count - 1 { number -= 1; break }   // after the final newline
                throw TextError(.malformed, file: file, line: number, "empty line; expected token<TAB>count")
            }
            guard let tab = line.lastIndex(of: "\t") else {
                throw TextError(.malformed, file: file, line: number, "expected token<TAB>count, found no TAB")
            }
            let token = String(line[..<tab])
            guard let count = Int(line[line.index(after: tab)...]), count >= 0 else {
                throw TextError(.malformed, file: file, line: number,
                                "expected a count of 0 or more after the TAB, found \(String(line[line.index(after: tab)...]).debugDescription)")
            }
            if number <= Self.specials.count {
                guard token == Self.specials[number - 1] else {
                    throw TextError(.malformed, file: file, line: number,
                                    "expected the special token \(Self.specials[number - 1]) (ids 0-3 are <pad> <unk> <s> </s>), found \(token.debugDescription)")
                }
                continue
            }
            if token.isEmpty { throw TextError(.malformed, file: file, line: number, "empty token") }
            tokens.append(token)
            counts.append(count)
        }
        guard number >= Self.specials.count else {
            throw TextError(.malformed, file: file, line: number, "a vocabulary starts with the 4 special tokens <pad> <unk> <s> </s>")
        }
        do {
            try self.init(tokens: tokens, counts: counts)
        } catch {
            // The only possible failure here is a duplicate; find its line.
            var seen: [String: Int] = [:]
            for (i, token) in tokens.enumerated() {
                if let first = seen[token] {
                    throw TextError(.malformed, file: file, line: i + 5, "token \(token.debugDescription) already appears on line \(first)")
                }
                seen[token] = i + 5
            }
            throw TextError(.malformed, file: file, error.problem)
        }
    }

    /// Reads a vocabulary file.
    public static func load(path: String) throws(TextError) -> Vocabulary {
        try Vocabulary(parsing: try TextFile.read(path), file: path)
    }

    /// Writes the vocabulary file atomically (temporary file + rename).
    public func save(path: String) throws(TextError) {
        try TextFile.writeAtomically(text, to: path)
    }
}
