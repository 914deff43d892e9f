import Testing
import Foundation
import S2SCore
@testable import S2STasks
import S2STraining
import S2STestSupport

@Suite struct DateCorpusTests {
    @Test func numbersAndYearsInWords() {
        #expect(DateCorpus.cardinal(7) == "seven" && DateCorpus.cardinal(42) == "forty-two" && DateCorpus.cardinal(30) == "thirty")
        #expect(DateCorpus.ordinal(1) == "first" && DateCorpus.ordinal(23) == "twenty-third" && DateCorpus.ordinal(30) == "thirtieth")
        #expect(DateCorpus.numericOrdinal(23) == "23rd" && DateCorpus.numericOrdinal(11) == "11th" && DateCorpus.numericOrdinal(1) == "1st")
        #expect(DateCorpus.spokenYear(1984, style: 1) == "nineteen eighty-four")
        #expect(DateCorpus.spokenYear(1905, style: 1) == "nineteen oh five")
        #expect(DateCorpus.spokenYear(1900, style: 1) == "nineteen hundred")
        #expect(DateCorpus.spokenYear(2005, style: 3) == "two thousand and five")
        #expect(DateCorpus.spokenYear(2021, style: 1) == "twenty twenty-one")
        #expect(DateCorpus.spokenYear(2021, style: 4) == "two thousand twenty-one")
        #expect(DateCorpus.spokenYear(2000, style: 1) == "two thousand")
    }

    @Test func weekdays() {
        #expect(DateCorpus.weekday(year: 1984, month: 3, day: 23) == 4)   // a Friday
        #expect(DateCorpus.weekday(year: 2000, month: 1, day: 1) == 5)    // a Saturday
        #expect(DateCorpus.daysIn(month: 2, year: 1900) == 28 && DateCorpus.daysIn(month: 2, year: 2000) == 29)
    }

    @Test func splitsAreDeterministicDisjointAndWellFormed() {
        let sizes = (train: 2000, valid: 100, test: 200)
        let a = DateCorpus.splits(seed: 3, sizes: sizes), b = DateCorpus.splits(seed: 3, sizes: sizes)
        #expect(a.train.map(\.0) == b.train.map(\.0) && a.test.map(\.1) == b.test.map(\.1))
        #expect(a.train.count == 2000 && a.valid.count == 100 && a.test.count == 200)
        let heldOut = Set(a.valid.map(\.0) + a.test.map(\.0))
        #expect(heldOut.count == 300)
        #expect(!a.train.contains { heldOut.contains($0.0) })
        for (source, target) in a.train.prefix(500) {
            #expect(target.count == 10 && target.wholeMatch(of: /(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])/) != nil, "\(target)")
            #expect(!source.isEmpty && source == source.lowercased())
        }
        #expect(DateCorpus.splits(seed: 4, sizes: sizes).train.map(\.0) != a.train.map(\.0))
    }

    @Test func writesSixFiles() throws {
        let directory = TemporaryDirectory("dates")
        defer { directory.remove() }
        let paths = try DateCorpus.write(directory: directory.path, seed: 1, sizes: (train: 50, valid: 5, test: 5))
        #expect(paths.count == 6)
        let lines = try String(contentsOfFile: paths["train.tgt"]!, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 50)
    }
}
