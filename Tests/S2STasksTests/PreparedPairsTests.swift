// A translator's training pairs through the prepared corpus: the same pairs, ids, lengths and length
// filter as encoding the lines in memory; the streamed pipeline build equals the in-memory one; the
// cache is reused while nothing changed and prepared again when the text or the pipelines did.
import Testing
import Foundation
import S2SText
import S2STraining
import S2STestSupport
@testable import S2STasks

@Suite struct PreparedPairsTests {
    static let english = ["A dog runs.", "", "Two men climb a large rock in the sun.", "A girl.", "Hi.",
                          "The street is long and the street is wide and the street is old."]
    static let german = ["Ein Hund rennt.", "Leer?", "Zwei Männer klettern auf einen großen Felsen in der Sonne.", "Ein Mädchen.", "",
                         "Die Straße ist lang und die Straße ist breit und die Straße ist alt."]

    func files(_ root: TemporaryDirectory) -> (String, String) {
        (root.write("train.en", Self.english.joined(separator: "\n") + "\n"), root.write("train.de", Self.german.joined(separator: "\n") + "\n"))
    }

    func text(_ source: String, _ target: String, merges: Int = 10, threads: Int = 1) throws -> TranslationText {
        try TranslationText.build(source: source, target: target, sourceUnit: .words, targetUnit: .words, lowercase: true,
                                  bpeMerges: merges, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0, threads: threads)
    }

    @Test func theSamePairsAsEncodingTheLinesInMemory() throws {
        let root = TemporaryDirectory("prepared-pairs")
        defer { root.remove() }
        let (source, target) = files(root)
        let streamed = try text(source, target)
        let (lines, _) = try ParallelLines.read(source: source, target: target)
        let inMemory = try TranslationText.build(pairs: lines.pairs, sourceUnit: .words, targetUnit: .words, lowercase: true,
                                                 bpeMerges: 10, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0)
        #expect(streamed.source.pipeline.fingerprint == inMemory.source.pipeline.fingerprint)
        #expect(streamed.target.pipeline.fingerprint == inMemory.target.pipeline.fingerprint)

        let encoded = try EncodedPairs.encode(lines, text: streamed, maxLength: 12)
        let prepared = try PreparedPairs.prepare(source: source, target: target, text: streamed, filters: PairFilters(maxLength: 12), into: root.file("data"))
        #expect(prepared.count == encoded.count && prepared.tooLong == encoded.tooLong && prepared.tooLong >= 1 && prepared.count >= 2,
                "\(prepared.count) vs \(encoded.count) pairs, \(prepared.tooLong) vs \(encoded.tooLong) too long")
        #expect(prepared.lengths.map { Int($0) } == encoded.lengths)
        let all = Array(0..<encoded.count)
        #expect(prepared.batch(all).source == encoded.batch(all).source && prepared.batch(all).target == encoded.batch(all).target)
        #expect(prepared.readStatistics(source: source, target: target).description
                    == (try ParallelLines.read(source: source, target: target)).statistics.description)
    }

    @Test func reusedWhileNothingChangedPreparedAgainOtherwise() throws {
        let root = TemporaryDirectory("prepared-reuse")
        defer { root.remove() }
        let (source, target) = files(root)
        let text = try text(source, target)
        var said: [String] = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: text, filters: PairFilters(maxLength: 50), into: root.file("data")) { said.append($0) }
        _ = try PreparedPairs.prepare(source: source, target: target, text: text, filters: PairFilters(maxLength: 50), into: root.file("data")) { said.append($0) }
        #expect(said.count == 2 && said[0].contains("prepared 4 into") && said[1].contains("the prepared corpus in"))

        let otherText = try self.text(source, target, merges: 0)
        said = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: otherText, filters: PairFilters(maxLength: 50), into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("preparing the training pairs again") == true && said.first?.contains("pipeline") == true)

        _ = root.write("train.en", (Self.english.dropLast() + ["Something else entirely."]).joined(separator: "\n") + "\n")
        said = []
        let again = try PreparedPairs.prepare(source: source, target: target, text: otherText, filters: PairFilters(maxLength: 50), into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("changed") == true)
        #expect(again.batch([3]).source[0] == (try otherText.sourceIds("Something else entirely.")))

        said = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: otherText, filters: PairFilters(maxLength: 5), into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("maxLength") == true, "another length limit prepares again")
    }

    @Test func threadsChangeNothing() throws {
        let root = TemporaryDirectory("prepared-threads")
        defer { root.remove() }
        let (source, target) = files(root)
        let one = try text(source, target), three = try text(source, target, threads: 3)
        #expect(one.source.pipeline.fingerprint == three.source.pipeline.fingerprint)
        #expect(one.target.pipeline.fingerprint == three.target.pipeline.fingerprint)
        var seen: [PreparationProgress] = []
        let a = try PreparedPairs.prepare(source: source, target: target, text: one, filters: PairFilters(maxLength: 12), threads: 1, into: root.file("a"))
        let b = try PreparedPairs.prepare(source: source, target: target, text: one, filters: PairFilters(maxLength: 12), threads: 3,
                                          into: root.file("b"), progress: { seen.append($0) })
        for side in ["source", "target"] {
            #expect(try Data(contentsOf: URL(fileURLWithPath: root.file("a/\(side).ids"))) == Data(contentsOf: URL(fileURLWithPath: root.file("b/\(side).ids"))))
        }
        #expect(a.corpus.manifest.sides == b.corpus.manifest.sides && a.count == b.count)
        #expect(seen.last?.phase == "encoding" && seen.last?.lines == 6 && seen.last?.totalLines == 6)
    }

    @Test func filtersLeavePairsOutAndCountThem() throws {
        let root = TemporaryDirectory("prepared-filters")
        defer { root.remove() }
        let english = ["a dog runs .", "a dog runs .", "a cat .", "a very long sentence about a small cat .", "a dog runs ."]
        let german = ["ein hund rennt .", "ein hund rennt .", "eine katze .", "katze .", "ein hund läuft ."]
        let source = root.write("train.en", english.joined(separator: "\n") + "\n")
        let target = root.write("train.de", german.joined(separator: "\n") + "\n")
        let text = try text(source, target, merges: 0)
        let filters = PairFilters(maxLength: 50, maxLengthRatio: 3, dedup: true)
        let pairs = try PreparedPairs.prepare(source: source, target: target, text: text, filters: filters, threads: 2, into: root.file("data"))
        // Kept: pair 0, pair 2, pair 4 (another target); pair 1 repeats pair 0; pair 3 is 9 tokens against 2.
        #expect(pairs.count == 3 && pairs.duplicates == 1 && pairs.lengthRatio == 1 && pairs.tooLong == 0)
        #expect(pairs.batch([0, 1, 2]).target == [try text.targetIds(german[0]), try text.targetIds(german[2]), try text.targetIds(german[4])])
        #expect(pairs.skipped(by: filters) == ["skipped 1 training pairs with a length ratio above 3.0",
                                              "skipped 1 training pairs that repeat an earlier pair"])
        #expect(pairs.readStatistics(source: source, target: target).used == 5)

        let unfiltered = try PreparedPairs.prepare(source: source, target: target, text: text, filters: PairFilters(maxLength: 50),
                                                   into: root.file("data"))
        #expect(unfiltered.count == 5, "other filters prepare the pairs again")
    }

    @Test func aPreparedDirectoryGivesANewRunItsPipelinesAndPairs() throws {
        let root = TemporaryDirectory("prepared-data")
        defer { root.remove() }
        let (source, target) = files(root)
        var options = TranslationTrainingOptions.corpus
        options.bpeMerges = 10
        options.minCount = 1
        var said: [String] = []
        let first = try TranslationTrainingJob.prepareData(source: source, target: target, options: options, into: root.file("cache"),
                                                           threads: 2) { said.append($0) }
        #expect(FileManager.default.fileExists(atPath: root.file("cache/pipelines/source/vocab.txt")))
        said = []
        let second = try TranslationTrainingJob.prepareData(source: source, target: target, options: options, into: root.file("cache")) { said.append($0) }
        #expect(said.count == 1 && said[0].hasPrefix("text pipelines and training pairs: the prepared corpus"), "\(said)")
        #expect(second.text.source.pipeline == first.text.source.pipeline && second.text.target.pipeline == first.text.target.pipeline)
        #expect(second.pairs.batch([0, 1]).source == first.pairs.batch([0, 1]).source)

        options.bpeMerges = 5
        said = []
        let other = try TranslationTrainingJob.prepareData(source: source, target: target, options: options, into: root.file("cache")) { said.append($0) }
        #expect(said.first?.contains("bpeMerges 10, not 5") == true, "\(said)")
        #expect(other.text.source.pipeline != first.text.source.pipeline)
    }
}
