// TrainingDirectory: what a training run holds on its model directory from start to end.
//
// • An exclusive lock: `flock` on DIR/train.lock, so a second run into the same directory fails at
//   once instead of both overwriting each other's checkpoints, LATEST, metrics and model. The kernel
//   drops the lock when its process ends, however it ends, so a killed run never blocks `--resume`;
//   the file is left behind on purpose and only says who held it last.
// • No silent replacement: a new run (neither resume nor overwrite) refuses a directory that already
//   holds a trained model or checkpoints — a mistyped --model-dir must not destroy an hours-long run.
//   `.overwrite` removes the old run's model, checkpoints and metrics first.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import S2SCore

/// The locked model directory of a training run; the lock lasts as long as this object.
///
///     let directory = try TrainingDirectory.open("Models/en-de", mode: .new)   // throws if in use or trained
///     … train into directory.bundle …
///     directory.close()                                                       // or let it go
public final class TrainingDirectory: @unchecked Sendable {
    /// How a run treats what the directory already holds.
    public enum Mode: Sendable {
        /// A new run: refuses a directory with a trained model or checkpoints.
        case new
        /// Continues the run whose checkpoints the directory holds.
        case resume
        /// A new run that replaces the directory's model, checkpoints and metrics.
        case overwrite
    }

    public static let lockFile = "train.lock"

    public let bundle: ModelBundle
    /// The lock file's descriptor (-1 once closed); internal for a test that copies it.
    private(set) var descriptor: Int32

    /// Creates (if needed) and locks `directory` for a run in `mode`; see the file comment.
    public static func open(_ directory: String, mode: Mode) throws -> TrainingDirectory {
        let bundle = ModelBundle(directory: directory)
        try bundle.create()
        let lockPath = bundle.path(lockFile)
        let descriptor = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw BundleError(path: lockPath, problem: "cannot open the lock file: \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? AtomicFile.read(lockPath)).map { String(decoding: $0, as: UTF8.self) }?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            Glibc.close(descriptor)
            throw BundleError(path: directory,
                              problem: "another training run is using this model directory" + (holder.isEmpty ? "" : " (\(holder))"),
                              hint: "wait for it to finish, or train into another --model-dir")
        }
        let directory = TrainingDirectory(bundle: bundle, descriptor: descriptor)
        directory.recordHolder()
        try directory.prepare(mode)
        return directory
    }

    private init(bundle: ModelBundle, descriptor: Int32) { self.bundle = bundle; self.descriptor = descriptor }

    deinit { close() }

    /// Releases the lock (also done when the object is released or the process ends).
    public func close() {
        guard descriptor >= 0 else { return }
        // Unlock before closing: a child that another thread forks at this moment holds a copy of the
        // descriptor until it execs (O_CLOEXEC closes it only then), and a plain close would leave the
        // lock held by that copy — a run in this process reopening the directory would find it locked.
        _ = flock(descriptor, LOCK_UN)
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// What the directory holds that a new run would replace, for the refusal message.
    private static func trainedContents(of bundle: ModelBundle) -> [String] {
        var found: [String] = []
        if FileManager.default.fileExists(atPath: bundle.weightsPath) { found.append("a trained model (model.safetensors)") }
        if !CheckpointStore(modelDirectory: bundle.directory).checkpointNames().isEmpty { found.append("checkpoints") }
        return found
    }

    private func prepare(_ mode: Mode) throws {
        let contents = Self.trainedContents(of: bundle)
        switch mode {
        case .resume:
            return
        case .new where !contents.isEmpty:
            throw BundleError(path: bundle.directory, problem: "holds \(contents.joined(separator: " and ")) of an earlier run",
                              hint: "pass --resume to continue that run, --overwrite to replace it, or train into another --model-dir")
        case .new, .overwrite:
            // Nothing trained to keep (or told to replace it): start from a clean run record.
            let fm = FileManager.default
            for file in [bundle.weightsPath, CheckpointStore(modelDirectory: bundle.directory).directory, bundle.path(MetricsLog.fileName)]
            where fm.fileExists(atPath: file) {
                do { try fm.removeItem(atPath: file) } catch {
                    throw BundleError(path: file, problem: "cannot remove the earlier run's file: \(error.localizedDescription)")
                }
            }
        }
    }

    /// Writes who holds the lock into the lock file, for the message a second run prints.
    private func recordHolder() {
        var host = [CChar](repeating: 0, count: 256)
        gethostname(&host, host.count)
        let command = CommandLine.arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        let hostName = String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = "pid \(getpid()) on \(hostName): \(command)\n"
        _ = ftruncate(descriptor, 0)
        _ = text.withCString { pwrite(descriptor, $0, strlen($0), 0) }
    }
}
