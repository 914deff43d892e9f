// ReadOptions and ReadStatistics: what corpus readers do with awkward lines, and the counts they
// report so that nothing is dropped silently.

/// How corpus readers treat awkward lines.
///
///     var options = ReadOptions()
///     options.invalidUTF8 = .replace      // U+FFFD instead of an error
///     options.maxLineBytes = 4096         // longer lines are skipped and counted
///     options.overlongLines = .crop       // … or cut to their first 4096 bytes
public struct ReadOptions: Sendable, Equatable {
    /// What to do with a line longer than `maxLineBytes`.
    public enum OverlongLines: String, Sendable, CaseIterable {
        /// Skip the line and count it (training data: a cut sentence is a wrong example).
        case skip
        /// Keep its first `maxLineBytes` bytes (cut at a character boundary), drop the rest unread into
        /// memory, and count it (inference: every input line gets an output line).
        case crop
    }

    /// What to do with a line that is not valid UTF-8.
    public enum InvalidUTF8: String, Sendable, CaseIterable {
        /// Stop with an error naming the file, line and byte offset (default).
        case error
        /// Replace each bad sequence with U+FFFD and count the line.
        case replace
        /// Skip the line and count it.
        case skip
    }

    /// Training corpora: lines over 64 KiB are skipped and counted — no sentence is that long, and a
    /// line of many megabytes (a file without line breaks) must not be held or tokenized whole.
    public static let trainingData = ReadOptions(maxLineBytes: 1 << 16)

    /// Input to translate or classify: one output line per input line (empty ones kept, bad UTF-8
    /// replaced), and a line cropped to 64 bytes per allowed token — real text has under 10 bytes a token,
    /// so the token limit decides for any real line, while a line of megabytes is never held or
    /// tokenized whole.
    public static func inference(maxTokens: Int) -> ReadOptions {
        ReadOptions(invalidUTF8: .replace, maxLineBytes: maxTokens * 64, overlongLines: .crop, skipEmpty: false)
    }

    public var invalidUTF8: InvalidUTF8 = .error
    /// Lines longer than this many bytes (after removing the line break) are skipped or cropped, and
    /// counted; 0 means no limit. An over-long line is never held in memory whole.
    public var maxLineBytes: Int = 0
    public var overlongLines: OverlongLines = .skip
    /// Skip (and count) lines that are empty or only ASCII whitespace. Readers that must keep one
    /// output line per input line (`s2s tokenize`) turn this off.
    public var skipEmpty: Bool = true

    public init(invalidUTF8: InvalidUTF8 = .error, maxLineBytes: Int = 0, overlongLines: OverlongLines = .skip,
                skipEmpty: Bool = true) {
        self.invalidUTF8 = invalidUTF8
        self.maxLineBytes = maxLineBytes
        self.overlongLines = overlongLines
        self.skipEmpty = skipEmpty
    }
}

/// Counts kept by a reader, printed as one line for stderr.
///
///     print(reader.statistics)   // train.en: 29000 lines, 28998 used, 2 skipped (2 empty)
public struct ReadStatistics: Sendable, Equatable, CustomStringConvertible {
    /// The file (or files, for a parallel reader) the counts are about.
    public var source: String
    /// Lines (or line pairs) read.
    public var lines = 0
    /// Lines (or pairs) handed to the caller.
    public var used = 0
    /// Skipped because empty or only whitespace.
    public var empty = 0
    /// Skipped because longer than `ReadOptions.maxLineBytes`.
    public var overlong = 0
    /// Used after cropping to `ReadOptions.maxLineBytes` (with `.crop`).
    public var cropped = 0
    /// Skipped because not UTF-8 (with `.skip`).
    public var invalidSkipped = 0
    /// Used after replacing bad UTF-8 with U+FFFD (with `.replace`).
    public var invalidReplaced = 0

    public init(source: String) { self.source = source }

    public var skipped: Int { empty + overlong + invalidSkipped }

    public var description: String {
        var text = "\(source == "-" ? "<stdin>" : source): \(lines) lines, \(used) used"
        if skipped > 0 {
            var parts: [String] = []
            if empty > 0 { parts.append("\(empty) empty") }
            if overlong > 0 { parts.append("\(overlong) over-long") }
            if invalidSkipped > 0 { parts.append("\(invalidSkipped) invalid UTF-8") }
            text += ", \(skipped) skipped (\(parts.joined(separator: ", ")))"
        }
        if cropped > 0 { text += ", \(cropped) cropped to their first bytes" }
        if invalidReplaced > 0 { text += ", \(invalidReplaced) with invalid UTF-8 replaced" }
        return text
    }
}

/// One line of a corpus with its 1-based line number.
public struct Line: Sendable, Equatable {
    public var text: String
    public var number: Int
    /// The line was longer than `ReadOptions.maxLineBytes` and `text` holds only its first bytes.
    public var cropped: Bool
    public init(text: String, number: Int, cropped: Bool = false) {
        self.text = text
        self.number = number
        self.cropped = cropped
    }
}
