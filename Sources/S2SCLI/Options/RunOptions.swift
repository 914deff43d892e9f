import ArgumentParser
import S2SCore

/// Options every command takes: the seed of the run's one random generator and the BLAS thread count.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed of the run's random generator (initialisation, shuffling, dropout, sampling).")
    var seed: UInt64 = 1

    @Option(help: "OpenBLAS threads. 1 is fastest on a shared 2-core machine.")
    var threads: Int = 1

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Applies the thread count and returns the run's generator.
    func apply() -> Generator {
        BLAS.setThreads(threads)
        return Generator(seed: seed)
    }
}
