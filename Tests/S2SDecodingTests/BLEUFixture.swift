// The sacrebleu fixtures (Tests/S2SDecodingTests/Fixtures, made by Tools/reference/make_bleu_fixtures.py),
// found from this file's path, and file reading as the fixture script does it.

import Foundation
import S2STestSupport

struct BLEUFixture: Decodable {
    struct Result: Decodable {
        let tokenize: String
        let lowercase: Bool
        let score: Double
        let counts: [Int]
        let totals: [Int]
        let precisions: [Double]
        let bp: Double
        let ratio: Double
        let hyp_len: Int
        let ref_len: Int
        let formatted: String
    }
    struct Case: Decodable {
        let name: String
        let hyp: String
        let refs: [String]
        let lines: Int
        let results: [Result]
    }
    struct Tokenized: Decodable {
        let line: String
        let thirteenA: String
        let lowercased: String
        let thirteenALowercased: String
        enum CodingKeys: String, CodingKey {
            case line, lowercased
            case thirteenA = "13a"
            case thirteenALowercased = "13a_lowercased"
        }
    }
    struct Multi30k: Decodable {
        let reference: String
        let lines: Int
        let results: [Result]
    }

    let sacrebleu_version: String
    let cases: [Case]
    let tokenized: [Tokenized]
    let multi30k: Multi30k?

    static let directory = Repository.fixtures("S2SDecodingTests")

    static func load() throws -> BLEUFixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/bleu_sacrebleu.json"))
        return try JSONDecoder().decode(BLEUFixture.self, from: data)
    }

    /// The lines of a UTF-8 file: split on "\n", one trailing empty piece dropped.
    static func lines(atPath path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if text.hasSuffix("\n") { lines.removeLast() }
        return lines
    }

    static func fixtureLines(_ name: String) throws -> [String] {
        try lines(atPath: directory + "/" + name)
    }
}
