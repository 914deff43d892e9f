// Files are written whole or not at all: bytes go to a temporary file beside the target, are flushed
// to disk, and the temporary is renamed over the target. A crash at any point leaves either the old
// file or the new one, never a torn one.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public struct FileError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public init(path: String, problem: String) { self.path = path; self.problem = problem }
    public var description: String { "\(path): \(problem)" }
}

public enum AtomicFile {
    /// Writes `bytes` to `path` atomically (temp file + fsync + rename).
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, problem: "cannot create \(temporary): \(errnoText())") }
        var written = 0
        let ok: Bool = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 { if errno == EINTR { continue }; return false }
                written += n
            }
            return fsync(fd) == 0
        }
        let problem = ok ? nil : errnoText()
        close(fd)
        if let problem {
            unlink(temporary)
            throw FileError(path: path, problem: "cannot write: \(problem)")
        }
        guard rename(temporary, path) == 0 else {
            let problem = errnoText()
            unlink(temporary)
            throw FileError(path: path, problem: "cannot rename temporary file into place: \(problem)")
        }
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, problem: "cannot open: \(errnoText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw FileError(path: path, problem: "cannot read: \(errnoText())") }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return bytes
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }
}
