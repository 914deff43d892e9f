// TextFile: whole-file reads and atomic writes (temporary file beside the target, fsync, rename), so
// a crash leaves the old file or the new one, never a torn one. S2SText does not depend on S2SCore,
// hence this small copy of its AtomicFile.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum TextFile {
    /// The file's bytes as UTF-8 text; invalid UTF-8 is an error naming the line and byte offset.
    static func read(_ path: String) throws(TextError) -> String {
        let bytes = try readBytes(path)
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        let offset = firstInvalidUTF8Offset(bytes) ?? 0
        let line = bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
        let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        throw TextError(.invalidUTF8(byteOffset: offset, column: offset - lineStart + 1), file: path, line: line,
                        "invalid UTF-8 at byte offset \(offset)")
    }

    static func readBytes(_ path: String) throws(TextError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw TextError(.io, file: path, "cannot open: \(errnoDescription())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw TextError(.io, file: path, "cannot read: \(errnoDescription())")
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    /// Writes `text` to `path` atomically.
    static func writeAtomically(_ text: String, to path: String) throws(TextError) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw TextError(.io, file: path, "cannot create \(temporary): \(errnoDescription())") }
        var bytes = Array(text.utf8)
        var written = 0
        let ok: Bool = bytes.withUnsafeMutableBytes { raw in
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                written += n
            }
            return fsync(fd) == 0
        }
        let problem = ok ? nil : errnoDescription()
        close(fd)
        bytes = []
        if let problem {
            unlink(temporary)
            throw TextError(.io, file: path, "cannot write: \(problem)")
        }
        guard rename(temporary, path) == 0 else {
            let problem = errnoDescription()
            unlink(temporary)
            throw TextError(.io, file: path, "cannot move the temporary file into place: \(problem)")
        }
    }

    /// Creates `path` and its parents if missing.
    static func makeDirectory(_ path: String) throws(TextError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw TextError(.io, file: path, "cannot create directory \(current): \(errnoDescription())")
            }
        }
    }
}
