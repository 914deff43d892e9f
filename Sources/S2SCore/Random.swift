// One seeded generator for everything random in s2s: initialisation, shuffling, dropout, sampling.
// Our own uniform and normal draws (not the standard library's) so the same seed gives the same
// numbers on every machine and every Swift version.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Xoshiro256** seeded through SplitMix64. Its four words of state can be saved and restored, which
/// makes an interrupted training run resumable bit for bit.
///
///     var rng = Generator(seed: 42)
///     rng.uniform()   // in [0, 1)
///     rng.normal()    // mean 0, standard deviation 1
public struct Generator: RandomNumberGenerator, Sendable, Equatable {
    // Four plain words, not an array: every draw touches them, and array access costs 5× more here.
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var splitMix = seed
        s0 = Generator.splitMix64(&splitMix)
        s1 = Generator.splitMix64(&splitMix)
        s2 = Generator.splitMix64(&splitMix)
        s3 = Generator.splitMix64(&splitMix)
    }

    /// Restores a generator from `state` (four words, as saved from another generator).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "invalid generator state")
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The four words of state, to save and restore with `init(state:)`.
    public var state: [UInt64] { [s0, s1, s2, s3] }

    private static func splitMix64(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// A uniform Float in [0, 1) with 24 random bits.
    public mutating func uniform() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform Float in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float {
        low + (high - low) * uniform()
    }

    /// A standard normal draw (Box–Muller in Double, so results are stable across libms' Float paths).
    public mutating func normal() -> Float {
        let u1 = (Double(next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)  // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)        // [0, 1)
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// A uniform integer in 0..<upperBound, without modulo bias.
    public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0)
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// Fisher–Yates shuffle driven by this generator (the standard library's algorithm may change).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            array.swapAt(i, integer(below: i + 1))
        }
    }
}

extension Tensor {
    /// Uniform in [low, high) — PyTorch's default LSTM/Linear initialisation uses ±1/sqrt(fan).
    public static func uniform(_ shape: [Int], low: Float, high: Float, using rng: inout Generator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in rng.uniform(low, high) })
    }

    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout Generator) -> Tensor {
        let n = shape.reduce(1, *)
        return Tensor(shape: shape, scalars: (0..<n).map { _ in mean + std * rng.normal() })
    }
}
