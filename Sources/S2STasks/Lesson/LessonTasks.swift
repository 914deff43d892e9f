// The two long-memory benchmarks of the lesson, as seeded batch generators.
//
// The adding problem (Hochreiter & Schmidhuber 1997, in its common modern form): T steps of two
// channels — a value uniform in [0, 1] and a marker, 1 at exactly two steps (one in each half) — and the
// target is the sum of the two marked values. Predicting 1 always gives MSE 1/6 ≈ 0.167.
//
// The copy task (Arjovsky et al. 2016): 10 symbols from an alphabet of 8, T − 1 blanks, a marker, then
// 10 more blanks; the network must stay silent (blank) for T + 10 steps and then repeat the 10 symbols.
// A network without memory can do no better than the blanks plus a uniform guess at the end:
// 10·ln 8 / (T + 20) nats per step.
import Foundation
import S2SCore

enum AddingProblem {
    static let inputs = 2
    /// What always predicting 1 scores (the variance of a sum of two U(0, 1) values).
    static let baseline = 1.0 / 6

    /// x [T, B, 2] and the targets [B].
    static func batch(length T: Int, size B: Int, rng: inout Generator) -> (x: Tensor, targets: [Float]) {
        var x = Tensor(zeros: [T, B, 2])
        var targets = [Float](repeating: 0, count: B)
        for b in 0..<B {
            for t in 0..<T { x[t, b, 0] = rng.uniform() }
            let first = rng.integer(below: max(1, T / 2)), second = T / 2 + rng.integer(below: max(1, T - T / 2))
            for t in [first, second] {
                x[t, b, 1] = 1
                targets[b] += x[t, b, 0]
            }
        }
        return (x, targets)
    }
}

enum CopyTask {
    static let symbols = 8, remembered = 10
    /// One-hot inputs: blank 0, symbols 1…8, marker 9.
    static let inputs = symbols + 2
    /// Outputs: blank 0, symbols 1…8.
    static let outputs = symbols + 1

    static func baseline(delay T: Int) -> Double { Double(remembered) * log(Double(symbols)) / Double(T + 2 * remembered) }

    /// x [T + 20, B, 10] one-hot and the targets, time-major [(T + 20)·B].
    static func batch(delay T: Int, size B: Int, rng: inout Generator) -> (x: Tensor, targets: [Int]) {
        let length = T + 2 * remembered
        var x = Tensor(zeros: [length, B, inputs])
        var targets = [Int](repeating: 0, count: length * B)
        for b in 0..<B {
            var tokens = [Int](repeating: 0, count: length)
            for k in 0..<remembered {
                let symbol = 1 + rng.integer(below: symbols)
                tokens[k] = symbol
                targets[(T + remembered + k) * B + b] = symbol
            }
            tokens[remembered + T - 1] = symbols + 1
            for (t, token) in tokens.enumerated() { x[t, b, token] = 1 }
        }
        return (x, targets)
    }
}
