// `s2s bench corpus`: a parallel corpus of any size for the large-data benchmarks and tests, built from
// real sentence pairs — Multi30k's training pairs and Tatoeba's — joined two or three at a time, so its
// vocabulary, lengths and alignment are those of real text. Deterministic for a seed; written as it is
// made, so 20 million pairs take no more memory than 2,000.
import ArgumentParser
import Foundation
import S2SCore
import S2STraining

struct BenchCorpusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "corpus",
        abstract: "Write a parallel corpus of N pairs (real pairs joined two or three at a time) for large-data benchmarks.",
        discussion: """
              $ s2s bench corpus --pairs 2000000 --out big      # big.en and big.de, about 230 MB each
            """)

    @Option(help: "Pairs to write.")
    var pairs: Int

    @Option(help: "Output prefix: PREFIX.en and PREFIX.de are written (and replaced).")
    var out: String

    @Option(help: "Multi30k directory (train.en, train.de).")
    var multi30k = "../shared/corpora/translation/multi30k"

    @Option(help: "Tatoeba English-German pairs (English<TAB>German lines).")
    var tatoeba = "../shared/corpora/translation/tatoeba-eng-deu/eng-deu.tsv"

    @Option(help: "Seed of the choice of pairs.")
    var seed: UInt64 = 1

    func validate() throws {
        guard pairs >= 1 else { throw ValidationError("--pairs must be at least 1") }
    }

    func run() throws {
        let seedPairs = try CorpusGenerator.seedPairs(multi30k: multi30k, tatoeba: tatoeba)
        let started = Stopwatch.now()
        let terminal = ProgressReporter.standardErrorIsTerminal()
        try CorpusGenerator(pairs: seedPairs, seed: seed).write(pairs: pairs, source: out + ".en", target: out + ".de") { done in
            guard terminal else { return }
            let rate = Double(done) / max(1e-9, Stopwatch.now() - started)
            ProgressReporter.writeToStandardError(String(format: "\r%d of %d pairs, %.0f pairs/s", done, pairs, rate))
        }
        if terminal { ProgressReporter.writeToStandardError("\n") }
        ProgressReporter.writeToStandardError(String(format: "wrote %d pairs to %@.en and %@.de from %d seed pairs in %.1f s", pairs, out, out,
                   seedPairs.count, Stopwatch.now() - started) + "\n")
    }
}

/// Joins real sentence pairs two or three at a time into as many pairs as asked for.
///
///     let generator = CorpusGenerator(pairs: [("A dog.", "Ein Hund."), ("Hi.", "Hallo!")], seed: 1)
///     try generator.write(pairs: 10, source: "tiny.en", target: "tiny.de")
struct CorpusGenerator {
    let pairs: [(source: String, target: String)]
    let seed: UInt64

    /// Multi30k's training pairs, then Tatoeba's (English<TAB>German; lines without a tab are skipped).
    static func seedPairs(multi30k: String, tatoeba: String) throws -> [(source: String, target: String)] {
        func lines(_ path: String) throws -> [String] {
            do {
                return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            } catch {
                throw ValidationError("\(path): cannot read it (\(error.localizedDescription))")
            }
        }
        let english = try lines(multi30k + "/train.en"), german = try lines(multi30k + "/train.de")
        guard english.count == german.count else {
            throw ValidationError("\(multi30k): train.en has \(english.count) lines, train.de \(german.count)")
        }
        var pairs = zip(english, german).filter { !$0.0.isEmpty && !$0.1.isEmpty }.map { (source: $0.0, target: $0.1) }
        for line in try lines(tatoeba) {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            if columns.count >= 2, !columns[0].isEmpty, !columns[1].isEmpty { pairs.append((String(columns[0]), String(columns[1]))) }
        }
        guard !pairs.isEmpty else { throw ValidationError("no seed pairs in \(multi30k) or \(tatoeba)") }
        return pairs
    }

    /// Writes `count` pairs to the two files (replacing them), each the space-joined sides of two or three
    /// seed pairs drawn uniformly; `progress` hears the count every 100,000 pairs.
    func write(pairs count: Int, source: String, target: String, progress: (Int) -> Void = { _ in }) throws {
        var rng = Generator(seed: seed)
        let sourceFile = try OutputFile(path: source), targetFile = try OutputFile(path: target)
        var sourceText = "", targetText = ""
        for index in 0..<count {
            let joined = 2 + rng.integer(below: 2)
            for part in 0..<joined {
                let pair = pairs[rng.integer(below: pairs.count)]
                if part > 0 { sourceText += " "; targetText += " " }
                sourceText += pair.source; targetText += pair.target
            }
            sourceText += "\n"; targetText += "\n"
            if sourceText.utf8.count >= 1 << 20 {
                try sourceFile.write(sourceText); try targetFile.write(targetText)
                (sourceText, targetText) = ("", "")
            }
            if (index + 1) % 100_000 == 0 { progress(index + 1) }
        }
        try sourceFile.write(sourceText); try targetFile.write(targetText)
        try sourceFile.close(); try targetFile.close()
    }
}

/// A file written from the start, in large pieces.
private final class OutputFile {
    let path: String
    let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationError("\(path): cannot create it")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw ValidationError("\(path): cannot open it for writing") }
        self.path = path; self.handle = handle
    }

    func write(_ text: String) throws {
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { throw ValidationError("\(path): write failed (\(error.localizedDescription))") }
    }

    func close() throws { try handle.close() }
}
