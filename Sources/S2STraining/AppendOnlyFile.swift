// An append-only file descriptor for logs that grow during training (metrics.jsonl, TensorBoard
// events): every `append` is written straight to the kernel with write(2), so a crash loses at most
// the call in progress, and other processes (tail -f, TensorBoard) see each record as it lands.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import S2SCore

/// A file opened for appending.
///
///     let file = try AppendOnlyFile(path: "run/metrics.jsonl")
///     try file.append(Array("{}\n".utf8))
final class AppendOnlyFile {
    let path: String
    private var fd: Int32

    /// Opens `path` for appending, creating it if needed; with `exclusive`, fails if it exists.
    init(path: String, exclusive: Bool = false) throws {
        let flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (exclusive ? O_EXCL : 0)
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            throw FileError(path: path, problem: errno == EEXIST ? "already exists" : "cannot open for writing: \(errnoText())")
        }
        self.path = path
        self.fd = fd
    }

    deinit { close() }

    /// Writes all of `bytes` at the end of the file.
    func append(_ bytes: [UInt8]) throws {
        guard fd >= 0 else { throw FileError(path: path, problem: "file is closed") }
        try bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = write(fd, raw.baseAddress! + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError(path: path, problem: "cannot write: \(errnoText())")
                }
                written += n
            }
        }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd); fd = -1 }
    }
}

func errnoText() -> String { String(cString: strerror(errno)) }
