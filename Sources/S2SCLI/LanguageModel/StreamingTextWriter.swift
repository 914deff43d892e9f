// Writes generated tokens to standard output as text while they are made. Characters are decoded one
// by one; words need their neighbours (joiners, spacing), so the current line is decoded again after
// each token and only its new end is written. Output is flushed at every token on a terminal and at
// every line otherwise (a pipe gets whole lines without a system call per character).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SText

final class StreamingTextWriter {
    private let text: TextProcessor
    private let flushEveryToken: Bool
    private var line: [Int] = []
    private var written = ""
    private var pending: [UInt8] = []
    /// Whether the last thing written ended a line (or nothing was written yet).
    private(set) var atLineStart = true

    private let sink: ([UInt8]) -> Void

    /// `sink` receives the bytes at every flush (default: standard output).
    init(text: TextProcessor, flushEveryToken: Bool = isatty(1) != 0,
         sink: @escaping ([UInt8]) -> Void = StreamingTextWriter.writeToStandardOutput) {
        self.text = text
        self.flushEveryToken = flushEveryToken
        self.sink = sink
    }

    /// Writes raw text (the prompt) as it is.
    func write(raw: String) {
        guard !raw.isEmpty else { return }
        put(raw)
        atLineStart = raw.hasSuffix("\n")
        flush()
    }

    /// Continues a line whose first tokens (the prompt's last line, already written raw) are
    /// `tokens`: words then join them as the detokenizer would (spacing, joiners).
    func continueLine(after tokens: [Int]) {
        guard text.settings.unit != .characters else { return }
        line = tokens
        written = text.decode(line)
    }

    /// Writes one generated token; `Vocabulary.eos` is a line break.
    func write(token: Int) {
        if token == Vocabulary.eos {
            put("\n")
            line.removeAll(keepingCapacity: true)
            written = ""
            atLineStart = true
            flush()
            return
        }
        let piece: String
        if text.settings.unit == .characters {
            piece = text.decode(CollectionOfOne(token))
        } else {
            line.append(token)
            let decoded = text.decode(line)
            // Appending a token only appends text in practice; if it ever rewrote the end, write the
            // part after what the two share.
            let shared = decoded.hasPrefix(written) ? written.count
                : zip(decoded, written).prefix { $0 == $1 }.count
            piece = String(decoded.dropFirst(shared))
            written = decoded
        }
        guard !piece.isEmpty else { return }
        put(piece)
        atLineStart = false
        if flushEveryToken { flush() }
    }

    /// Ends the current line if needed and flushes.
    func finishLine() {
        if !atLineStart { put("\n"); atLineStart = true }
        line.removeAll(keepingCapacity: true)
        written = ""
        flush()
    }

    private func put(_ string: String) {
        pending.append(contentsOf: string.utf8)
    }

    /// Hands what is pending to the sink.
    func flush() {
        guard !pending.isEmpty else { return }
        sink(pending)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes to file descriptor 1 (our own buffering: C's `stdout` is shared mutable state that
    /// Swift 6 will not touch).
    static func writeToStandardOutput(_ bytes: [UInt8]) {
        var offset = 0
        bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return }   // a closed pipe: nothing more to do
                offset += n
            }
        }
    }
}
