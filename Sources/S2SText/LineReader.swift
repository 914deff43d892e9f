// LineReader: streams the lines of a file or of standard input ("-") through a fixed-size buffer, so
// memory is bounded by the longest kept line, not by the corpus. Accepts LF and CRLF, drops a UTF-8
// BOM at the start, validates UTF-8 with the byte offset of the first bad byte, and skips empty and
// over-long lines with counts in `statistics`.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line.
///
///     let reader = try LineReader(path: "train.en")     // "-" reads standard input
///     while let line = try reader.next() { print(line.number, line.text) }
///     print(reader.statistics)                           // train.en: 29000 lines, 29000 used
///
/// Not thread-safe. The file is closed when the reader is released.
public final class LineReader {
    /// What `nextRecord()` found on a line.
    public enum Record: Equatable, Sendable {
        /// A usable line.
        case text(String)
        /// Empty or only ASCII whitespace (only with `skipEmpty`).
        case empty
        /// Longer than `maxLineBytes`.
        case overlong
        /// Not UTF-8 (only with `.skip`).
        case invalid
    }

    public let path: String
    public let options: ReadOptions
    public private(set) var statistics: ReadStatistics

    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0, end = 0
    private var bufferOffset = 0         // file offset of buffer[0]
    private var atEOF = false
    private var lineNumber = 0

    /// Opens `path` ("-" = standard input).
    public init(path: String, options: ReadOptions = ReadOptions(), bufferSize: Int = 1 << 16) throws(TextError) {
        self.path = path
        self.options = options
        self.statistics = ReadStatistics(source: path)
        if path == "-" {
            fd = 0
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else { throw TextError(.io, file: path, "cannot open: \(errnoDescription())") }
        }
        buffer = [UInt8](repeating: 0, count: max(16, bufferSize))
    }

    deinit { if fd > 0 { close(fd) } }

    /// The number of the last line read (1-based), 0 before the first.
    public var currentLineNumber: Int { lineNumber }

    /// The next line that is kept under `options`, or nil at the end of the input.
    public func next() throws(TextError) -> Line? {
        while let record = try nextRecord() {
            switch record {
            case .text(let text):
                statistics.used += 1
                return Line(text: text, number: lineNumber)
            case .empty: statistics.empty += 1
            case .overlong: statistics.overlong += 1
            case .invalid: statistics.invalidSkipped += 1
            }
        }
        return nil
    }

    /// The next line of the input, whatever it holds, for callers that keep one output line per input
    /// line (`s2s tokenize`) or skip lines in pairs (`ParallelReader`). Counts only `lines` and
    /// `invalidReplaced`; `currentLineNumber` is its line number.
    public func nextRecord() throws(TextError) -> Record? {
        guard let (lineStart, lineEnd, overlong) = try nextLineBounds() else { return nil }
        lineNumber += 1
        statistics.lines += 1
        if overlong { return .overlong }
        var e = lineEnd
        if e > lineStart && buffer[e - 1] == 0x0D { e -= 1 }   // CRLF
        var s = lineStart
        if lineNumber == 1, bufferOffset == 0, s == 0, e - s >= 3,
           buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { s += 3 }   // BOM
        if options.maxLineBytes > 0 && e - s > options.maxLineBytes { return .overlong }
        if options.skipEmpty && buffer[s..<e].allSatisfy({ $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }) {
            return .empty
        }
        let lineOffset = bufferOffset + s
        let result: Result<Record, TextError> = buffer.withUnsafeBufferPointer { all in
            let bytes = UnsafeBufferPointer(rebasing: all[s..<e])
            if let text = String(validating: bytes, as: UTF8.self) { return .success(.text(text)) }
            switch options.invalidUTF8 {
            case .replace:
                return .success(.text(String(decoding: bytes, as: UTF8.self)))
            case .skip:
                return .success(.invalid)
            case .error:
                let column = firstInvalidUTF8Offset(bytes) ?? 0
                return .failure(TextError(.invalidUTF8(byteOffset: lineOffset + column, column: column + 1),
                                          file: path, line: lineNumber,
                                          "invalid UTF-8 at byte offset \(lineOffset + column) of the file (byte \(column + 1) of the line); use --on-invalid replace or skip to continue"))
            }
        }
        let record = try result.get()
        if case .text = record, options.invalidUTF8 == .replace, firstInvalidUTF8Offset(buffer[s..<e]) != nil {
            statistics.invalidReplaced += 1
        }
        return record
    }

    /// Finds the next line in the buffer, reading more as needed. Returns its bounds in `buffer`
    /// (without the LF), or `overlong: true` when it exceeded `maxLineBytes` and was discarded.
    private func nextLineBounds() throws(TextError) -> (Int, Int, Bool)? {
        var scanFrom = start
        var discarding = false
        while true {
            if let newline = findNewline(from: scanFrom) {
                let lineStart = start
                start = newline + 1
                return discarding ? (0, 0, true) : (lineStart, newline, false)
            }
            if atEOF {
                guard start < end || discarding else { return nil }
                let lineStart = start
                start = end
                return discarding ? (0, 0, true) : (lineStart, end, false)
            }
            // No newline yet: drop an over-long partial line, or make room, then read more.
            let limit = options.maxLineBytes
            if limit > 0 && end - start > limit + 1 {   // +1 leaves room for a CR
                discarding = true
                bufferOffset += end
                start = 0
                end = 0
            } else if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                bufferOffset += start
                end -= start
                start = 0
            }
            if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            scanFrom = end
            let n = try readMore()
            if n == 0 { atEOF = true }
        }
    }

    private func findNewline(from index: Int) -> Int? {
        guard index < end else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            guard let hit = memchr(raw.baseAddress! + index, 0x0A, end - index) else { return nil }
            return UnsafeRawPointer(hit) - raw.baseAddress!
        }
    }

    private func readMore() throws(TextError) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + end, raw.count - end) }
            if n >= 0 {
                end += n
                return n
            }
            if errno == EINTR { continue }
            throw TextError(.io, file: path, line: lineNumber + 1, "cannot read: \(errnoDescription())")
        }
    }

    /// The number of lines in a file (LF count, plus one for a last line without LF), read in chunks.
    public static func countLines(path: String) throws(TextError) -> Int {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TextError(.io, file: path, "cannot open: \(errnoDescription())") }
        defer { close(fd) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var count = 0
        var last: UInt8 = 0x0A
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TextError(.io, file: path, "cannot read: \(errnoDescription())")
            }
            if n == 0 { break }
            for i in 0..<n where chunk[i] == 0x0A { count += 1 }
            last = chunk[n - 1]
        }
        return last == 0x0A ? count : count + 1
    }
}

func errnoDescription() -> String { String(cString: strerror(errno)) }
