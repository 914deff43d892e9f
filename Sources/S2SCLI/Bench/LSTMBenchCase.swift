import S2SCore

/// One timed workload of `s2s bench lstm`, with the FLOP count the PyTorch reference uses too.
struct LSTMBenchCase {
    let name: String
    let tokens: Double          // tokens processed per run
    let flops: Double           // forward + backward FLOPs per run
    let measure: (_ repeats: Int, _ rng: inout Generator) -> Double  // median seconds

    func measure(repeats: Int, rng: inout Generator) -> Double { measure(repeats, &rng) }

    static let (T, B, I, H) = (30, 64, 256, 512)

    static var standard: [LSTMBenchCase] { [layer(directions: 1), layer(directions: 2)] }

    /// An LSTM layer forward + backward, loss = Σ output·g.
    static func layer(directions D: Int) -> LSTMBenchCase {
        let flops = Double(D) * 3 * 2 * Double(T * B * 4 * H * (I + H))
        return LSTMBenchCase(name: D == 1 ? "lstm_uni" : "lstm_bi", tokens: Double(T * B), flops: flops) { repeats, rng in
            let bound = 1 / Float(H).squareRoot()
            func param(_ shape: [Int]) -> Variable {
                Variable(.uniform(shape, low: -bound, high: bound, using: &rng), requiresGrad: true)
            }
            let weights = (0..<D).map { _ in
                LSTMWeights(weightIH: param([4 * H, I]), weightHH: param([4 * H, H]), biasIH: param([4 * H]), biasHH: param([4 * H]))
            }
            let x = Variable(.uniform([T, B, I], low: -1, high: 1, using: &rng), requiresGrad: true)
            let seed = Tensor.uniform([T, B, D * H], low: -1, high: 1, using: &rng)
            let lengths = [Int](repeating: T, count: B)
            return Stopwatch.median(repeats: repeats) {
                let tape = Tape()
                let (y, _, _) = tape.lstmLayer(x, lengths: lengths, directions: weights)
                tape.backward(from: y, seed: seed)
                x.zeroGrad()
                for w in weights { for v in [w.weightIH, w.weightHH, w.biasIH!, w.biasHH!] { v.zeroGrad() } }
            }
        }
    }
}
