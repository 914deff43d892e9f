// The prepared corpus: what is written is read back (two- and four-byte ids, empty sequences), and a
// corpus that is truncated, corrupted, from another pipeline or from changed text is refused naming the
// file; the writer never leaves half a corpus and never replaces a directory that is not one.
import Testing
import Foundation
import S2SCore
import S2STestSupport
@testable import S2STraining

@Suite struct PreparedCorpusTests {
    /// Random pairs of sequences, some empty, ids below `vocabulary`.
    static func pairs(_ count: Int, vocabulary: Int, seed: UInt64) -> [[[Int]]] {
        var rng = Generator(seed: seed)
        return (0..<count).map { _ in
            (0..<2).map { _ in (0..<rng.integer(below: 12)).map { _ in rng.integer(below: vocabulary) } }
        }
    }

    static func write(_ pairs: [[[Int]]], vocabulary: Int, to directory: String, inputs: [InputFile] = []) throws {
        let writer = try PreparedCorpusWriter(directory: directory, sides: [("source", vocabulary), ("target", vocabulary)])
        for pair in pairs { try writer.append(pair) }
        try writer.finish(pipelines: ["p-source", "p-target"], inputs: inputs, settings: ["maxLength": "100"], statistics: ["used": pairs.count])
    }

    @Test(arguments: [300, 70_000])
    func whatIsWrittenIsReadBack(vocabulary: Int) throws {
        let root = TemporaryDirectory("prepared")
        defer { root.remove() }
        let pairs = Self.pairs(500, vocabulary: vocabulary, seed: UInt64(vocabulary))
        try Self.write(pairs, vocabulary: vocabulary, to: root.file("corpus"))
        let corpus = try PreparedCorpus.open(root.file("corpus"))
        #expect(corpus.count == 500 && corpus.manifest.sides.map(\.tokenBytes) == [vocabulary < 65_536 ? 2 : 4, vocabulary < 65_536 ? 2 : 4])
        #expect(corpus.side(named: "target") == 1 && corpus.manifest.statistics["used"] == 500)
        for (index, pair) in pairs.enumerated() {
            #expect(corpus.ids(side: 0, index) == pair[0] && corpus.ids(side: 1, index) == pair[1])
            #expect(corpus.length(side: 1, index) == pair[1].count)
        }
        #expect(corpus.manifest.sides[0].tokens == pairs.reduce(0) { $0 + $1[0].count })
        #expect(corpus.manifest.sides[1].longest == pairs.map { $0[1].count }.max())
        #expect(!FileManager.default.fileExists(atPath: root.file("corpus.partial-\(getpid())")))
    }

    @Test func aTruncatedOrCorruptedCorpusIsRefusedNamingTheFile() throws {
        let root = TemporaryDirectory("prepared-bad")
        defer { root.remove() }
        let directory = root.file("corpus")
        try Self.write(Self.pairs(200, vocabulary: 50, seed: 1), vocabulary: 50, to: directory)
        let ids = directory + "/target.ids"
        let original = try Data(contentsOf: URL(fileURLWithPath: ids))

        // The writer's stamp lets an unchanged corpus open without reading it; a byte flipped in place with
        // the file's time put back (same size, time and inode) passes that, and only a full check finds it.
        var before = stat()
        #expect(stat(ids, &before) == 0)
        var flippedInPlace = original
        flippedInPlace[flippedInPlace.count / 3] ^= 0x10
        let handle = try #require(FileHandle(forWritingAtPath: ids))
        try handle.write(contentsOf: flippedInPlace)
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, ids, &times, 0) == 0)
        _ = try PreparedCorpus.open(directory)
        let found = #expect(throws: PreparedCorpusError.self) { try PreparedCorpus.open(directory, verify: .everyByte) }
        #expect(found?.file == ids && found?.problem.contains("corrupted") == true)

        try original.dropLast(3).write(to: URL(fileURLWithPath: ids))
        let truncated = #expect(throws: PreparedCorpusError.self) { try PreparedCorpus.open(directory) }
        #expect(truncated?.file == ids && truncated?.problem.contains("truncated") == true)

        var corrupted = original
        corrupted[corrupted.count / 2] ^= 0x01
        try corrupted.write(to: URL(fileURLWithPath: ids))
        let flipped = #expect(throws: PreparedCorpusError.self) { try PreparedCorpus.open(directory) }
        #expect(flipped?.file == ids && flipped?.problem.contains("corrupted") == true)
        _ = try PreparedCorpus.open(directory, verify: .sizes)   // sizes right: only the checksum sees it

        try original.write(to: URL(fileURLWithPath: ids))
        try FileManager.default.removeItem(atPath: directory + "/source.offsets")
        let missing = #expect(throws: PreparedCorpusError.self) { try PreparedCorpus.open(directory) }
        #expect(missing?.file == directory + "/source.offsets")
        let notACorpus = #expect(throws: PreparedCorpusError.self) { try PreparedCorpus.open(root.path) }
        #expect(notACorpus?.problem.contains("not a prepared corpus") == true)
    }

    @Test func anotherPipelineOrChangedTextIsNoticed() throws {
        let root = TemporaryDirectory("prepared-inputs")
        defer { root.remove() }
        let text = root.write("train.en", String(repeating: "a line of text\n", count: 10_000))
        try Self.write(Self.pairs(10, vocabulary: 20, seed: 2), vocabulary: 20, to: root.file("corpus"), inputs: [try InputFile.of(text)])
        let corpus = try PreparedCorpus.open(root.file("corpus"))
        try corpus.requirePipelines(["source": "p-source", "target": "p-target"])
        try corpus.requireInputs([text])
        #expect(throws: PreparedCorpusError.self) { try corpus.requirePipelines(["source": "p-source", "target": "other"]) }
        #expect(throws: PreparedCorpusError.self) { try corpus.requireInputs([root.file("other.en")]) }
        // The same size, one byte changed near the end: the sample sees it.
        var bytes = Array(String(repeating: "a line of text\n", count: 10_000).utf8)
        bytes[bytes.count - 5] = UInt8(ascii: "X")
        _ = root.write("train.en", bytes)
        let changed = #expect(throws: PreparedCorpusError.self) { try corpus.requireInputs([text]) }
        #expect(changed?.file == text && changed?.problem.contains("changed") == true)
    }

    @Test func theWriterReplacesOnlyACorpusAndLeavesNoHalfOfOne() throws {
        let root = TemporaryDirectory("prepared-writer")
        defer { root.remove() }
        try FileManager.default.createDirectory(atPath: root.file("model"), withIntermediateDirectories: true)
        let model = root.write("model/config.json", "{}")
        #expect(throws: PreparedCorpusError.self) {
            _ = try PreparedCorpusWriter(directory: root.file("model"), sides: [("source", 10)])
        }
        #expect(FileManager.default.fileExists(atPath: model))
        try Self.write(Self.pairs(5, vocabulary: 10, seed: 3), vocabulary: 10, to: root.file("corpus"))
        try Self.write(Self.pairs(7, vocabulary: 10, seed: 4), vocabulary: 10, to: root.file("corpus"))   // replaces it
        #expect(try PreparedCorpus.open(root.file("corpus")).count == 7)
        do {   // abandoned before finish: nothing at the destination, no scratch left
            let writer = try PreparedCorpusWriter(directory: root.file("abandoned"), sides: [("source", 10)])
            try writer.append([[1, 2]])
        }
        #expect(!FileManager.default.fileExists(atPath: root.file("abandoned")))
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["corpus", "model"])
    }
}
