import S2SCore
import S2SModels
import S2SNN

/// One timed workload of `s2s bench lstm`, with the FLOP count the PyTorch reference uses too.
struct LSTMBenchCase {
    let name: String
    let tokens: Double          // tokens processed per run
    let flops: Double           // forward + backward FLOPs per run
    /// Median seconds over `repeats` runs with the batch cut into `shards` run on as many cores.
    let measure: (_ repeats: Int, _ shards: Int, _ rng: inout Generator) -> Double

    func measure(repeats: Int, shards: Int, rng: inout Generator) -> Double { measure(repeats, shards, &rng) }

    static let (T, B, I, H) = (30, 64, 256, 512)

    static var standard: [LSTMBenchCase] {
        [RecurrentCell.lstm, .gru, .rnnTanh].flatMap { cell in [layer(cell, directions: 1), layer(cell, directions: 2)] }
            + [attentionStep()]
    }

    /// A recurrent layer forward + backward, loss = Σ output·g: an LSTM, a GRU or an RNN.
    static func layer(_ cell: RecurrentCell, directions D: Int) -> LSTMBenchCase {
        let G = cell.gates * H
        let flops = Double(D) * 3 * 2 * Double(T * B * G * (I + H))
        let name = cell.rawValue + (D == 1 ? "_uni" : "_bi")
        return LSTMBenchCase(name: name, tokens: Double(T * B), flops: flops) { repeats, shards, rng in
            let bound = 1 / Float(H).squareRoot()
            func param(_ shape: [Int]) -> Variable {
                Variable(.uniform(shape, low: -bound, high: bound, using: &rng), requiresGrad: true)
            }
            let parameters = (0..<D).flatMap { _ in [param([G, I]), param([G, H]), param([G]), param([G])] }
            let directions = (0..<D).map { Array(parameters[(4 * $0)..<(4 * $0 + 4)]) }
            let weights = directions.map { RecurrentWeights(cell: cell, weightIH: $0[0], weightHH: $0[1], biasIH: $0[2], biasHH: $0[3]) }
            let shardBatch = B / shards
            let xs = (0..<shards).map { _ in
                Variable(.uniform([T, shardBatch, I], low: -1, high: 1, using: &rng), requiresGrad: true)
            }
            let seed = Tensor.uniform([T, shardBatch, D * H], low: -1, high: 1, using: &rng)
            let lengths = [Int](repeating: T, count: shardBatch)
            return Stopwatch.median(repeats: repeats) {
                DataParallel.run(shards: shards, parameters: parameters) { shard in
                    let tape = Tape()
                    let y = tape.recurrentLayer(xs[shard], lengths: lengths, directions: weights).output
                    tape.backward(from: y, seed: seed)
                    xs[shard].zeroGrad()
                }
                for p in parameters { p.zeroGrad() }
            }
        }
    }

    /// One input-feeding decoder step, forward + backward: LSTMCell(E + H → H) on [embedding, previous
    /// attentional vector], then general attention over S encoder outputs. Every input needs a gradient.
    static func attentionStep() -> LSTMBenchCase {
        let S = T
        let flops = 3 * (2 * Double(B * 4 * H * (I + H)) + 2 * Double(B * H * H) + 4 * Double(B * S * H) + 2 * Double(B * H * 2 * H))
        return LSTMBenchCase(name: "attention_step", tokens: Double(B), flops: flops) { repeats, shards, rng in
            let bound = 1 / Float(H).squareRoot()
            func param(_ shape: [Int]) -> Variable {
                Variable(.uniform(shape, low: -bound, high: bound, using: &rng), requiresGrad: true)
            }
            let cell = RecurrentWeights(cell: .lstm, weightIH: param([4 * H, I + H]), weightHH: param([4 * H, H]),
                                   biasIH: param([4 * H]), biasHH: param([4 * H]))
            let attention = GlobalAttention(dimension: H, type: .general, rng: &rng)
            let parameters = [cell.weightIH, cell.weightHH, cell.biasIH!, cell.biasHH!] + attention.namedParameters.map(\.variable)
            let rows = B / shards
            func input(_ shape: [Int]) -> [Variable] {
                (0..<shards).map { _ in Variable(.uniform(shape, low: -1, high: 1, using: &rng), requiresGrad: true) }
            }
            let embedded = input([rows, I]), feed = input([rows, H]), h = input([rows, H]), c = input([rows, H])
            let memory = input([rows, S, H])
            let seed = Tensor.uniform([rows, H], low: -1, high: 1, using: &rng)
            let lengths = [Int](repeating: S, count: rows)
            return Stopwatch.median(repeats: repeats) {
                DataParallel.run(shards: shards, parameters: parameters) { k in
                    let tape = Tape()
                    let x = tape.concat([embedded[k], feed[k]], axis: 1)
                    let (hNext, _) = tape.lstmCell(x, h: h[k], c: c[k], weights: cell)
                    let (output, _) = attention(query: hNext, memory: memory[k], lengths: lengths, tape: tape)
                    tape.backward(from: output, seed: seed)
                    for v in [embedded[k], feed[k], h[k], c[k], memory[k]] { v.zeroGrad() }
                }
                for p in parameters { p.zeroGrad() }
            }
        }
    }
}
