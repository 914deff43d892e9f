// How a training job takes part in `mpirun -np N s2s train-* --distributed`. Rank 0 trains into the
// model directory exactly as a single process would. Every other rank trains into a scratch directory
// of its own (removed at the end): on a resume it first receives, over MPI, the files of rank 0's
// directory that a resume reads — config, text pipeline, the latest checkpoint — so the ranks need no
// shared filesystem and all restart from rank 0's checkpoint. Before the first step the ranks compare
// everything that must be equal (settings, vocabularies, data) and refuse to start, naming the first
// difference. A rank that fails ends the whole job (the command aborts MPI), so no rank is left waiting.
import Foundation
import S2SCore
import S2STraining
import S2SText

/// One rank's place in a distributed training run (or a single process's, with no collective).
struct DistributedRun {
    let collective: (any Collective)?
    /// Where this rank trains: the model directory (rank 0, or alone) or a scratch directory.
    let directory: String
    /// The mode this rank opens its directory with (a scratch directory is always fresh).
    let mode: TrainingDirectory.Mode
    private let originalMode: TrainingDirectory.Mode

    init(modelDirectory: String, mode: TrainingDirectory.Mode, collective: (any Collective)?) {
        self.collective = collective
        originalMode = mode
        guard let collective, collective.rank != 0 else {
            (directory, self.mode) = (modelDirectory, mode)
            return
        }
        // Unique per run: a classifier's pretraining is a run inside the classifier's run.
        let scratch = FileManager.default.temporaryDirectory.path + "/s2s-rank\(collective.rank)-\(UUID().uuidString)"
        try? FileManager.default.removeItem(atPath: scratch)
        (directory, self.mode) = (scratch, mode == .resume ? .resume : .overwrite)
    }

    var rank: Int { collective?.rank ?? 0 }
    /// The number of ranks (1 alone).
    var ranks: Int { collective?.size ?? 1 }

    /// Removes a scratch directory.
    func cleanUp() {
        if rank != 0 { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// On a distributed resume: rank 0 sends what its opened directory holds for a resume, the others
    /// write it into theirs. Call right after opening the directory, on every rank.
    func shareResumeFiles(_ bundle: ModelBundle) throws {
        guard let collective, collective.size > 1, originalMode == .resume else { return }
        var archive: [UInt8] = []
        if collective.rank == 0 { archive = try Self.archive(resumeFilesOf: bundle.directory) }
        let received = collective.broadcast(archive, from: 0)
        if collective.rank != 0 { try Self.extract(received, into: bundle.directory) }
    }

    /// Rank 0's files `names` of `directory` (those it has), written into every other rank's `directory`.
    func shareFiles(_ names: [String], of directory: String) throws {
        guard let collective, collective.size > 1 else { return }
        var archive: [UInt8] = []
        if collective.rank == 0 {
            archive = try Self.archive(names.filter { FileManager.default.fileExists(atPath: directory + "/" + $0) }, of: directory)
        }
        let received = collective.broadcast(archive, from: 0)
        if collective.rank != 0 { try Self.extract(received, into: directory) }
    }

    /// `body` on rank 0 first and on the other ranks once it is done, when `ordered`: what rank 0 writes
    /// into a shared directory (a `--data-cache`) the others then find and reuse instead of making it
    /// again; where the directory is not shared, each makes its own. Unordered, every rank at once.
    func rankZeroFirst<T>(when ordered: Bool, _ body: () throws -> T) throws -> T {
        guard ordered, let collective, collective.size > 1 else { return try body() }
        if collective.rank == 0 {
            let result = Result { try body() }
            if case .failure = result { _ = collective.agree(false) } else { _ = collective.agree(true) }
            return try result.get()
        }
        guard collective.agree(true) else { throw TrainingError("rank 0 could not prepare the training data (its log says why)") }
        return try body()
    }

    /// Compares `values` (name → fingerprint) across the ranks; throws naming the first that differs
    /// from rank 0's. Every rank sees every rank's values, so all of them stop, with the same message.
    func requireSame(_ values: [(name: String, value: String)]) throws {
        guard let collective, collective.size > 1 else { return }
        let encoded = values.map { $0.name + "\t" + $0.value }.joined(separator: "\n")
        let ranks = collective.allGather(Array(encoded.utf8)).map { bytes in
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line in
                let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
                return (name: parts[0], value: parts.count > 1 ? parts[1] : "")
            }
        }
        for (rank, theirs) in ranks.enumerated().dropFirst() {
            for (name, value) in ranks[0] {
                let other = theirs.first { $0.name == name }?.value
                guard other != value else { continue }
                throw DistributedError("rank \(rank) was started with another \(name) than rank 0 (\(other ?? "none") vs \(value)); every rank needs the same settings, vocabularies and data")
            }
        }
    }

    // MARK: the resume archive

    /// The files a resume reads: the directory's own files (config, text pipeline, labels) but the
    /// lock, the metrics and the kept model, and the latest checkpoint with LATEST.
    static func archive(resumeFilesOf directory: String) throws -> [UInt8] {
        let fm = FileManager.default
        var paths = try fm.contentsOfDirectory(atPath: directory).sorted().filter { name in
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            return !isDirectory.boolValue && ![TrainingDirectory.lockFile, MetricsLog.fileName, "model.safetensors"].contains(name)
        }
        let store = CheckpointStore(modelDirectory: directory)
        if let latest = try store.latest() {
            paths.append("checkpoints/LATEST")
            for file in try fm.contentsOfDirectory(atPath: store.directory + "/" + latest.name).sorted() {
                paths.append("checkpoints/\(latest.name)/\(file)")
            }
        }
        return try archive(paths, of: directory)
    }

    /// The files `paths` (relative to `directory`) with their names, for `extract`.
    static func archive(_ paths: [String], of directory: String) throws -> [UInt8] {
        var out: [UInt8] = []
        func append(_ count: Int) { withUnsafeBytes(of: UInt64(count).littleEndian) { out.append(contentsOf: $0) } }
        append(paths.count)
        for path in paths {
            let bytes = try AtomicFile.read(directory + "/" + path)
            append(path.utf8.count); out.append(contentsOf: path.utf8)
            append(bytes.count); out.append(contentsOf: bytes)
        }
        return out
    }

    static func extract(_ archive: [UInt8], into directory: String) throws {
        var offset = 0
        func next() -> Int {
            let value = archive[offset..<(offset + 8)].withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            offset += 8
            return Int(value)
        }
        for _ in 0..<next() {
            let nameLength = next()
            let path = String(decoding: archive[offset..<(offset + nameLength)], as: UTF8.self)
            offset += nameLength
            let length = next()
            let target = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try AtomicFile.write(Array(archive[offset..<(offset + length)]), to: target)
            offset += length
        }
    }
}
