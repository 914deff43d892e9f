import ArgumentParser

/// `s2s bench`: throughput benchmarks (not tests). Each kind is a subcommand.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput of s2s kernels against the machine's sgemm and a PyTorch reference.",
        subcommands: [BenchLSTMCommand.self, BenchTokenizeCommand.self, BenchTranslateCommand.self,
                      BenchLMCommand.self, BenchClassifyCommand.self, BenchDecodeCommand.self, BenchCorpusCommand.self]
    )
}
