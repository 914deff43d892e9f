// `s2s bench tokenize`: tokenization and BPE-application throughput of s2s against sacremoses and
// subword-nmt (Tools/reference/bench_tokenize.py) on the same corpus, in the same run, one thread
// each. s2s is timed before and after the Python reference and the better round is kept.
import ArgumentParser
import Foundation
import S2SText

struct BenchTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Lines/s of s2s tokenization and BPE vs. sacremoses and subword-nmt.",
        discussion: """
            Run from the repository root, in release mode:

              $ Tools/reference/setup.sh        # .venv, with sacremoses and subword-nmt
              $ swift run -c release s2s bench tokenize

            Without a Python that has both packages, only the s2s figures are printed.
            """
    )

    @Option(help: "Corpus to tokenize (one sentence per line).")
    var corpus: String = "../shared/corpora/translation/multi30k/train.en"

    @Option(help: "Python with sacremoses and subword-nmt installed (Tools/reference/setup.sh makes .venv).")
    var python: String = ReferenceRunner.defaultPython

    @Option(help: "The reference script.")
    var script: String = "Tools/reference/bench_tokenize.py"

    @Option(help: "Language for sacremoses.")
    var lang: String = "en"

    @Option(help: "BPE merges learned (untimed) before timing their application.")
    var merges: Int = 8000

    @Option(help: "Timed runs per measurement; the best counts.")
    var `repeat`: Int = 3

    @Flag(name: .customLong("no-reference"), help: "Time s2s only.")
    var noReference = false

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if `repeat` < 1 { throw ValidationError("--repeat must be at least 1") }
        if merges < 1 { throw ValidationError("--merges must be at least 1") }
    }

    func run() throws {
        let reader = try LineReader(path: corpus, options: ReadOptions(skipEmpty: false))
        var lines: [String] = []
        while let line = try reader.next() { lines.append(line.text) }
        guard !lines.isEmpty else { throw ValidationError("\(corpus) has no lines") }

        // Untimed setup: the tokens BPE is applied to, and the codes.
        let tokenizer = try Tokenizer()
        var tokenLists: [[Token]] = []
        var counts: [String: Int] = [:]
        for line in lines {
            let tokens = try tokenizer.tokens(line)
            tokenLists.append(tokens)
            for token in tokens where token.kind != .whitespace && token.kind != .special {
                counts[token.text, default: 0] += 1
            }
        }
        let codes = BPECodes.learn(counts: counts, merges: merges)

        print("s2s bench tokenize: \(corpus), \(lines.count) lines, best of \(`repeat`), 1 thread")
        var tokenize = try timeTokenize(lines)
        var bpe = timeBPE(tokenLists, codes)
        var reference: [String: (tool: String, seconds: Double)] = [:]
        if !noReference {
            reference = runReference()
            tokenize = min(tokenize, try timeTokenize(lines))
            bpe = min(bpe, timeBPE(tokenLists, codes))
        }
        report("tokenize", "s2s (ICU, NFKC)", tokenize, lines.count, reference["tokenize"])
        report("bpe", "s2s (\(codes.merges.count) merges)", bpe, lines.count, reference["bpe"])
    }

    private func timeTokenize(_ lines: [String]) throws -> Double {
        let tokenizer = try Tokenizer()
        var best = Double.infinity, bytes = 0
        for _ in 0..<`repeat` {
            let seconds = try measure {
                for line in lines { bytes &+= try tokenizer.tokenize(line).joined(separator: " ").utf8.count }
            }
            best = min(best, seconds)
        }
        if bytes == 42 { print("") }   // keeps the work observable
        return best
    }

    private func timeBPE(_ tokenLists: [[Token]], _ codes: BPECodes) -> Double {
        var best = Double.infinity, bytes = 0
        for _ in 0..<`repeat` {
            let seconds = measure {
                let encoder = BPEEncoder(codes: codes)   // empty cache, as subword-nmt's per run
                for tokens in tokenLists { bytes &+= encoder.apply(tokens: tokens).joined(separator: " ").utf8.count }
            }
            best = min(best, seconds)
        }
        if bytes == 42 { print("") }
        return best
    }

    private func measure(_ body: () throws -> Void) rethrows -> Double {
        let clock = ContinuousClock(), start = clock.now
        try body()
        let (seconds, attoseconds) = start.duration(to: clock.now).components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Runs the Python reference; task -> (tool, seconds). Empty when it cannot run.
    private func runReference() -> [String: (tool: String, seconds: Double)] {
        guard FileManager.default.fileExists(atPath: script) else {
            print("  (reference skipped: \(script) not found; run from the repository root or pass --script)")
            return [:]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--corpus", corpus, "--lang", lang,
                             "--merges", String(merges), "--repeat", String(`repeat`)]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            print("  (reference skipped: cannot run \(python): \(error))")
            return [:]
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let last = errorText.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            print("  (reference skipped: \(python) \(script) failed: \(last))")
            return [:]
        }
        var results: [String: (tool: String, seconds: Double)] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let task = object["task"] as? String, let tool = object["tool"] as? String,
                  let seconds = object["seconds"] as? Double else { continue }
            results[task] = (tool, seconds)
        }
        return results
    }

    private func report(_ task: String, _ name: String, _ seconds: Double, _ lines: Int,
                        _ reference: (tool: String, seconds: Double)?) {
        func rate(_ seconds: Double) -> String { String(format: "%9.0f lines/s", Double(lines) / seconds) }
        let padded = { (s: String) in s.padding(toLength: 24, withPad: " ", startingAt: 0) }
        print("  \(task.padding(toLength: 9, withPad: " ", startingAt: 0)) \(padded(name)) \(rate(seconds))")
        if let reference {
            print("  \(task.padding(toLength: 9, withPad: " ", startingAt: 0)) \(padded(reference.tool)) \(rate(reference.seconds))   s2s is \(String(format: "%.1f", reference.seconds / seconds))x faster")
        }
    }
}
