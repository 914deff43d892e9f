import ArgumentParser
import Foundation
import S2SCore

/// `s2s bench lstm`: LSTM, GRU and RNN layer forward + backward (batch 64, 30 steps, input 256, hidden
/// 512, uni and bi) and one attention decoder step, against the machine's sgemm and the PyTorch reference.
struct BenchLSTMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstm",
        abstract: "Time LSTM, GRU and RNN layers forward+backward and an attention decoder step; compare with sgemm and PyTorch.")

    @OptionGroup var options: RunOptions

    @Option(help: "Timed repeats per measurement (the median is reported).")
    var repeats = 5

    @Option(help: "Rounds of s2s-then-reference, alternating, to even out a noisy machine.")
    var rounds = 2

    @Option(help: "Python with torch for the reference run (Tools/reference/setup.sh makes .venv); 'none' skips it.")
    var python = ReferenceRunner.defaultPython

    @Option(help: "The PyTorch reference script.")
    var referenceScript = "Tools/reference/bench_lstm.py"

    @Option(help: "Only these cases (repeat the option; e.g. attention_step), for profiling one of them.")
    var only: [String] = []

    func validate() throws {
        let names = Set(LSTMBenchCase.standard.map(\.name))
        if let unknown = only.first(where: { !names.contains($0) }) {
            throw ValidationError("--only \(unknown): not a case (\(names.sorted().joined(separator: ", ")))")
        }
    }

    func run() throws {
        var rng = options.generator()
        let cases = LSTMBenchCase.standard.filter { only.isEmpty || only.contains($0.name) }
        print("s2s bench lstm — threads \(options.threads), \(repeats) repeats × \(rounds) rounds, medians")
        print(KernelLevel.summary)
        var ours: [String: [Double]] = [:], theirs: [String: [Double]] = [:]
        var sgemm: [Double] = []
        var referenceProblem: String?
        for _ in 0..<max(1, rounds) {
            sgemm.append(SgemmBench.gflops(size: 1024, repeats: repeats, threads: options.threads))   // every core we use
            for c in cases { ours[c.name, default: []].append(c.measure(repeats: repeats, shards: options.threads, rng: &rng)) }
            guard python != "none", referenceProblem == nil else { continue }
            switch ReferenceRunner.run(python: python, script: referenceScript,
                                       arguments: ["--threads", "\(options.threads)", "--repeats", "\(repeats)"]) {
            case .success(let results):
                for c in cases { if let r = results[c.name] { theirs[c.name, default: []].append(r.seconds) } }
            case .failure(let error):
                referenceProblem = error.description
            }
        }
        let sgemmGflops = Stopwatch.median(of: sgemm)
        print(String(format: "sgemm 1024³ on %d thread(s): %.1f GFLOP/s", options.threads, sgemmGflops))
        print("s2s runs \(options.threads) shard(s) of the batch, one core and one BLAS thread each")
        print("case            tokens/s   GFLOP/s  %sgemm   torch tok/s  s2s/torch")
        for c in cases {
            let seconds = Stopwatch.median(of: ours[c.name] ?? [])
            let gflops = c.flops / seconds / 1e9
            var line = c.name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + String(format: " %9.0f %9.1f %7.0f%%", c.tokens / seconds, gflops,
                              100 * gflops / sgemmGflops)
            if let reference = theirs[c.name], !reference.isEmpty {
                let referenceSeconds = Stopwatch.median(of: reference)
                line += String(format: "   %11.0f  %8.2f×", c.tokens / referenceSeconds, referenceSeconds / seconds)
            }
            print(line)
        }
        if let referenceProblem { print("reference: skipped — \(referenceProblem)") }
        print(String(format: "peak RSS: %.0f MiB", Stopwatch.peakRSSMiB()))
    }

}
