// `s2s build-vocab`: learns a text pipeline from corpora — tokenizer settings, optional BPE codes,
// vocabulary — and writes it as a directory (pipeline.json, bpe.codes, vocab.txt) that training
// commands and `s2s tokenize --pipeline` read.
import ArgumentParser
import S2SText

struct BuildVocabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-vocab",
        abstract: "Build BPE codes and a vocabulary from corpora into a pipeline directory.",
        discussion: """
            Writes DIR/pipeline.json (settings and fingerprints, which a model stores and checks), \
            DIR/bpe.codes (with --bpe-merges) and DIR/vocab.txt ('token<TAB>count' lines, id = line \
            number - 1, ids 0-3 = <pad> <unk> <s> </s>; most frequent first, ties in UTF-8 byte order).

            Several --input files share one BPE model and one vocabulary (joint). For separate source \
            and target vocabularies, run build-vocab once per side with its own --output.

              $ s2s build-vocab --input train.en train.de --bpe-merges 8000 --min-count 2 --output data/joint
              $ s2s build-vocab --input train.en --bpe-merges 8000 --output data/en
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case plain, tsv, labelled, fasttext
    }

    @Option(parsing: .upToNextOption, help: "Corpus files ('-' = standard input).")
    var input: [String]

    @Option(help: "plain (one text per line), tsv (the --column field), labelled (label<TAB>text) or fasttext (__label__x text).")
    var format: Format = .plain

    @Option(help: "With --format tsv: the 1-based column holding the text.")
    var column: Int = 1

    @Option(name: .customLong("min-count"), help: "Keep tokens seen at least this many times.")
    var minCount: Int = 1

    @Option(name: .customLong("max-size"), help: "Keep at most this many tokens, the 4 specials included (0 = no limit).")
    var maxSize: Int = 0

    @Option(name: .customLong("bpe-merges"), help: "Learn this many BPE merges over the tokens (0 = no BPE).")
    var bpeMerges: Int = 0

    @OptionGroup var tokenizer: TokenizerOptions

    @Option(name: .customLong("max-line-bytes"), help: "Skip (and count) lines longer than this many bytes (0 = no limit).")
    var maxLineBytes: Int = 65536

    @Option(name: .customLong("on-invalid"), help: "Invalid UTF-8: error (with file, line and byte offset), replace or skip.")
    var onInvalid: ReadOptions.InvalidUTF8 = .error

    @Option(help: ArgumentHelp("The pipeline directory to write (created if needed).", valueName: "DIR"))
    var output: String

    @OptionGroup var runOptions: RunOptions

    func validate() throws {
        if input.isEmpty { throw ValidationError("give at least one --input file") }
        if input.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input ('-') can be read only once") }
        if minCount < 1 { throw ValidationError("--min-count must be at least 1") }
        if maxSize != 0 && maxSize < 5 { throw ValidationError("--max-size must leave room beyond the 4 special tokens") }
        if bpeMerges < 0 { throw ValidationError("--bpe-merges cannot be negative") }
        if bpeMerges > 0 && tokenizer.chars { throw ValidationError("--bpe-merges applies to words, not to --chars") }
        if column < 1 { throw ValidationError("--column starts at 1") }
        if maxLineBytes < 0 { throw ValidationError("--max-line-bytes cannot be negative") }
    }

    func run() throws {
        let clock = ContinuousClock(), start = clock.now
        var builder = try PipelineBuilder(settings: tokenizer.settings, bpeMerges: bpeMerges)
        let options = ReadOptions(invalidUTF8: onInvalid, maxLineBytes: maxLineBytes)
        for path in input {
            let statistics = try read(path, options: options) { line throws(TextError) in try builder.add(line) }
            OutputWriter.diagnostic("s2s build-vocab: \(statistics)")
        }
        let text = try builder.build(minCount: minCount, maxSize: maxSize)
        try text.save(directory: output)
        let bpe = text.codes.map { "\($0.merges.count) BPE merges, " } ?? ""
        OutputWriter.diagnostic("s2s build-vocab: \(builder.tokenCounts.count) distinct tokens; \(bpe)vocabulary of \(text.vocabulary.count) (min count \(minCount)\(maxSize > 0 ? ", max size \(maxSize)" : "")); fingerprint \(text.pipeline.fingerprint); wrote \(output) in \(seconds(start.duration(to: clock.now))) s")
    }

    private func seconds(_ duration: Duration) -> String {
        let (s, attoseconds) = duration.components
        let tenths = Int(attoseconds / 100_000_000_000_000_000)
        return "\(s).\(tenths)"
    }

    /// Streams the text of each usable line of `path` into `body`; returns the reader's counts.
    private func read(_ path: String, options: ReadOptions, _ body: (String) throws(TextError) -> Void) throws(TextError) -> ReadStatistics {
        switch format {
        case .plain:
            let reader = try LineReader(path: path, options: options)
            while let line = try reader.next() { try body(line.text) }
            return reader.statistics
        case .tsv:
            let reader = try ColumnReader(path: path, column: column, options: options)
            while let line = try reader.next() { try body(line.text) }
            return reader.statistics
        case .labelled, .fasttext:
            let reader = try LabelledReader(path: path, format: format == .labelled ? .tsv : .fastText, options: options)
            while let example = try reader.next() { try body(example.text) }
            return reader.statistics
        }
    }
}
