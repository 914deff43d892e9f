// Tests of the corpus readers: line endings, BOM, empty and over-long lines, invalid UTF-8 (error,
// replace, skip), parallel files of different lengths, labelled TSV and fastText, TSV columns.
import Testing
@testable import S2SText
import S2STestSupport

@Suite struct CorpusReaderTests {
    func lines(_ reader: LineReader) throws -> [String] {
        var out: [String] = []
        while let line = try reader.next() { out.append(line.text) }
        return out
    }

    @Test func acceptsCRLFAndBOMAndLastLineWithoutNewline() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("a.txt", [0xEF, 0xBB, 0xBF] + Array("one\r\ntwo\nthree".utf8))
        #expect(try lines(LineReader(path: file)) == ["one", "two", "three"])
        #expect(try LineReader.countLines(path: file) == 3)
    }

    @Test func skipsEmptyAndOverlongLinesWithCounts() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let long = String(repeating: "x", count: 300)
        let file = directory.write("a.txt", "a\n\n  \t\n\(long)\nb\n\(long)")
        // A small buffer forces refills and discarding of over-long lines mid-buffer.
        let reader = try LineReader(path: file, options: ReadOptions(maxLineBytes: 100), bufferSize: 32)
        #expect(try lines(reader) == ["a", "b"])
        #expect(reader.statistics.empty == 2 && reader.statistics.overlong == 2 && reader.statistics.lines == 6)
        #expect(reader.statistics.description.contains("4 skipped (2 empty, 2 over-long)"))

        let keepAll = try LineReader(path: file, options: ReadOptions(skipEmpty: false), bufferSize: 32)
        #expect(try lines(keepAll) == ["a", "", "  \t", long, "b", long])
    }

    @Test func cropsOverlongLinesAtACharacterBoundaryAndKeepsOffsets() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        // "é" is 2 bytes: a 9-byte crop of "aéééé…" must stop before a split "é".
        let accented = "a" + String(repeating: "é", count: 200)
        let long = String(repeating: "y", count: 5000)
        let file = directory.write("a.txt", Array("\(accented)\r\nshort\r\n\(long)\nok\nab".utf8) + [0xC3, 0x28] + Array("\n\(long)".utf8))
        let reader = try LineReader(path: file, options: ReadOptions(maxLineBytes: 9, overlongLines: .crop, skipEmpty: false),
                                    bufferSize: 32)
        var read: [Line] = []
        #expect {
            while let line = try reader.next() { read.append(line) }
        } throws: { error in
            // The bytes dropped from the cropped lines do not shift the offsets reported after them.
            guard let error = error as? TextError else { return false }
            return error.kind == .invalidUTF8(byteOffset: accented.utf8.count + 2 + 7 + long.utf8.count + 1 + 3 + 2, column: 3)
                && error.line == 5
        }
        #expect(read.map(\.text) == ["aéééé", "short", "yyyyyyyyy", "ok"])
        #expect(read.map(\.cropped) == [true, false, true, false])
        #expect(read.map(\.number) == [1, 2, 3, 4])
        #expect(reader.statistics.cropped == 2 && reader.statistics.overlong == 0)
        #expect(reader.bufferCapacity <= 64)   // the 5,000-byte lines were never held whole

        let lenient = try LineReader(path: file, options: ReadOptions(invalidUTF8: .replace, maxLineBytes: 9, overlongLines: .crop),
                                     bufferSize: 32)
        #expect(try lines(lenient) == ["aéééé", "short", "yyyyyyyyy", "ok", "ab\u{FFFD}(", "yyyyyyyyy"])
        #expect(lenient.statistics.description.contains("2 cropped") == false && lenient.statistics.cropped == 3)
    }

    @Test func invalidUTF8IsAnErrorWithFileLineAndOffset() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.write("bad.txt", Array("ok\nab".utf8) + [0xC3, 0x28] + Array("c\nfine\n".utf8))
        #expect {
            _ = try lines(LineReader(path: file))
        } throws: { error in
            guard let error = error as? TextError else { return false }
            return error.kind == .invalidUTF8(byteOffset: 5, column: 3) && error.line == 2
                && error.description.hasPrefix("\(file):2: invalid UTF-8 at byte offset 5")
        }
        let replacing = try LineReader(path: file, options: ReadOptions(invalidUTF8: .replace))
        #expect(try lines(replacing) == ["ok", "ab\u{FFFD}(c", "fine"])
        #expect(replacing.statistics.invalidReplaced == 1)
        let skipping = try LineReader(path: file, options: ReadOptions(invalidUTF8: .skip))
        #expect(try lines(skipping) == ["ok", "fine"])
        #expect(skipping.statistics.invalidSkipped == 1)
    }

    @Test func parallelFilesOfDifferentLengthsNameBothFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let en = directory.write("train.en", "a\nb\nc\n")
        let de = directory.write("train.de", "x\ny\n")
        func isMismatch(_ error: any Error) -> Bool {
            guard let error = error as? TextError else { return false }
            return error.kind == .lineCountMismatch
                && error.description.contains("\(en) has 3 lines, \(de) has 2 lines")
        }
        #expect(performing: { _ = try ParallelReader(source: en, target: de) }, throws: isMismatch)
        // Without the up-front count (as with stdin), the mismatch is found at the end.
        let streaming = try ParallelReader(source: en, target: de, options: ReadOptions(), countFirst: false)
        #expect(try streaming.next() != nil)
        #expect(try streaming.next() != nil)
        #expect(performing: { _ = try streaming.next() }, throws: isMismatch)
    }

    @Test func parallelPairsSkipTogether() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let en = directory.write("p.en", "a\n\nc\nd\n")
        let de = directory.write("p.de", "x\ny\n\nw\n")
        let reader = try ParallelReader(source: en, target: de)
        var pairs: [String] = []
        while let (s, t) = try reader.next() { pairs.append("\(s.number):\(s.text)-\(t.text)") }
        #expect(pairs == ["1:a-x", "4:d-w"])
        #expect(reader.statistics.empty == 2 && reader.statistics.used == 2)
    }

    @Test func labelledTSVAndFastText() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tsv = directory.write("a.tsv", "positive\tgreat flight\nnegative\tlate\tagain\nneutral\t \n")
        let reader = try LabelledReader(path: tsv, format: .tsv)
        #expect(try reader.next() == LabelledLine(labels: ["positive"], text: "great flight", number: 1))
        #expect(try reader.next()?.text == "late\tagain")
        #expect(try reader.next() == nil)
        #expect(reader.statistics.empty == 1)

        let ft = directory.write("a.ft", "__label__pos __label__short nice one\n__label__neg bad\n")
        let fastText = try LabelledReader(path: ft, format: .fastText)
        #expect(try fastText.next() == LabelledLine(labels: ["pos", "short"], text: "nice one", number: 1))
        #expect(try fastText.next()?.label == "neg")

        let bad = directory.write("bad.tsv", "positive\tok\nno tab here\n")
        let badReader = try LabelledReader(path: bad, format: .tsv)
        _ = try badReader.next()
        #expect(performing: { _ = try badReader.next() }, throws: { error in
            (error as? TextError)?.line == 2 && "\(error)".contains("expected label<TAB>text")
        })
        let badFT = try LabelledReader(path: directory.write("bad.ft", "no label\n"), format: .fastText)
        #expect(throws: TextError.self) { _ = try badFT.next() }
    }

    @Test func tsvColumns() throws {
        let english = try ColumnReader(path: Corpora.path("translation/tatoeba-eng-fra/eng-fra.tsv"), column: 1)
        let french = try ColumnReader(path: Corpora.path("translation/tatoeba-eng-fra/eng-fra.tsv"), column: 2)
        #expect(try english.next()?.text == "Go.")
        #expect(try french.next()?.text.isEmpty == false)
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let short = try ColumnReader(path: directory.write("s.tsv", "a\tb\nc\n"), column: 2)
        _ = try short.next()
        #expect(throws: TextError.self) { _ = try short.next() }
    }
}
