// `s2s bench decode`: time per step of beam and greedy search and time per token of sampling, with the
// model's cost taken out (see DecodeBench). Run it on a release build:
//     swift build -c release && .build/release/s2s bench decode
import ArgumentParser
import S2SCore
import Foundation
import S2SDecoding

struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Time beam search, greedy search and sampling alone, over canned log-probabilities.")

    @OptionGroup var options: RunOptions

    @Option(help: "Vocabulary size V (the width of every top-k scan).")
    var vocabulary = 32_000

    @Option(help: "Sentences decoded together (B).")
    var batch = 32

    @Option(help: "Beam size K.")
    var beamSize = 5

    @Option(help: "Tokens per sentence: the search never meets a likely eos, so every sentence runs this long.")
    var steps = 50

    @Option(help: "Timed runs per measurement (the median is reported).")
    var repeats = 3

    @Option(help: "Tokens drawn per sampling measurement.")
    var draws = 200

    /// The samplers timed: plain, top-k, top-p, and all three knobs together.
    static let samplers = [Sampler(), Sampler(topK: 40), Sampler(topP: 0.9), Sampler(temperature: 0.7, topK: 50, topP: 0.95)]

    func validate() throws {
        guard vocabulary > 4 else { throw ValidationError("--vocabulary must exceed the 4 special tokens") }
        guard batch >= 1, beamSize >= 1, steps >= 1, repeats >= 1, draws >= 1 else {
            throw ValidationError("--batch, --beam-size, --steps, --repeats and --draws must be at least 1")
        }
    }

    func run() throws {
        let bench = DecodeBench(vocabulary: vocabulary, batch: batch, beamSize: beamSize, steps: steps, seed: options.seed)
        print("s2s bench decode — V \(vocabulary), B \(batch), K \(beamSize), \(steps) steps; medians of \(repeats)")
        print(KernelLevel.summary)
        let beam = bench.beamSecondsPerStep(repeats: repeats), rows = Double(batch * beamSize)
        print("beam search  \(Self.format(beam)) per step (\(batch * beamSize) rows: \(Self.format(beam / rows)) per row)")
        print("greedy       \(Self.format(bench.greedySecondsPerStep(repeats: repeats))) per step")
        for sampler in Self.samplers {
            let seconds = bench.sampleSeconds(sampler, draws: draws, repeats: repeats, seed: options.seed)
            print("sample T \(sampler.temperature) k \(sampler.topK) p \(sampler.topP): \(Self.format(seconds)) per token")
        }
    }

    /// Seconds as µs or ms with three significant digits.
    static func format(_ seconds: Double) -> String {
        seconds < 1e-3 ? String(format: "%.3g µs", seconds * 1e6) : String(format: "%.3g ms", seconds * 1e3)
    }
}
