// `s2s evaluate-lm`: loss (nats/token), perplexity and bits per character of a language model on a
// text file, as a line of text or one JSON object.
import ArgumentParser
import Foundation
import S2STasks

/// `s2s evaluate-lm -m DIR FILE`: loss (nats/token), perplexity and bits per character of a language
/// model on any text.
///
///     s2s evaluate-lm -m shakespeare ../shared/corpora/lm/tinyshakespeare/val.txt
///     # loss 1.4312 nats/token  perplexity 4.184  bits/char 2.0648  (111539 tokens, 111540 characters)
struct EvaluateLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate-lm",
        abstract: "Score a text with a language model: loss, perplexity, bits per character.",
        discussion: """
            The text is read as training reads it (each line followed by an end-of-line token) and cut \
            into --streams contiguous streams read in --bptt blocks with the recurrent state carried \
            through, so nearly every token is predicted with its whole left context.
            """)

    @Option(name: [.customShort("m"), .customLong("model")], help: "Model directory written by train-lm.")
    var model: String

    @Argument(help: "Text file ('-' for standard input).")
    var file: String

    @Option(help: "Contiguous streams the text is cut into (scored in parallel).")
    var streams = 16

    @Option(help: "Tokens per block; the state is carried across blocks.")
    var bptt = 128

    @Flag(help: "Print one JSON object instead of a line of text.")
    var json = false

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        guard streams >= 1, bptt >= 1 else { throw ValidationError("--streams and --bptt must be at least 1") }
    }

    func run() throws {
        print(try report())
    }

    /// The line (or JSON object) `run` prints.
    func report() throws -> String {
        let (score, characters) = try TextGenerator(contentsOf: model).score(path: file, streams: streams, bptt: bptt,
                                                                             threads: runOptions.threads)
        if json {
            let object: [String: Any] = ["loss": score.loss, "perplexity": score.perplexity, "bpc": score.bitsPerCharacter,
                                         "accuracy": score.accuracy, "tokens": score.tokens, "characters": characters]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        } else {
            return (String(format: "loss %.4f nats/token  perplexity %.3f  bits/char %.4f  accuracy %.3f  (%d tokens scored, %d characters)",
                         score.loss, score.perplexity, score.bitsPerCharacter, score.accuracy, score.tokens, characters))
        }
    }
}
