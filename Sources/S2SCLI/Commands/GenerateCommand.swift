// `s2s generate`: primes a language model with a prompt and streams sampled (or greedy) text to
// standard output as it is generated.
import ArgumentParser
import Foundation
import S2SCore
import S2SDecoding
import S2SModels
import S2SText

/// `s2s generate -m DIR --prompt TEXT`: writes text with a language model, streaming it to stdout.
///
///     s2s generate -m shakespeare --prompt "ROMEO:" --max-tokens 300 --temperature 0.8 --seed 7
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate text with a language model, streamed to standard output.",
        discussion: """
            The prompt (echoed first) primes the LSTM state; generation continues from its last \
            character, as if the text had started on a new line. Tokens are written as they are made. \
            --temperature 0 is greedy (always the most probable token). With --num-samples N the \
            samples follow each other, separated by an empty line; sample i depends only on the seed \
            and i, so the same seed gives the same text.
            """)

    @Option(name: [.customShort("m"), .customLong("model")], help: "Model directory written by train-lm.")
    var model: String

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
        BLAS.setThreads(1)  // batch-1 steps are memory-bound: a second thread does not help
        try generate()
    }

    /// Loads the model and writes the samples to `sink` (default: standard output), streaming.
    func generate(sink: (([UInt8]) -> Void)? = nil) throws {
        let loaded = try LoadedLanguageModel.load(directory: model)
        let promptText = try readPrompt()
        let promptTokens = try encode(promptText, with: loaded.text)
        let generator = LanguageModelGenerator(model: loaded.model)
        let writer = sink.map { StreamingTextWriter(text: loaded.text, flushEveryToken: false, sink: $0) }
            ?? StreamingTextWriter(text: loaded.text)
        for sample in 0..<numSamples {
            if sample > 0 { writer.write(raw: "\n") }
            // <unk> is banned: it would print as "<unk>"; <pad> and <s> the sampler never draws.
            let sampler = Sampler(temperature: temperature, topK: topK, topP: topP, banUnk: true)
            var rng = Generator(seed: runOptions.seed &+ UInt64(sample) &* 0x9E37_79B9_7F4A_7C15)
            writer.write(raw: promptText)
            writer.continueLine(after: Array(promptTokens[((promptTokens.lastIndex(of: Vocabulary.eos) ?? -1) + 1)...]))
            generator.generate(prompt: promptTokens, maxTokens: maxTokens, sampler: sampler, rng: &rng) {
                writer.write(token: $0)
            }
            writer.finishLine()
        }
    }

    private func readPrompt() throws -> String {
        guard prompt.hasPrefix("@") else { return prompt }
        let path = String(prompt.dropFirst())
        do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("--prompt @\(path): cannot read the file (\(error.localizedDescription))")
        }
    }

    /// A line break first (generation starts as after one), then the prompt's lines, each line break
    /// as `</s>`; a prompt ending in a line break ends with `</s>`.
    private func encode(_ text: String, with processor: TextProcessor) throws -> [Int] {
        var tokens = [Vocabulary.eos]
        guard !text.isEmpty else { return tokens }
        // Split on the scalar: "\r\n" is one Character, which a Character split would not cut.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() {
            let content = String(line.last == "\r" ? line.dropLast() : line)
            tokens += try processor.encode(content, addEOS: i < lines.count - 1)
        }
        return tokens
    }
}
