// `s2s detokenize`: the inverse of `s2s tokenize` — joiners glue tokens (and BPE pieces) back
// together and whitespace tokens become whitespace again. Standard input to standard output.
import ArgumentParser
import S2SText

struct DetokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize",
        abstract: "Join tokens back into text (the inverse of 's2s tokenize').",
        discussion: """
              $ echo 'Hello ￭, wor ￭ld ￭!' | s2s detokenize
              Hello, world!
            """
    )

    @Flag(help: "The input holds character tokens ('s2s tokenize --chars').")
    var chars = false

    @Option(help: "Input file ('-' = standard input).")
    var input: String = "-"

    @Option(name: .customLong("on-invalid"), help: "Invalid UTF-8: error, replace (U+FFFD) or skip (an empty output line).")
    var onInvalid: ReadOptions.InvalidUTF8 = .error

    @OptionGroup var runOptions: RunOptions

    func run() throws {
        let reader = try LineReader(path: input, options: ReadOptions(invalidUTF8: onInvalid, skipEmpty: false))
        let output = OutputWriter()
        while let record = try reader.nextRecord() {
            guard case .text(let line) = record else {
                output.writeLine("")
                continue
            }
            if chars {
                output.writeLine(Detokenizer.detokenize(characters: line.split(separator: " ", omittingEmptySubsequences: true)))
            } else {
                output.writeLine(Detokenizer.detokenize(line: line))
            }
        }
        output.flush()
    }
}
