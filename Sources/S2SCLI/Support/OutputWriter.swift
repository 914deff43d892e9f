// OutputWriter: buffered writes of lines to standard output (or any file descriptor), and
// unbuffered diagnostics to standard error.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects output bytes and writes them in large chunks.
final class OutputWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let chunk: Int

    init(fd: Int32 = 1, chunk: Int = 1 << 16) {
        self.fd = fd
        self.chunk = chunk
        buffer.reserveCapacity(chunk + 1024)
    }

    deinit { flush() }

    /// Appends `text` and a line feed.
    func writeLine(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count >= chunk { flush() }
    }

    /// Appends `text` as it is.
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= chunk { flush() }
    }

    /// Appends `parts` joined by single spaces, and a line feed.
    func writeLine<S: Sequence<String>>(joining parts: S) {
        var first = true
        for part in parts {
            if !first { buffer.append(0x20) }
            buffer.append(contentsOf: part.utf8)
            first = false
        }
        buffer.append(0x0A)
        if buffer.count >= chunk { flush() }
    }

    func flush() {
        var written = 0
        buffer.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes one line to standard error at once.
    static func diagnostic(_ text: String) {
        let line = Array((text + "\n").utf8)
        _ = line.withUnsafeBytes { Glibc.write(2, $0.baseAddress!, $0.count) }
    }
}
