import ArgumentParser
import Foundation
import S2SCore

/// Options every command takes: the seed of the run's one random generator and the cores to use.
/// Commands that are deterministic and run on one core (tokenize, detokenize, build-vocab, bleu,
/// inspect, bench tokenize) accept them for uniformity and need neither.
public struct RunOptions: ParsableArguments {
    @Option(help: "Seed of the run's random generator (initialisation, shuffling, dropout, sampling).")
    public var seed: UInt64 = 1

    @Option(help: "Cores to use (default: all). Training cuts each batch into this many shards, one per core, each with one BLAS thread; the text tools run on one core.")
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// The run's random generator.
    func generator() -> Generator { Generator(seed: seed) }
}
