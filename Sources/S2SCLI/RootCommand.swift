import ArgumentParser
import S2SCore
import S2SText

/// `s2s`: the root command. Each subcommand lives in its own file under Sources/S2SCLI/Commands.
public struct RootCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "s2s",
        abstract: "An LSTM sequence-learning toolkit: tokenizer, translator, language model, classifier.",
        discussion: """
            Inference commands read standard input (or files; '-' means stdin) and write one output line \
            per input line to standard output; progress and diagnostics go to standard error.
            """,
        // ICU decides word boundaries, so its version belongs beside the kernels when results are compared.
        version: "0.1.0 — \(KernelLevel.summary); ICU \(icuMajorVersion())",
        subcommands: commandList
    )

    /// Every subcommand, in the order `s2s --help` lists them.
    static let commandList: [ParsableCommand.Type] = [
        TokenizeCommand.self, DetokenizeCommand.self, BuildVocabCommand.self,
        PrepareCommand.self, TrainTranslateCommand.self, TranslateCommand.self,
        TrainLMCommand.self, GenerateCommand.self, EvaluateLMCommand.self,
        TrainClassifyCommand.self, ClassifyCommand.self, TestClassifyCommand.self,
        LessonCommand.self,
        ServeCommand.self,
        AverageCommand.self,
        ImportCommand.self,
        BleuCommand.self,
        InspectCommand.self,
        BenchCommand.self,
    ]

    public init() {}
}
