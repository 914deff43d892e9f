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
        try write(to: path) { file in try bytes.withUnsafeBytes { try file.write($0) } }
    }

    /// Writes what `body` hands to the writer, in order, to `path` atomically — without holding the
    /// whole file in memory (a checkpoint's optimizer state is twice the model).
    ///
    ///     try AtomicFile.write(to: "weights.bin") { file in try file.write(header); try file.write(data) }
    public static func write(to path: String, _ body: (Writer) throws -> Void) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw FileError(path: path, problem: "cannot create \(temporary): \(errnoText())") }
        do {
            try body(Writer(fd: fd, path: path))
            guard fsync(fd) == 0 else { throw FileError(path: path, problem: "cannot write: \(errnoText())") }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let problem = errnoText()
            unlink(temporary)
            throw FileError(path: path, problem: "cannot rename temporary file into place: \(problem)")
        }
    }

    /// The open temporary file of `write(to:_:)`.
    public struct Writer {
        let fd: Int32
        let path: String

        public func write(_ bytes: UnsafeRawBufferPointer) throws {
            var written = 0
            while written < bytes.count {
                let n = Glibc.write(fd, bytes.baseAddress! + written, bytes.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, problem: "cannot write: \(errnoText())")
                }
                written += n
            }
        }
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileError(path: path, problem: "cannot open: \(errnoText())") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var status = stat()
        if fstat(fd, &status) == 0 { bytes.reserveCapacity(Int(status.st_size)) }   // no doubling on the way
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
