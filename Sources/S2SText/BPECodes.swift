// BPECodes: the ordered merge list of byte-pair encoding (Sennrich et al. 2016), stored as a plain
// text file in subword-nmt's format: a `#version: 0.2` line, then one merge per line, `left right`,
// where the end of a word is marked by `</w>` on its last symbol (e.g. `e r</w>`). Symbols are
// grapheme clusters and their concatenations, never containing spaces.

/// A learned BPE model: merges in priority order (line 1 = applied first).
///
///     let codes = BPECodes.learn(counts: ["lower": 5, "lowest": 3, "newer": 6], merges: 10)
///     try codes.save(path: "bpe.codes")
///     let again = try BPECodes.load(path: "bpe.codes")     // == codes
public struct BPECodes: Equatable, Sendable {
    /// One merge: the two symbols joined into one.
    public struct Merge: Hashable, Sendable {
        public var left: String
        public var right: String
        public init(_ left: String, _ right: String) {
            self.left = left
            self.right = right
        }
    }

    /// Marks the last symbol of a word.
    public static let endOfWord = "</w>"
    static let header = "#version: 0.2"

    /// Merges in priority order.
    public var merges: [Merge]

    public init(merges: [Merge]) { self.merges = merges }

    /// The file contents (header + one merge per line).
    public var text: String {
        var out = Self.header + "\n"
        for merge in merges { out += merge.left + " " + merge.right + "\n" }
        return out
    }

    /// Parses codes text; `file` names the source in errors.
    public init(parsing text: String, file: String = "<codes>") throws(TextError) {
        var merges: [Merge] = []
        var number = 0
        for rawLine in splitASCII(text, at: 0x0A, omittingEmpty: false) {
            number += 1
            var line = rawLine
            if line.utf8.last == 0x0D { line = Substring(line.utf8.dropLast()) }
            if line.isEmpty { continue }
            if number == 1 && line.hasPrefix("#version") { continue }
            let parts = splitASCII(line, at: 0x20, omittingEmpty: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw TextError(.malformed, file: file, line: number,
                                "expected two symbols separated by one space, found \(String(line).debugDescription)")
            }
            merges.append(Merge(String(parts[0]), String(parts[1])))
        }
        self.merges = merges
    }

    /// Reads a codes file.
    public static func load(path: String) throws(TextError) -> BPECodes {
        try BPECodes(parsing: try TextFile.read(path), file: path)
    }

    /// Writes the codes file atomically.
    public func save(path: String) throws(TextError) {
        try TextFile.writeAtomically(text, to: path)
    }
}
