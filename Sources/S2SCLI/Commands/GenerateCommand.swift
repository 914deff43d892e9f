// `s2s generate`: primes a language model with a prompt and streams sampled (or greedy) text to
// standard output as it is generated.
#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import S2STasks

/// `s2s generate -m DIR --prompt TEXT`: writes text with a language model, streaming it to stdout.
///
///     s2s generate -m shakespeare --prompt "ROMEO:" --max-tokens 300 --temperature 0.8 --seed 7
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a language model, streamed to standard output.",
        discussion: """
            The prompt (echoed first) primes the recurrent state; generation continues from its last \
            character, as if the text had started on a new line. Tokens are written as they are made. \
            --temperature 0 is greedy (always the most probable token). With --num-samples N the \
            samples follow each other, separated by an empty line; sample i depends only on the seed \
            and i, so the same seed gives the same text.
            """)

    @Option(name: [.customShort("m"), .customLong("model")],
            help: "Model directory written by train-lm; repeat for an ensemble (the mean of the models' next-token distributions).")
    var models: [String] = []

    @Option(help: "Text to start from, or @FILE to read it from a file (default: start from a line break).")
    var prompt: String = ""

    @Option(help: "Tokens to generate per sample (a line break counts as one).")
    var maxTokens = 500

    @Option(help: "Sampling temperature; 0 = greedy.")
    var temperature: Float = 0.8

    @Option(help: "Sample from the K most probable tokens only (0 = all).")
    var topK = 0

    @Option(help: "Sample from the most probable tokens whose probability adds up to P (1 = all).")
    var topP: Float = 1

    @Option(help: "Samples to write.")
    var numSamples = 1

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard temperature >= 0 && temperature.isFinite else { throw ValidationError("--temperature must be 0 (greedy) or positive") }
        guard topK >= 0 else { throw ValidationError("--top-k must be 0 (all tokens) or positive") }
        guard topP > 0 && topP <= 1 else { throw ValidationError("--top-p must be in (0, 1]") }
        guard maxTokens >= 0 else { throw ValidationError("--max-tokens cannot be negative") }
        guard numSamples >= 1 else { throw ValidationError("--num-samples must be at least 1") }
    }

    func run() throws {
        let terminal = isatty(1) != 0
        let output = OutputWriter()
        // A terminal sees every token as it is made; a pipe gets whole lines, without a system call per character.
        try generate { piece in
            output.write(piece)
            if terminal || piece.contains("\n") { output.flush() }
        }
        output.flush()
    }

    /// Loads the model and hands the samples' text to `sink`, piece by piece as it is generated.
    func generate(sink: (String) -> Void) throws {
        guard !models.isEmpty else { throw ValidationError("give the model directory with -m (several for an ensemble)") }
        let generator = try TextGenerator(contentsOf: models)
        var options = GenerationOptions()
        options.maxTokens = maxTokens
        options.temperature = temperature
        options.topK = topK
        options.topP = topP
        let promptText = try readPrompt()
        for sample in 0..<numSamples {
            if sample > 0 { sink("\n") }
            options.seed = runOptions.seed &+ UInt64(sample) &* 0x9E37_79B9_7F4A_7C15   // sample i: its own stream
            try generator.generate(prompt: promptText, options: options, onText: sink)
        }
    }

    private func readPrompt() throws -> String {
        guard prompt.hasPrefix("@") else { return prompt }
        let path = String(prompt.dropFirst())
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("--prompt @\(path): cannot read the file (\(error.localizedDescription))")
        }
    }
}
