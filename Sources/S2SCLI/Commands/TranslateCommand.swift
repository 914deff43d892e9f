import ArgumentParser
import Foundation
import S2SCore
import S2SDecoding
import S2SModels
import S2SText
import S2STraining

/// `s2s translate`: translates lines with a model from `s2s train-translate` — one output line per
/// input line, in order (K lines `i ||| hypothesis ||| score` with --n-best K); input tokenized and
/// output detokenized with the model's own text settings.
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate lines (a file or standard input) with a model from train-translate.",
        discussion: """
            Beam search (batched; greedy when --beam-size is 1). Sentences are sorted by length and decoded \
            in batches on all cores (--threads); the output does not depend on --batch-size. Every input line \
            gets an output line: an empty line (or one with no tokens) gets an empty line (with --n-best, the \
            single line `i |||  ||| 0.000000`); a line over --max-source-tokens is cropped to its first tokens, \
            with a warning naming it on standard error. The input is read in blocks, so memory does not grow \
            with its length. \
            Examples:
              echo "the fourth of july, nineteen seventy-six" | s2s translate -m Models/dates
              s2s translate -m Models/en-de test.en --beam-size 5 --length-penalty wu --alpha 0.6 > test.hyp.de
              s2s translate -m Models/en-de test.en --n-best 3            # lines "i ||| hypothesis ||| score"
              s2s translate -m Models/en-de test.en --attention-svg attention/   # attention/000001.svg, …
              s2s translate -m Models/en-de test.en --batch-size 1 --weight-precision bfloat16
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(name: [.customShort("m"), .long], help: "The model directory written by train-translate.")
    var model: String

    @Argument(help: "Input file, or - for standard input.")
    var input = "-"

    @Option(help: "Beam size (1 = greedy).")
    var beamSize = 5

    @Option(help: "Hypotheses per sentence, written as `i ||| hypothesis ||| score` lines (i from 0).")
    var nBest = 1

    @Option(help: "Sentences decoded together (results do not depend on it).")
    var batchSize = 32

    @Option(help: "Length normalisation of finished hypotheses: none, avg or wu (GNMT, with --alpha).")
    var lengthPenalty: LengthPenaltyName = .none

    @Option(help: "α of --length-penalty wu.")
    var alpha = 0.6

    @Option(help: "Output length limit: this × the source length + 5 tokens.")
    var maxLengthRatio = 2.0

    @Option(help: "No end of sentence before this many tokens.")
    var minLength = 0

    @Option(help: "Ban any token that would repeat an n-gram of this size (0 = off).")
    var blockNgramRepeat = 0

    @Flag(help: "Replace each <unk> in the output by the source token it attended to most.")
    var replaceUnk = false

    @Option(help: "Write one SVG heatmap of the attention weights per sentence into this directory.")
    var attentionSvg: String?

    @Option(help: "Decoder and generator weights as float32 (exact) or bfloat16 (faster at small batch sizes; may change a few words).")
    var weightPrecision: WeightPrecision = .float32

    @Option(help: "Longest source in tokens: a longer line is cropped to its first N tokens, with a warning (Marian's --max-length-crop).")
    var maxSourceTokens = 1000

    /// Lines read, translated and written at a time: memory stays bounded on any input size.
    static let blockSize = 10_000
    /// Bytes of a line kept per allowed source token. Real text has under 10 bytes a token, so the token
    /// cap decides for any real line, while a line of many megabytes is never held (or tokenized) whole.
    static let bytesPerSourceToken = 64

    func validate() throws {
        guard beamSize >= 1 else { throw ValidationError("--beam-size must be at least 1") }
        guard nBest >= 1, nBest <= beamSize else { throw ValidationError("--n-best must lie in 1...--beam-size (\(beamSize))") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxLengthRatio > 0 else { throw ValidationError("--max-length-ratio must be positive") }
        guard minLength >= 0, blockNgramRepeat >= 0 else { throw ValidationError("--min-length and --block-ngram-repeat cannot be negative") }
        guard alpha >= 0 else { throw ValidationError("--alpha cannot be negative") }
        guard maxSourceTokens >= 1 else { throw ValidationError("--max-source-tokens must be at least 1") }
    }

    func run() throws {
        BLAS.setThreads(1)   // cores go to batches, one each
        let started = Stopwatch.now()
        let bundle = try TranslatorBundle.load(model)
        let lines = try translateInput(with: bundle) { FileHandle.standardOutput.write(Data($0.utf8)) }
        let seconds = Stopwatch.now() - started
        log(String(format: "translated %d lines in %.1f s (%.1f lines/s)", lines, seconds, Double(lines) / seconds))
    }

    /// Reads `input` in blocks, translates them and hands each block's output text to `write`; returns
    /// the number of lines read.
    func translateInput(with bundle: TranslatorBundle, write: (String) -> Void) throws -> Int {
        let reader = try LineReader(path: input, options: ReadOptions(
            invalidUTF8: .replace, maxLineBytes: maxSourceTokens * Self.bytesPerSourceToken, overlongLines: .crop, skipEmpty: false))
        var block: [Line] = []
        func flush() throws {
            guard let first = block.first else { return }
            let output = try translate(block.map(\.text), with: bundle, firstLineNumber: first.number,
                                       croppedLines: Set(block.filter(\.cropped).map(\.number)))
            write(output.map { $0 + "\n" }.joined())
            block.removeAll(keepingCapacity: true)
        }
        while let line = try reader.next() {
            block.append(line)
            if block.count == Self.blockSize { try flush() }
        }
        try flush()
        if reader.statistics.invalidReplaced > 0 {
            log("\(reader.statistics.invalidReplaced) input line(s) had invalid UTF-8, replaced by U+FFFD")
        }
        return reader.statistics.lines
    }

    /// The output lines for `lines` (one each, or `nBest` each), in order; writes the attention SVGs.
    /// `firstLineNumber` is the input line number of `lines[0]` (for messages, n-best indices and SVG
    /// names); `croppedLines` are line numbers the reader already cut to their first bytes.
    func translate(_ lines: [String], with bundle: TranslatorBundle, firstLineNumber: Int = 1,
                   croppedLines: Set<Int> = []) throws -> [String] {
        let text = bundle.text
        let file = input == "-" ? "<stdin>" : input
        var sources: [[Int]] = [], sourceTokens: [[String]] = []
        for (index, line) in lines.enumerated() {
            let number = firstLineNumber + index
            do {
                var ids = try text.sourceIds(line)
                var tokens = replaceUnk || attentionSvg != nil ? try text.sourceTokens(line) : []
                if ids.count > maxSourceTokens || croppedLines.contains(number) {
                    ids = Array(ids.prefix(maxSourceTokens))
                    tokens = Array(tokens.prefix(maxSourceTokens))
                    log("\(file):\(number): longer than --max-source-tokens \(maxSourceTokens); translating its first \(ids.count) tokens")
                }
                sources.append(ids)
                if replaceUnk || attentionSvg != nil { sourceTokens.append(tokens) }
            } catch {
                throw ValidationError("\(file):\(number): \(error)")
            }
        }
        let penalty: LengthPenalty = switch lengthPenalty {
        case .none: .none
        case .avg: .average
        case .wu: .wu(alpha: alpha)
        }
        let search = DecodingSearch(beamSize: beamSize, nBest: nBest, lengthPenalty: penalty, minLength: minLength,
                                    blockNgramRepeat: blockNgramRepeat)
        let job = TranslationJob(model: bundle.model, search: search, batchSize: batchSize,
                                 threads: runOptions.threads, maxLengthRatio: maxLengthRatio, weightPrecision: weightPrecision)
        let translations = job.run(sources)
        if let attentionSvg {
            try writeAttention(translations, sourceTokens: sourceTokens, text: text, to: attentionSvg, firstLineNumber: firstLineNumber)
        }
        var out: [String] = []
        for (index, translation) in translations.enumerated() {
            let candidates = translation.candidates.prefix(nBest)
            for candidate in candidates {
                let tokens = outputTokens(candidate, source: replaceUnk ? sourceTokens[index] : nil, text: text)
                let sentence = detokenize(tokens, text: text)
                let i = firstLineNumber - 1 + index
                out.append(nBest == 1 ? sentence : "\(i) ||| \(sentence) ||| \(String(format: "%.6f", candidate.score))")
            }
        }
        return out
    }

    /// The written target tokens of a hypothesis; with `source`, each <unk> becomes the source token
    /// with the largest attention weight at that step.
    private func outputTokens(_ candidate: Translation.Candidate, source: [String]?, text: TranslationText) -> [String] {
        var tokens = text.target.vocabulary.decode(candidate.tokens)
        guard let source, !source.isEmpty, let attention = candidate.attention else { return tokens }
        let columns = attention.shape[1]
        for (i, id) in candidate.tokens.enumerated() where id == S2SText.Vocabulary.unk && i < attention.shape[0] {
            var best = 0
            for s in 0..<min(columns, source.count) where attention[i, s] > attention[i, best] { best = s }
            tokens[i] = source[best]
        }
        return tokens
    }

    private func detokenize(_ tokens: [String], text: TranslationText) -> String {
        text.target.settings.unit == .characters ? Detokenizer.detokenize(characters: tokens) : Detokenizer.detokenize(tokens)
    }

    private func writeAttention(_ translations: [Translation], sourceTokens: [[String]], text: TranslationText, to directory: String,
                                firstLineNumber: Int) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, translation) in translations.enumerated() {
            guard let best = translation.candidates.first, let attention = best.attention else { continue }
            let source = sourceTokens[index].map(AttentionSVG.label), target = text.target.vocabulary.decode(best.tokens).map(AttentionSVG.label)
            let columns = attention.shape[1]
            var weights: [Float] = []
            for t in 0..<target.count { for s in 0..<source.count { weights.append(s < columns ? attention[t, s] : 0) } }
            let svg = AttentionSVG.render(source: source, target: target, weights: weights)
            try AtomicFile.write(Array(svg.utf8), to: directory + "/" + String(format: "%06d.svg", firstLineNumber + index))
        }
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}

extension WeightPrecision: ExpressibleByArgument {}

/// `--length-penalty` values (OpenNMT's names).
enum LengthPenaltyName: String, ExpressibleByArgument, CaseIterable {
    case none, avg, wu
}
