// LineReader: streams the lines of a file or of standard input ("-") through a fixed-size buffer, so
// memory is bounded by the longest kept line, not by the corpus. Accepts LF and CRLF, drops a UTF-8
// BOM at the start, validates UTF-8 with the byte offset of the first bad byte, and skips empty and
// over-long lines (or crops the over-long ones) with counts in `statistics`.
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
    /// Bytes of the last cropped line that were dropped from `buffer` (not yet added to `bufferOffset`,
    /// which the line's own error offsets still use).
    private var droppedBytes = 0
    /// Whether the last record was a cropped line.
    private var lastCropped = false

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
                if lastCropped { statistics.cropped += 1 }
                return Line(text: text, number: lineNumber, cropped: lastCropped)
            case .empty: statistics.empty += 1
            case .overlong: statistics.overlong += 1
            case .invalid: statistics.invalidSkipped += 1
            }
        }
        return nil
    }

    /// Hands the kept lines to `body` in blocks of up to `size` lines, so memory is bounded by a block,
    /// not by the input. A `TextError` that `body` throws with `line` = a 1-based index into its block
    /// (as the task layer's inference types report them) is renamed to this file and that line's number.
    ///
    ///     try reader.forEachBlock(of: 10_000) { block in try translate(block.map(\.text)) }
    public func forEachBlock(of size: Int, _ body: ([Line]) throws -> Void) throws {
        var block: [Line] = []
        block.reserveCapacity(size)
        func flush() throws {
            guard !block.isEmpty else { return }
            do { try body(block) } catch var error as TextError {
                error.file = path
                if let index = error.line.map({ $0 - 1 }), block.indices.contains(index) { error.line = block[index].number }
                throw error
            }
            block.removeAll(keepingCapacity: true)
        }
        while let line = try next() {
            block.append(line)
            if block.count == size { try flush() }
        }
        try flush()
    }

    /// The next line of the input, whatever it holds, for callers that keep one output line per input
    /// line (`s2s tokenize`) or skip lines in pairs (`ParallelReader`). Counts only `lines` and
    /// `invalidReplaced`; `currentLineNumber` is its line number.
    public func nextRecord() throws(TextError) -> Record? {
        lastCropped = false
        guard let (lineStart, lineEnd, fate) = try nextLineBounds() else { return nil }
        lineNumber += 1
        statistics.lines += 1
        if fate == .overlong { return .overlong }
        var e = lineEnd
        if fate == .whole && e > lineStart && buffer[e - 1] == 0x0D { e -= 1 }   // CRLF
        var s = lineStart
        if lineNumber == 1, bufferOffset == 0, s == 0, e - s >= 3,
           buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { s += 3 }   // BOM
        lastCropped = fate == .cropped
        if options.maxLineBytes > 0 && e - s > options.maxLineBytes {
            guard options.overlongLines == .crop else { return .overlong }
            e = characterBoundary(s + options.maxLineBytes, from: s)
            lastCropped = true
        }
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

    /// The buffer's size: bounded by the longest kept (or cropped) line, whatever the input holds.
    var bufferCapacity: Int { buffer.count }

    /// How much of a line `nextLineBounds` kept.
    private enum LineFate { case whole, cropped, overlong }

    /// Finds the next line in the buffer, reading more as needed. Returns its bounds in `buffer`
    /// (without the LF): the whole line, its first `maxLineBytes` bytes when it was longer and is
    /// cropped, or `.overlong` when it was longer and discarded.
    private func nextLineBounds() throws(TextError) -> (Int, Int, LineFate)? {
        bufferOffset += droppedBytes   // the previous line was cropped: its dropped tail shifts what follows
        droppedBytes = 0
        var scanFrom = start
        var discarding = false
        var keptEnd: Int? = nil   // a cropped line's kept bytes end here; the rest is dropped as it arrives
        while true {
            if let newline = findNewline(from: scanFrom) {
                let lineStart = start
                start = newline + 1
                if discarding { return (0, 0, .overlong) }
                return keptEnd.map { (lineStart, $0, .cropped) } ?? (lineStart, newline, .whole)
            }
            if atEOF {
                guard start < end || discarding || keptEnd != nil else { return nil }
                let lineStart = start
                start = end
                if discarding { return (0, 0, .overlong) }
                return keptEnd.map { (lineStart, $0, .cropped) } ?? (lineStart, end, .whole)
            }
            // No newline yet: crop or drop an over-long partial line, or make room, then read more.
            let limit = options.maxLineBytes
            if limit > 0 && end - start > limit + 1 {   // +1 leaves room for a CR
                if options.overlongLines == .crop {
                    let kept = keptEnd ?? characterBoundary(start + limit, from: start)
                    keptEnd = kept
                    droppedBytes += end - kept
                    end = kept
                } else {
                    discarding = true
                    bufferOffset += end
                    start = 0
                    end = 0
                }
            } else if start > 0 {
                buffer.withUnsafeMutableBytes { raw in
                    _ = memmove(raw.baseAddress!, raw.baseAddress! + start, end - start)
                }
                bufferOffset += start
                end -= start
                keptEnd = keptEnd.map { $0 - start }
                start = 0
            }
            if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) }
            scanFrom = end
            let n = try readMore()
            if n == 0 { atEOF = true }
        }
    }

    /// `index` moved back to the start of the UTF-8 character it falls in (never before `lineStart`),
    /// so that a crop never splits a character.
    private func characterBoundary(_ index: Int, from lineStart: Int) -> Int {
        var i = index
        while i > lineStart && i < end && buffer[i] & 0xC0 == 0x80 { i -= 1 }
        return i
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

    /// The line count of a file, for a progress report's total (a memchr pass: about a second a gigabyte
    /// from the page cache); nil for standard input.
    public static func total(_ path: String) throws(TextError) -> Int? { path == "-" ? nil : try countLines(path: path) }

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
