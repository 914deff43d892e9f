// `s2s tokenize`: text to tokens, standard input to standard output, one line of space-separated
// tokens per input line (empty lines stay empty, so outputs stay aligned with inputs).
import ArgumentParser
import S2SText

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Tokenize text: one line of space-separated tokens per input line.",
        discussion: """
            Text is NFKC-normalized and cut at Unicode word boundaries with ICU (dictionary segmentation \
            for Thai, Chinese, Japanese, …). A token with no whitespace before it starts with the joiner \
            ￭ (U+FFED); whitespace other than one space between tokens becomes ＿ (per space) and \
            ％XXXX tokens. 's2s detokenize' undoes all of this, so 's2s tokenize | s2s detokenize' gives \
            back the NFKC-normalized input unless --lowercase, --tweet, --squeeze or --collapse-whitespace \
            is used.

              $ echo 'Hello, "world"!' | s2s tokenize
              Hello ￭, " ￭world ￭" ￭!

            With --pipeline DIR (written by 's2s build-vocab') the directory's settings and BPE codes are \
            used, which is how text must be prepared for a model built on it; --ids prints vocabulary ids.
            """
    )

    @OptionGroup var tokenizer: TokenizerOptions

    @Option(help: ArgumentHelp("Split words into subwords with these BPE codes (from 's2s build-vocab').", valueName: "CODES"))
    var bpe: String?

    @Option(help: ArgumentHelp("Use the settings and BPE codes of a pipeline directory from 's2s build-vocab'.", valueName: "DIR"))
    var pipeline: String?

    @Flag(help: "With --pipeline: print vocabulary ids instead of tokens.")
    var ids = false

    @Option(help: "Input file ('-' = standard input).")
    var input: String = "-"

    @Option(name: .customLong("on-invalid"), help: "Invalid UTF-8: error, replace (U+FFFD) or skip (an empty output line).")
    var onInvalid: ReadOptions.InvalidUTF8 = .error

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if pipeline != nil && (tokenizer.isSet || bpe != nil) {
            throw ValidationError("--pipeline brings its own settings and BPE codes; drop the other tokenizer flags")
        }
        if ids && pipeline == nil { throw ValidationError("--ids needs --pipeline (the vocabulary lives there)") }
        if bpe != nil && tokenizer.chars { throw ValidationError("--bpe applies to words, not to --chars") }
    }

    func run() throws {
        let processor = try pipeline.map { directory throws(TextError) in try TextProcessor(directory: directory) }
        let tokenizer = try PipelineTokenizer(settings: processor?.settings ?? self.tokenizer.settings,
                                              codes: try processor?.codes ?? bpe.map { path throws(TextError) in try BPECodes.load(path: path) })
        let reader = try LineReader(path: input, options: ReadOptions(invalidUTF8: onInvalid, skipEmpty: false))
        let output = OutputWriter()
        var skipped = 0
        while let record = try reader.nextRecord() {
            guard case .text(let line) = record else {
                skipped += 1
                output.writeLine("")
                continue
            }
            let tokens = try tokenizer.tokenize(line)
            if ids, let processor {
                output.writeLine(joining: processor.vocabulary.encode(tokens).map(String.init))
            } else {
                output.writeLine(joining: tokens)
            }
        }
        output.flush()
        if skipped > 0 { OutputWriter.diagnostic("s2s tokenize: \(skipped) lines with invalid UTF-8 written as empty lines") }
        if reader.statistics.invalidReplaced > 0 {
            OutputWriter.diagnostic("s2s tokenize: \(reader.statistics.invalidReplaced) lines had invalid UTF-8 replaced by U+FFFD")
        }
    }
}
