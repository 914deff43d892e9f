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
            in batches on all cores (--threads); the output does not depend on --batch-size. Empty and very \
            long lines get an output line too. \
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

    func validate() throws {
        guard beamSize >= 1 else { throw ValidationError("--beam-size must be at least 1") }
        guard nBest >= 1, nBest <= beamSize else { throw ValidationError("--n-best must lie in 1...--beam-size (\(beamSize))") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        guard maxLengthRatio > 0 else { throw ValidationError("--max-length-ratio must be positive") }
        guard minLength >= 0, blockNgramRepeat >= 0 else { throw ValidationError("--min-length and --block-ngram-repeat cannot be negative") }
        guard alpha >= 0 else { throw ValidationError("--alpha cannot be negative") }
    }

    func run() throws {
        BLAS.setThreads(1)   // cores go to batches, one each
        let started = Stopwatch.now()
        let bundle = try TranslatorBundle.load(model)
        let reader = try LineReader(path: input, options: ReadOptions(invalidUTF8: .replace, skipEmpty: false))
        var lines: [String] = []
        while let line = try reader.next() { lines.append(line.text) }
        if reader.statistics.invalidReplaced > 0 {
            log("\(reader.statistics.invalidReplaced) input line(s) had invalid UTF-8, replaced by U+FFFD")
        }
        let output = try translate(lines, with: bundle)
        FileHandle.standardOutput.write(Data(output.map { $0 + "\n" }.joined().utf8))
        let seconds = Stopwatch.now() - started
        log(String(format: "translated %d lines in %.1f s (%.1f lines/s)", lines.count, seconds, Double(lines.count) / seconds))
    }

    /// The output lines for `lines` (one each, or `nBest` each), in order; writes the attention SVGs.
    func translate(_ lines: [String], with bundle: TranslatorBundle) throws -> [String] {
        let text = bundle.text
        var sources: [[Int]] = [], sourceTokens: [[String]] = []
        for (index, line) in lines.enumerated() {
            do {
                sources.append(try text.sourceIds(line))
                if replaceUnk || attentionSvg != nil { sourceTokens.append(try text.sourceTokens(line)) }
            } catch {
                throw ValidationError("\(input == "-" ? "<stdin>" : input):\(index + 1): \(error)")
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
        if let attentionSvg { try writeAttention(translations, sourceTokens: sourceTokens, text: text, to: attentionSvg) }
        var out: [String] = []
        for (index, translation) in translations.enumerated() {
            let candidates = translation.candidates.prefix(nBest)
            for candidate in candidates {
                let tokens = outputTokens(candidate, source: replaceUnk ? sourceTokens[index] : nil, text: text)
                let sentence = detokenize(tokens, text: text)
                out.append(nBest == 1 ? sentence : "\(index) ||| \(sentence) ||| \(String(format: "%.6f", candidate.score))")
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

    private func writeAttention(_ translations: [Translation], sourceTokens: [[String]], text: TranslationText, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, translation) in translations.enumerated() {
            guard let best = translation.candidates.first, let attention = best.attention else { continue }
            let source = sourceTokens[index], target = text.target.vocabulary.decode(best.tokens)
            let columns = attention.shape[1]
            var weights: [Float] = []
            for t in 0..<target.count { for s in 0..<source.count { weights.append(s < columns ? attention[t, s] : 0) } }
            let svg = AttentionSVG.render(source: source, target: target, weights: weights)
            try AtomicFile.write(Array(svg.utf8), to: directory + "/" + String(format: "%06d.svg", index + 1))
        }
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}

extension WeightPrecision: ExpressibleByArgument {}

/// `--length-penalty` values (OpenNMT's names).
enum LengthPenaltyName: String, ExpressibleByArgument, CaseIterable {
    case none, avg, wu
}
