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

    func text(_ source: String, _ target: String, merges: Int = 10) throws -> TranslationText {
        try TranslationText.build(source: source, target: target, sourceUnit: .words, targetUnit: .words, lowercase: true,
                                  bpeMerges: merges, minCount: 1, sourceVocabularySize: 0, targetVocabularySize: 0)
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
        let prepared = try PreparedPairs.prepare(source: source, target: target, text: streamed, maxLength: 12, into: root.file("data"))
        #expect(prepared.count == encoded.count && prepared.tooLong == encoded.tooLong && prepared.tooLong >= 1 && prepared.count >= 2,
                "\(prepared.count) vs \(encoded.count) pairs, \(prepared.tooLong) vs \(encoded.tooLong) too long")
        #expect(prepared.lengths.map { Int($0) } == encoded.lengths)
        let all = Array(0..<encoded.count)
        #expect(prepared.batch(all).source == encoded.batch(all).source && prepared.batch(all).target == encoded.batch(all).target)
        #expect(prepared.readStatistics(.init(trainSource: source, trainTarget: target, validSource: "", validTarget: "")).description
                    == (try ParallelLines.read(source: source, target: target)).statistics.description)
    }

    @Test func reusedWhileNothingChangedPreparedAgainOtherwise() throws {
        let root = TemporaryDirectory("prepared-reuse")
        defer { root.remove() }
        let (source, target) = files(root)
        let text = try text(source, target)
        var said: [String] = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: text, maxLength: 50, into: root.file("data")) { said.append($0) }
        _ = try PreparedPairs.prepare(source: source, target: target, text: text, maxLength: 50, into: root.file("data")) { said.append($0) }
        #expect(said.count == 2 && said[0].contains("prepared 4 pairs") && said[1].contains("the prepared corpus in"))

        let otherText = try self.text(source, target, merges: 0)
        said = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: otherText, maxLength: 50, into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("preparing the training pairs again") == true && said.first?.contains("pipeline") == true)

        _ = root.write("train.en", (Self.english.dropLast() + ["Something else entirely."]).joined(separator: "\n") + "\n")
        said = []
        let again = try PreparedPairs.prepare(source: source, target: target, text: otherText, maxLength: 50, into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("changed") == true)
        #expect(again.batch([3]).source[0] == (try otherText.sourceIds("Something else entirely.")))

        said = []
        _ = try PreparedPairs.prepare(source: source, target: target, text: otherText, maxLength: 5, into: root.file("data")) { said.append($0) }
        #expect(said.first?.contains("maxLength") == true, "another length limit prepares again")
    }
}
