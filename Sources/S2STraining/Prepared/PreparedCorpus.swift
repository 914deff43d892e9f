// A prepared corpus: training data as token ids, written once and memory-mapped, so a corpus larger than
// memory trains in bounded memory and a resume does not read and encode the text again. A directory:
//
//     corpus.json           the manifest: sides, counts, token width, checksums, the text pipelines'
//                           fingerprints, the input files it was made from, filters and statistics
//     <side>.ids            every sequence's token ids, one after another (little-endian UInt16 when
//                           the side's vocabulary fits, else UInt32)
//     <side>.offsets        count + 1 little-endian UInt64: sequence i is ids[offsets[i] ..< offsets[i+1]]
//     pipelines/<side>/     the text pipeline that made the ids (pipeline.json, bpe.codes, vocab.txt), when
//                           the preparer keeps it there: a task then reuses it instead of learning it again
//
// One side per parallel stream (a translation pair has "source" and "target"). Opening checks sizes
// (a truncated file), offsets and CRC-32C checksums (a corrupted one); the caller checks the pipelines'
// fingerprints and the inputs (a corpus made from other text, or from a file changed since).
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import S2SCore

/// What is wrong with a prepared corpus, naming the file.
public struct PreparedCorpusError: Error, CustomStringConvertible, Equatable {
    public let file: String
    public let problem: String
    public init(file: String, _ problem: String) { self.file = file; self.problem = problem }
    public var description: String { "\(file): \(problem)" }
}

/// A prepared corpus, mapped read-only.
///
///     let corpus = try PreparedCorpus.open("Models/big/data")
///     try corpus.requirePipelines(["source": sourceFingerprint, "target": targetFingerprint])
///     let (source, target) = (corpus.ids(side: 0, 17), corpus.ids(side: 1, 17))
///
/// Thread-safe for reading. Memory: the pages a run touches (the offsets of the sequences it reads and
/// their ids), shared with the page cache, not a copy of the corpus.
public final class PreparedCorpus: @unchecked Sendable {
    public static let manifestName = "corpus.json"
    public static let format = "s2s prepared corpus"
    public static let version = 1

    public struct Manifest: Codable, Equatable, Sendable {
        public var format = PreparedCorpus.format
        public var version = PreparedCorpus.version
        /// Sequences per side.
        public var count: Int
        public var sides: [Side]
        /// The text files it was made from, as they were then.
        public var inputs: [InputFile]
        /// What else decides its content (filters, lowercasing, …), as the preparer records it.
        public var settings: [String: String]
        /// Lines read, used and skipped, by reason.
        public var statistics: [String: Int]

        public struct Side: Codable, Equatable, Sendable {
            public var name: String
            /// 2 (UInt16) or 4 (UInt32).
            public var tokenBytes: Int
            public var tokens: Int
            /// The longest sequence's length.
            public var longest: Int
            /// The fingerprint of the text pipeline that made the ids.
            public var pipeline: String
            public var idsCRC32C: UInt32
            public var offsetsCRC32C: UInt32
        }
    }

    public let directory: String
    public let manifest: Manifest
    private let sides: [MappedSide]

    public var count: Int { manifest.count }

    /// `directory` without trailing slashes ("big.prepared/" → "big.prepared"): the writer's scratch and
    /// lock files go beside it, not inside.
    public static func normalized(_ directory: String) -> String {
        var path = directory
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        return path
    }

    /// Runs `body` holding an exclusive lock on `directory` (a `.lock` file beside it), so that two
    /// processes given the same cache (two runs, two ranks on one host) do not prepare it at once: the
    /// second waits, then finds the corpus the first made. Scratch directories a killed preparer left
    /// beside it are removed first.
    public static func withLock<T>(_ directory: String, _ body: () throws -> T) throws -> T {
        let directory = normalized(directory)
        let lockPath = directory + ".lock"
        let parent = (directory as NSString).deletingLastPathComponent
        if !parent.isEmpty { try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true) }
        let fd = Glibc.open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PreparedCorpusError(file: lockPath, "cannot create the lock file (\(String(cString: strerror(errno))))") }
        defer { Glibc.close(fd) }   // closing releases the lock
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw PreparedCorpusError(file: lockPath, "cannot lock it (\(String(cString: strerror(errno))))") }
        }
        let name = (directory as NSString).lastPathComponent
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: parent.isEmpty ? "." : parent)) ?? []
        where entry.hasPrefix(name + ".partial-") || entry.hasPrefix(name + ".old-") {
            try? FileManager.default.removeItem(atPath: (parent.isEmpty ? "" : parent + "/") + entry)   // a killed preparer's
        }
        return try body()
    }

    /// Where the preparer keeps the text pipeline of side `name` (see the file's comment).
    public static func pipelineDirectory(_ directory: String, side name: String) -> String { directory + "/pipelines/" + name }

    /// Throws naming the first of `wanted`'s settings the corpus was prepared with otherwise (settings it
    /// records but `wanted` does not name are not compared).
    public func requireSettings(_ wanted: [String: String]) throws {
        for (key, value) in wanted.sorted(by: { $0.key < $1.key }) where manifest.settings[key] != value {
            throw PreparedCorpusError(file: directory + "/" + Self.manifestName,
                                      "prepared with \(key) \(manifest.settings[key] ?? "unset"), not \(value)")
        }
    }

    /// How much of a corpus `open` reads to check it.
    public enum Verification: Sendable {
        /// Every byte's checksum and the index's order (about a second per gigabyte from the page cache;
        /// at disk speed otherwise: 33 s for 20 million pairs read cold here).
        case everyByte
        /// Every byte unless the files are those a full check (or the writer) passed — same size, time
        /// and inode as `checked.json` records — then only the sizes: a second run on the same corpus starts
        /// at once, and a file written since (replaced, edited, truncated) is checked in full.
        case unlessUnchangedSinceChecked
        /// The sizes only (a corpus this process has just written and checksummed).
        case sizes
    }

    /// Opens the prepared corpus in `directory`, refusing one that is truncated or corrupted (see
    /// `Verification`).
    public static func open(_ directory: String, verify: Verification = .unlessUnchangedSinceChecked) throws -> PreparedCorpus {
        let manifestPath = directory + "/" + manifestName
        guard let data = FileManager.default.contents(atPath: manifestPath) else {
            throw PreparedCorpusError(file: manifestPath, "missing: not a prepared corpus (make one with `s2s prepare`)")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw PreparedCorpusError(file: manifestPath, "not a prepared corpus manifest (\(error))")
        }
        guard manifest.format == format, manifest.version == version else {
            throw PreparedCorpusError(file: manifestPath, "format \"\(manifest.format)\" version \(manifest.version); this s2s reads \"\(format)\" version \(version)")
        }
        let files = manifest.sides.flatMap { [$0.name + ".ids", $0.name + ".offsets"] }
        let unchanged = verify == .unlessUnchangedSinceChecked && CheckStamp.matches(directory, files: files)
        let full = verify == .everyByte || (verify == .unlessUnchangedSinceChecked && !unchanged)
        let sides = try manifest.sides.map { try MappedSide(directory: directory, side: $0, count: manifest.count, verify: full) }
        if full { CheckStamp.write(directory, files: files) }   // best effort: a read-only corpus is checked each time
        return PreparedCorpus(directory: directory, manifest: manifest, sides: sides)
    }

    private init(directory: String, manifest: Manifest, sides: [MappedSide]) {
        self.directory = directory; self.manifest = manifest; self.sides = sides
    }

    /// The index of the side called `name`.
    public func side(named name: String) -> Int? { manifest.sides.firstIndex { $0.name == name } }

    /// The length of sequence `index` of side `side`.
    public func length(side: Int, _ index: Int) -> Int { sides[side].length(index) }

    /// The ids of sequence `index` of side `side`.
    public func ids(side: Int, _ index: Int) -> [Int] { sides[side].ids(index) }

    /// `length(i)` of every sequence, clamped to two bytes (what a batcher sorts by), read a million
    /// sequences at a time with the index's pages given back between: 16 bytes a sequence of offsets would
    /// otherwise stay resident (320 MB at 20 million pairs) for 2 bytes of lengths.
    public func lengths(_ length: (Int) -> Int) -> [UInt16] {
        var lengths: [UInt16] = []
        lengths.reserveCapacity(count)
        for start in stride(from: 0, to: count, by: 1 << 20) {
            let end = min(count, start + 1 << 20)
            for side in sides { side.offsets.willRead(8 * start ..< 8 * (end + 1)) }
            for i in start..<end { lengths.append(UInt16(clamping: length(i))) }
            release()
        }
        return lengths
    }

    /// Side `side`'s ids, every sequence one after another as stored (little-endian, `tokenBytes` each):
    /// valid while the corpus lives. A language model reads its text as this one sequence.
    public func allIds(side: Int) -> (bytes: UnsafeRawBufferPointer, tokenBytes: Int) {
        (sides[side].ids.bytes, sides[side].tokenBytes)
    }

    /// Gives the mapped pages back to the file (resident memory drops to what is read next).
    public func release() {
        for side in sides { side.ids.release(); side.offsets.release() }
    }

    /// Refuses a corpus whose sides were made by other text pipelines: `expected` maps side names to
    /// pipeline fingerprints.
    public func requirePipelines(_ expected: [String: String]) throws {
        for side in manifest.sides {
            guard let fingerprint = expected[side.name] else { continue }
            guard fingerprint == side.pipeline else {
                throw PreparedCorpusError(file: directory + "/" + Self.manifestName,
                                          "its \(side.name) side was made by text pipeline \(side.pipeline), not this model's \(fingerprint): prepare it again")
            }
        }
    }

    /// Refuses a corpus made from other files, or from files changed since (size, time or sampled bytes).
    public func requireInputs(_ paths: [String]) throws {
        let recorded = manifest.inputs.map(\.path), paths = paths.map(InputFile.standardized)
        guard recorded.map(InputFile.standardized) == paths else {
            throw PreparedCorpusError(file: directory + "/" + Self.manifestName,
                                      "prepared from \(recorded.joined(separator: ", ")), not \(paths.joined(separator: ", "))")
        }
        for input in manifest.inputs {
            if let change = try input.change() {
                throw PreparedCorpusError(file: input.path, "\(change) since it was prepared into \(directory): prepare it again")
            }
        }
    }
}

/// A text file as it was when a corpus was prepared from it: its size, modification time and a hash
/// of its first and last 64 KiB (enough to notice an edit without reading gigabytes).
public struct InputFile: Codable, Equatable, Sendable {
    public var path: String
    public var bytes: Int
    public var modified: Double
    public var sample: String

    public static func of(_ path: String) throws -> InputFile {
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw PreparedCorpusError(file: path, "cannot read it (\(error.localizedDescription))")
        }
        let bytes = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return InputFile(path: standardized(path), bytes: bytes, modified: modified, sample: try sampleHash(path, bytes: bytes))
    }

    /// The absolute path without "." and ".." ("./big.en" and "big.en" are one file).
    public static func standardized(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    /// What differs now, or nil.
    public func change() throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return "removed" }
        let now = try InputFile.of(path)
        if now.bytes != bytes { return "changed (\(bytes) bytes then, \(now.bytes) now)" }
        if now.sample != sample { return "changed (its first or last 64 KiB differ)" }
        if now.modified != modified { return "modified" }
        return nil
    }

    private static func sampleHash(_ path: String, bytes: Int) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PreparedCorpusError(file: path, "cannot open it") }
        defer { try? handle.close() }
        let window = 1 << 16
        var sample = try handle.read(upToCount: window) ?? Data()
        if bytes > window {
            try handle.seek(toOffset: UInt64(max(window, bytes - window)))
            sample += try handle.readToEnd() ?? Data()
        }
        return String(CRC32C.checksum(Array(sample)), radix: 16) + "-" + String(sample.count)
    }
}

/// `checked.json` in a corpus directory: each data file's size, modification time and inode when a full
/// check (or the writer's checksums) last passed.
enum CheckStamp {
    static let name = "checked.json"

    static func identity(_ path: String) -> String? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return "\(status.st_size) \(status.st_mtim.tv_sec).\(status.st_mtim.tv_nsec) \(status.st_ino)"
    }

    static func current(_ directory: String, files: [String]) -> [String: String]? {
        var identities: [String: String] = [:]
        for file in files {
            guard let identity = identity(directory + "/" + file) else { return nil }
            identities[file] = identity
        }
        return identities
    }

    static func matches(_ directory: String, files: [String]) -> Bool {
        guard let data = FileManager.default.contents(atPath: directory + "/" + name),
              let recorded = try? JSONDecoder().decode([String: String].self, from: data) else { return false }
        return current(directory, files: files) == recorded
    }

    static func write(_ directory: String, files: [String]) {
        guard let identities = current(directory, files: files), let data = try? JSONEncoder().encode(identities) else { return }
        try? data.write(to: URL(fileURLWithPath: directory + "/" + name), options: .atomic)
    }
}

/// One side's two files, mapped.
private final class MappedSide {
    let ids: MappedFile, offsets: MappedFile
    let tokenBytes: Int

    init(directory: String, side: PreparedCorpus.Manifest.Side, count: Int, verify: Bool) throws {
        let idsPath = directory + "/" + side.name + ".ids", offsetsPath = directory + "/" + side.name + ".offsets"
        guard side.tokenBytes == 2 || side.tokenBytes == 4 else {
            throw PreparedCorpusError(file: directory + "/" + PreparedCorpus.manifestName, "side \(side.name): token width \(side.tokenBytes) bytes (2 or 4)")
        }
        tokenBytes = side.tokenBytes
        ids = try MappedFile(path: idsPath, expectedBytes: side.tokens * side.tokenBytes)
        offsets = try MappedFile(path: offsetsPath, expectedBytes: (count + 1) * 8)
        guard verify else { return }
        if ids.checksum() != side.idsCRC32C { throw PreparedCorpusError(file: idsPath, "corrupted: its checksum differs from the manifest's") }
        if offsets.checksum() != side.offsetsCRC32C { throw PreparedCorpusError(file: offsetsPath, "corrupted: its checksum differs from the manifest's") }
        var previous: UInt64 = 0
        for i in 0...count {
            let offset = offset(i)
            guard offset >= previous, offset <= UInt64(side.tokens), i > 0 || offset == 0 else {
                throw PreparedCorpusError(file: offsetsPath, "offset \(i) is \(offset), after \(previous) (of \(side.tokens) tokens): not a valid index")
            }
            previous = offset
            if i % (8 << 20) == 0 {   // every 64 MiB: give the pages read back, ask for the next ones
                offsets.release()
                offsets.willRead(8 * i ..< 8 * (i + 8 << 20))
            }
        }
        guard previous == UInt64(side.tokens) else {
            throw PreparedCorpusError(file: offsetsPath, "ends at token \(previous), the manifest says \(side.tokens)")
        }
        offsets.release()
    }

    @inline(__always) func offset(_ i: Int) -> UInt64 {
        UInt64(littleEndian: offsets.bytes.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
    }

    func length(_ index: Int) -> Int { Int(offset(index + 1) - offset(index)) }

    func ids(_ index: Int) -> [Int] {
        let start = Int(offset(index)), end = Int(offset(index + 1))
        if tokenBytes == 2 {
            return (start..<end).map { Int(UInt16(littleEndian: ids.bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) }
        }
        return (start..<end).map { Int(UInt32(littleEndian: ids.bytes.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
    }
}

/// A file mapped read-only, of exactly the size expected.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer

    init(path: String, expectedBytes: Int) throws {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw PreparedCorpusError(file: path, "missing or unreadable: the prepared corpus is incomplete") }
        defer { Glibc.close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw PreparedCorpusError(file: path, "cannot stat it") }
        let size = Int(status.st_size)
        guard size == expectedBytes else {
            throw PreparedCorpusError(file: path, "\(size) bytes, the manifest says \(expectedBytes): \(size < expectedBytes ? "truncated" : "longer than written")")
        }
        guard size > 0 else { bytes = UnsafeRawBufferPointer(start: nil, count: 0); return }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else {
            throw PreparedCorpusError(file: path, "cannot map it (\(String(cString: strerror(errno))))")
        }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
        // Batches read pairs from all over the file: no read-ahead (it halved the pages a batch left
        // resident, measured on 20 million pairs; `release` drops the rest).
        madvise(address, size, MADV_RANDOM)
    }

    /// The CRC-32C of the whole file, read 64 MiB at a time, each piece's pages given back after it is
    /// read (they are the file's, read again when a batch needs them): checking a corpus larger than
    /// memory does not make it resident.
    func checksum() -> UInt32 {
        var crc: UInt32 = 0, start = 0
        while start < bytes.count {
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<min(bytes.count, start + (64 << 20))])
            willRead(start ..< start + piece.count)
            crc = CRC32C.checksum(piece, continuing: crc)
            release(piece)
            start += piece.count
        }
        return crc
    }

    /// Asks for `range` (bytes) to be read ahead: the mapping is random-access (no read-ahead), and a
    /// sequential pass (checksums, the lengths) would otherwise fault in one page at a time (12.5 s to
    /// open 20 million pairs, measured).
    func willRead(_ range: Range<Int>) {
        guard let base = bytes.baseAddress, !range.isEmpty else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = (Int(bitPattern: base) + range.lowerBound) & ~(page - 1)
        let end = Int(bitPattern: base) + min(range.upperBound, bytes.count)
        madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_WILLNEED)
    }

    /// Drops mapped pages from this process's resident memory (the file keeps them).
    func release(_ range: UnsafeRawBufferPointer? = nil) {
        let range = range ?? bytes
        guard let base = range.baseAddress else { return }
        // madvise wants a page-aligned start: round it down (the pages before are this file's too).
        let page = Int(sysconf(Int32(_SC_PAGESIZE))), start = Int(bitPattern: base) & ~(page - 1)
        madvise(UnsafeMutableRawPointer(bitPattern: start), Int(bitPattern: base) - start + range.count, MADV_DONTNEED)
    }

    deinit { if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) } }
}
