// TextError: the one error type of S2SText. Every failure on user input (files, corpora, codes,
// vocabularies, mismatched pipelines) is reported as a value naming the file, the line and the
// problem — never a crash.

/// An error from the text pipeline, printed as `file:line: problem`.
///
///     do { _ = try Vocabulary.load(path: "vocab.txt") }
///     catch { print(error) }   // vocab.txt:7: expected token<TAB>count
public struct TextError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, for callers that react differently to different failures.
    public enum Kind: Equatable, Sendable {
        /// A file could not be opened, read or written.
        case io
        /// Bytes that are not UTF-8; `byteOffset` counts from the start of the file, `column` (1-based,
        /// in bytes) from the start of the line.
        case invalidUTF8(byteOffset: Int, column: Int)
        /// Two files that must be line-aligned have different numbers of lines.
        case lineCountMismatch
        /// A line of a corpus, codes file or vocabulary file does not have the expected form.
        case malformed
        /// Input was prepared with a text pipeline other than the model's.
        case pipelineMismatch
        /// An argument is out of range or inconsistent.
        case invalidArgument
        /// ICU reported a failure.
        case icu
    }

    public var kind: Kind
    /// The file concerned, if any (`-` for standard input).
    public var file: String?
    /// The 1-based line number concerned, if any.
    public var line: Int?
    /// A sentence saying what is wrong and, where possible, what to do.
    public var problem: String

    public init(_ kind: Kind, file: String? = nil, line: Int? = nil, _ problem: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String {
        var prefix = ""
        if let file { prefix = file == "-" ? "<stdin>" : file }
        if let line { prefix += prefix.isEmpty ? "line \(line)" : ":\(line)" }
        return prefix.isEmpty ? problem : "\(prefix): \(problem)"
    }
}
