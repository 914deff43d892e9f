// `s2s bleu`: corpus BLEU of a hypothesis file (or stdin) against one or more references, computed
// as sacrebleu 2.x does with its defaults (S2SDecoding.BLEU), printed in sacrebleu's format or as JSON.

import ArgumentParser
import Foundation
import S2SDecoding

extension BLEUTokenizer: ExpressibleByArgument {}

/// `s2s bleu --ref REF [--ref REF2 …] [--lowercase] [--tokenize 13a|none] [--json] [HYP|-]`
struct BleuCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bleu",
        abstract: "Corpus BLEU of detokenized output against references, identical to sacrebleu's defaults.",
        discussion: """
            Reads the hypothesis from HYP or standard input, one segment per line, line for line with each \
            reference. Scores like `sacrebleu.corpus_bleu(hyps, [refs])`: 4-grams, 'exp' smoothing, the \
            13a tokenizer unless --tokenize none. Prints
              BLEU = 35.12 65.4/41.2/28.0/19.9 (BP = 0.987 ratio = 0.987 hyp_len = 12034 ref_len = 12190)
            or, with --json, an object with score, counts, totals, precisions, bp, ratio, hyp_len, ref_len \
            (unrounded).
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .customLong("ref"), help: "Reference file, one segment per line. Repeat for several references.")
    var references: [String] = []

    @Argument(help: "Hypothesis file; '-' reads standard input.")
    var hypothesis = "-"

    @Flag(help: "Lowercase hypothesis and references before scoring (sacrebleu -lc).")
    var lowercase = false

    @Option(help: "Tokenizer: 13a (sacrebleu's default, mteval-v13a) or none.")
    var tokenize: BLEUTokenizer = .thirteenA

    @Flag(help: "Print the score and its parts as one JSON object.")
    var json = false

    func validate() throws {
        guard !references.isEmpty else { throw ValidationError("give at least one reference with --ref FILE") }
    }

    func run() throws {
        print(try report())
    }

    /// What `run` prints.
    func report() throws -> String {
        let hypotheses = try Self.readLines(hypothesis, role: "hypothesis")
        var streams: [[String]] = []
        for path in references {
            let lines = try Self.readLines(path, role: "reference")
            guard lines.count == hypotheses.count else {
                throw BleuInputError("the hypothesis (\(hypothesis == "-" ? "standard input" : hypothesis)) has "
                    + "\(hypotheses.count) lines but the reference \(path) has \(lines.count): they must match line for line")
            }
            streams.append(lines)
        }
        let score = try BLEU(tokenizer: tokenize, lowercase: lowercase).corpusScore(hypotheses: hypotheses, references: streams)
        return json ? jsonObject(score) : score.description
    }

    private func jsonObject(_ s: BLEUScore) -> String {
        func list<T>(_ values: [T]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        let fields = [
            ("name", "\"BLEU\""), ("score", "\(s.score)"), ("counts", list(s.counts)), ("totals", list(s.totals)),
            ("precisions", list(s.precisions)), ("bp", "\(s.brevityPenalty)"), ("ratio", "\(s.ratio)"),
            ("hyp_len", "\(s.hypothesisLength)"), ("ref_len", "\(s.referenceLength)"),
            ("tokenize", "\"\(tokenize.rawValue)\""), ("lowercase", "\(lowercase)"),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }

    /// The lines of a UTF-8 file or of standard input ('-'): split on "\n", a final empty piece dropped.
    static func readLines(_ path: String, role: String) throws -> [String] {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw BleuInputError("cannot read the \(role) file \(path)")
            }
            data = contents
        }
        if data.isEmpty { return [] }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        if data.last == UInt8(ascii: "\n") { lines.removeLast() }
        return lines
    }
}

/// A problem with the input files of `s2s bleu`; ArgumentParser prints its description.
struct BleuInputError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
