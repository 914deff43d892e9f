// LengthPenalty: how a finished hypothesis's summed log-probability is normalised for length, as in
// OpenNMT-py (`-length_penalty none|avg|wu -alpha α`). score = logProb / penalty(length), where
// length counts the generated tokens including the closing eos (a hypothesis cut at the maximum
// length has no eos and counts only its tokens).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The length normalisation of beam search scores.
///
///     LengthPenalty.none.score(logProb: -6, length: 3)            // -6
///     LengthPenalty.average.score(logProb: -6, length: 3)         // -2
///     LengthPenalty.wu(alpha: 1).score(logProb: -6, length: 3)    // -6 / ((5 + 3) / 6) = -4.5
public enum LengthPenalty: Sendable, Equatable, CustomStringConvertible {
    /// The summed log-probability itself (favours short outputs).
    case none
    /// The mean log-probability per token: logProb / length.
    case average
    /// GNMT (Wu et al., 2016): logProb / ((5 + length) / 6)^α; α = 0 is `none`, larger α favours
    /// longer outputs.
    case wu(alpha: Double)

    /// The divisor for a hypothesis of `length` tokens (≥ 1 for length ≥ 1; 1 for length 0).
    public func penalty(length: Int) -> Double {
        switch self {
        case .none: return 1
        case .average: return Double(max(length, 1))
        case .wu(let alpha): return pow((5 + Double(length)) / 6, alpha)
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
