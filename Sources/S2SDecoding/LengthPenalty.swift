// LengthPenalty: how a finished hypothesis's summed log-probability is normalised for length, as in
// OpenNMT-py (`-length_penalty none|avg|wu -alpha α`). score = logProb / penalty(length), where
// length counts the generated tokens including the closing eos (a hypothesis cut at the maximum
// length has no eos and counts only its tokens); the penalty adds one for the decoder's start token,
// as OpenNMT-py 3's beam search does (its length is that of the sequence it grows, `<s>` included):
// with the same log-probabilities, the same hypotheses then rank the same (checked on imported
// OpenNMT-py models: `OpenNMTImportTests`).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The length normalisation of beam search scores.
///
///     LengthPenalty.none.score(logProb: -6, length: 3)            // -6
///     LengthPenalty.average.score(logProb: -6, length: 3)         // -6 / (3 + 1) = -1.5
///     LengthPenalty.wu(alpha: 1).score(logProb: -6, length: 3)    // -6 / ((5 + 3 + 1) / 6) = -4
public enum LengthPenalty: Sendable, Equatable, CustomStringConvertible {
    /// The summed log-probability itself (favours short outputs).
    case none
    /// The mean log-probability per token: logProb / (length + 1).
    case average
    /// GNMT (Wu et al., 2016): logProb / ((5 + length + 1) / 6)^α; α = 0 is `none`, larger α favours
    /// longer outputs.
    case wu(alpha: Double)

    /// The divisor for a hypothesis of `length` tokens (its start token counted too).
    public func penalty(length: Int) -> Double {
        switch self {
        case .none: return 1
        case .average: return Double(length + 1)
        case .wu(let alpha): return pow((5 + Double(length + 1)) / 6, alpha)
        }
    }

    /// logProb / penalty(length).
    public func score(logProb: Double, length: Int) -> Double {
        logProb / penalty(length: length)
    }

    public var description: String {
        switch self {
        case .none: return "none"
        case .average: return "avg"
        case .wu(let alpha): return "wu(α=\(alpha))"
        }
    }
}
