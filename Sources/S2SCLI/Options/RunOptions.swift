import ArgumentParser
import Foundation
import S2SCore

/// Options every command takes: the seed of the run's one random generator and the BLAS thread count.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed of the run's random generator (initialisation, shuffling, dropout, sampling).")
    var seed: UInt64 = 1

    @Option(help: "Cores to use (default: all). Training cuts each batch into this many shards, one per core, each with one BLAS thread.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// The run's random generator.
    func generator() -> Generator { Generator(seed: seed) }
}
