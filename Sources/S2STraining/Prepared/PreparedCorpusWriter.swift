// Writes a prepared corpus (PreparedCorpus.swift) as its sequences arrive, in memory bounded by its
// buffers, into a scratch directory beside the destination that is renamed into place only when every
// file and the manifest are complete: a crash leaves the old corpus (or none), never half of one.
import Foundation
import S2SCore

/// Appends sequences, one per side at a time, then `finish` puts the corpus in place.
///
///     let writer = try PreparedCorpusWriter(directory: "big.prepared", sides: [("source", 32000), ("target", 32000)])
///     try writer.append([[5, 9, 4], [7, 7]])       // pair 0
///     try writer.finish(pipelines: [sourceFingerprint, targetFingerprint], inputs: [...], settings: [:], statistics: [:])
public final class PreparedCorpusWriter {
    public let directory: String
    private let scratch: String
    private let names: [String]
    private let tokenBytes: [Int]
    private var sides: [SideWriter]
    private var count = 0
    private var finished = false

    /// `sides`: each side's name and vocabulary size (ids below 65,536 are stored in two bytes).
    /// Refuses to replace a directory that is not a prepared corpus.
    public init(directory: String, sides: [(name: String, vocabularySize: Int)]) throws {
        precondition(!sides.isEmpty && Set(sides.map(\.name)).count == sides.count, "PreparedCorpusWriter: distinct side names")
        let directory = PreparedCorpus.normalized(directory)   // "big.prepared/" names the directory, not a place inside it
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
           !FileManager.default.fileExists(atPath: directory + "/" + PreparedCorpus.manifestName) {
            let empty = isDirectory.boolValue && ((try? FileManager.default.contentsOfDirectory(atPath: directory))?.isEmpty ?? false)
            guard empty else {
                throw PreparedCorpusError(file: directory, "exists and is not a prepared corpus: not replacing it")
            }
        }
        let scratch = directory + ".partial-\(getpid())"
        self.directory = directory
        self.scratch = scratch
        try? FileManager.default.removeItem(atPath: scratch)
        do { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) } catch {
            throw PreparedCorpusError(file: scratch, "cannot create it (\(error.localizedDescription))")
        }
        let names = sides.map(\.name), tokenBytes = sides.map { $0.vocabularySize <= 1 << 16 ? 2 : 4 }
        self.names = names
        self.tokenBytes = tokenBytes
        self.sides = try zip(names, tokenBytes).map { try SideWriter(directory: scratch, name: $0, tokenBytes: $1) }
    }

    deinit { if !finished { try? FileManager.default.removeItem(atPath: scratch) } }

    /// Sequences written so far.
    public var written: Int { count }

    /// Appends one sequence per side (in the order the sides were given).
    public func append(_ sequences: [[Int]]) throws {
        precondition(sequences.count == sides.count, "PreparedCorpusWriter: \(sequences.count) sequences for \(sides.count) sides")
        for (side, ids) in zip(sides, sequences) { try side.append(ids) }
        count += 1
    }

    /// Writes the manifest and renames the corpus into place (replacing an older prepared corpus there).
    /// `extras` writes files of the caller's into the directory first (the text pipelines), so they are
    /// put in place with the corpus, or not at all.
    @discardableResult
    public func finish(pipelines: [String], inputs: [InputFile], settings: [String: String],
                       statistics: [String: Int], extras: (_ directory: String) throws -> Void = { _ in }) throws -> PreparedCorpus.Manifest {
        precondition(pipelines.count == sides.count, "PreparedCorpusWriter: one pipeline fingerprint per side")
        var manifestSides: [PreparedCorpus.Manifest.Side] = []
        for (index, side) in sides.enumerated() {
            try side.close()
            manifestSides.append(.init(name: names[index], tokenBytes: tokenBytes[index], tokens: side.tokens, longest: side.longest,
                                       pipeline: pipelines[index], idsCRC32C: side.idsCRC, offsetsCRC32C: side.offsetsCRC))
        }
        try extras(scratch)
        CheckStamp.write(scratch, files: names.flatMap { [$0 + ".ids", $0 + ".offsets"] })   // checksummed as written
        let manifest = PreparedCorpus.Manifest(count: count, sides: manifestSides, inputs: inputs, settings: settings, statistics: statistics)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manifestPath = scratch + "/" + PreparedCorpus.manifestName
        guard FileManager.default.createFile(atPath: manifestPath, contents: try encoder.encode(manifest)) else {
            throw PreparedCorpusError(file: manifestPath, "cannot write it")
        }
        let old = directory + ".old-\(getpid())"
        let replacing = FileManager.default.fileExists(atPath: directory)
        if replacing { try rename(directory, to: old) }
        try rename(scratch, to: directory)
        if replacing { try? FileManager.default.removeItem(atPath: old) }
        finished = true
        return manifest
    }

    private func rename(_ from: String, to: String) throws {
        guard Foundation.rename(from, to) == 0 else {
            throw PreparedCorpusError(file: to, "cannot move \(from) here (\(String(cString: strerror(errno))))")
        }
    }
}

/// One side's ids and offsets files, written through buffers, with their checksums kept as they go.
private final class SideWriter {
    let tokenBytes: Int
    private let ids: BufferedFile, offsets: BufferedFile
    private(set) var tokens = 0, longest = 0

    init(directory: String, name: String, tokenBytes: Int) throws {
        self.tokenBytes = tokenBytes
        ids = try BufferedFile(path: directory + "/" + name + ".ids")
        offsets = try BufferedFile(path: directory + "/" + name + ".offsets")
        try offsets.append(UInt64(0))
    }

    var idsCRC: UInt32 { ids.crc }
    var offsetsCRC: UInt32 { offsets.crc }

    func append(_ sequence: [Int]) throws {
        let limit = tokenBytes == 2 ? Int(UInt16.max) : Int(UInt32.max)
        for id in sequence {
            precondition(id >= 0 && id <= limit, "PreparedCorpusWriter: id \(id) does not fit \(tokenBytes) bytes")
            if tokenBytes == 2 { try ids.append(UInt16(id)) } else { try ids.append(UInt32(id)) }
        }
        tokens += sequence.count
        longest = max(longest, sequence.count)
        try offsets.append(UInt64(tokens))
    }

    func close() throws { try ids.close(); try offsets.close() }
}

/// A file written in 1 MiB pieces, with the CRC-32C of everything written.
private final class BufferedFile {
    let path: String
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private(set) var crc: UInt32 = 0

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw PreparedCorpusError(file: path, "cannot create it")
        }
        self.path = path; self.handle = handle
        buffer.reserveCapacity(1 << 20)
    }

    func append<Integer: FixedWidthInteger>(_ value: Integer) throws {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 20 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        crc = buffer.withUnsafeBytes { CRC32C.checksum($0, continuing: crc) }
        do { try handle.write(contentsOf: buffer) } catch { throw PreparedCorpusError(file: path, "write failed (\(error.localizedDescription))") }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        do { try handle.synchronize(); try handle.close() } catch { throw PreparedCorpusError(file: path, "cannot close it (\(error.localizedDescription))") }
    }
}
