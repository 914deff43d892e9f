// How a translation is searched: the flags `s2s translate` and `s2s-serve` share (beam, n-best, length
// penalty, limits, <unk> replacement, weight precision), turned into the task layer's options.
import ArgumentParser
import S2SCore
import S2STasks

public struct SearchOptions: ParsableArguments {
    @Option(help: "Beam size (1 = greedy).")
    var beamSize = 5

    @Option(help: "Hypotheses per sentence (translate: written as `i ||| hypothesis ||| score` lines, i from 0).")
    var nBest = 1

    @Option(help: "Length normalisation of finished hypotheses: none, avg or wu (GNMT, with --alpha).")
    var lengthPenalty: LengthPenaltyName = .none

    @Option(help: "α of --length-penalty wu.")
    var alpha = 0.6

    @Option(help: "Output length limit: this × the source length + 5 tokens (OpenNMT-py's -max_length_ratio, 1.25 there).")
    var maxLengthRatio = 2.0

    @Option(help: "Output length limit in tokens, whatever the source's length (OpenNMT-py's -max_length, 250 there; default: none).")
    var maxLength: Int?

    @Option(help: "No end of sentence before this many tokens.")
    var minLength = 0

    @Option(help: "Ban any token that would repeat an n-gram of this size (0 = off).")
    var blockNgramRepeat = 0

    @Flag(help: "Replace each <unk> in the output by the source token it attended to most.")
    var replaceUnk = false

    @Option(help: "Decoder and generator weights as float32 (exact), bfloat16 (faster at small batch sizes; may change a few words), bfloat16-dot (activations in bfloat16 too; bfloat16 on CPUs without AVX-512 BF16), int8 (fastest; may change more) or auto (the fastest this project measured within 0.3 BLEU of float32 on this CPU's kernel level: int8 today). `s2s --version` says which path each takes on this CPU.")
    var weightPrecision: WeightPrecision = .float32

    @Option(help: "Longest source in tokens: a longer line is cropped to its first N tokens, with a warning (Marian's --max-length-crop).")
    var maxSourceTokens = 1000

    public init() {}

    public func validate() throws {
        guard beamSize >= 1 else { throw ValidationError("--beam-size must be at least 1") }
        guard nBest >= 1, nBest <= beamSize else { throw ValidationError("--n-best must lie in 1...--beam-size (\(beamSize))") }
        guard maxLengthRatio > 0 else { throw ValidationError("--max-length-ratio must be positive") }
        guard (maxLength ?? 1) >= 1 else { throw ValidationError("--max-length must be at least 1") }
        guard minLength >= 0, blockNgramRepeat >= 0 else { throw ValidationError("--min-length and --block-ngram-repeat cannot be negative") }
        guard alpha >= 0 else { throw ValidationError("--alpha cannot be negative") }
        guard maxSourceTokens >= 1 else { throw ValidationError("--max-source-tokens must be at least 1") }
    }

    /// The library options these flags give (batch size and threads left at their defaults).
    public var options: TranslationOptions {
        var options = TranslationOptions()
        options.beamSize = beamSize
        options.nBest = nBest
        options.lengthPenalty = switch lengthPenalty { case .none: .none; case .avg: .average; case .wu: .wu(alpha: alpha) }
        options.maxLengthRatio = maxLengthRatio
        options.maxLength = maxLength
        options.minLength = minLength
        options.blockNgramRepeat = blockNgramRepeat
        options.replaceUnknown = replaceUnk
        options.maxSourceTokens = maxSourceTokens
        options.weightPrecision = weightPrecision
        return options
    }
}

extension WeightPrecision: ExpressibleByArgument {}

/// `--length-penalty` values (OpenNMT's names).
enum LengthPenaltyName: String, ExpressibleByArgument, CaseIterable {
    case none, avg, wu
}
