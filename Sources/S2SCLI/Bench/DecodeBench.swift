// The workload of `s2s bench decode`: the search machinery alone (top-k scans, ranking, trellis,
// selects, sampling), over a model that hands back prebuilt log-probabilities, so no network time is
// in the figures. Formerly an opt-in test (S2S_BENCH_DECODING); a timing is not a test.
import S2SCore
import S2SDecoding

/// Every row gets the same prebuilt random [N, V] log-probabilities (built once per N); eos is never
/// likely, so every search runs to its maximum length.
final class CannedStepModel: StepModel, @unchecked Sendable {
    let vocabularySize: Int
    private var cache: [Int: Tensor] = [:]
    private let pool: [Float]

    init(vocabularySize: Int, rows: Int, seed: UInt64) {
        self.vocabularySize = vocabularySize
        var rng = Generator(seed: seed)
        var logits = (0..<(rows * vocabularySize)).map { _ in 3 * rng.normal() }
        for r in 0..<rows { logits[r * vocabularySize + SpecialTokens.eos] = -50 }
        pool = LogSoftmaxKernel.apply(Tensor(shape: [rows, vocabularySize], scalars: logits)).scalars
    }

    /// The state is the row count.
    func step(tokens: [Int], state: Int) -> (logProbs: Tensor, attention: Tensor?, state: Int) {
        let n = tokens.count
        if cache[n] == nil {
            cache[n] = Tensor(shape: [n, vocabularySize], scalars: Array(pool.prefix(n * vocabularySize)))
        }
        return (cache[n]!, nil, n)
    }

    func select(_ state: Int, rows: [Int]) -> Int { rows.count }
}

/// Beam search and greedy search over B sentences of `steps` tokens, and single-row sampling.
struct DecodeBench {
    let batch: Int, beamSize: Int, steps: Int
    let model: CannedStepModel

    init(vocabulary: Int, batch: Int, beamSize: Int, steps: Int, seed: UInt64) {
        self.batch = batch
        self.beamSize = beamSize
        self.steps = steps
        model = CannedStepModel(vocabularySize: vocabulary, rows: batch * beamSize, seed: seed)
    }

    var maxLengths: [Int] { Array(repeating: steps, count: batch) }

    func beam() -> [[Hypothesis]] { BeamSearch(beamSize: beamSize).decode(model, initialState: batch, maxLengths: maxLengths) }
    func greedy() -> [Hypothesis] { GreedySearch().decode(model, initialState: batch, maxLengths: maxLengths) }

    /// Median seconds per step of a whole beam search (`repeats` runs after one warm-up).
    func beamSecondsPerStep(repeats: Int) -> Double {
        Stopwatch.median(repeats: repeats) { _ = beam() } / Double(steps)
    }

    func greedySecondsPerStep(repeats: Int) -> Double {
        Stopwatch.median(repeats: repeats) { _ = greedy() } / Double(steps)
    }

    /// Median seconds to draw one token with `sampler` from one row of V log-probabilities.
    func sampleSeconds(_ sampler: Sampler, draws: Int, repeats: Int, seed: UInt64) -> Double {
        var rng = Generator(seed: seed)
        let row = Array(model.step(tokens: [SpecialTokens.bos], state: 1).logProbs.scalars)
        var sum = 0
        let seconds = Stopwatch.median(repeats: repeats) {
            for _ in 0..<draws { sum &+= sampler.sample(row, using: &rng) }
        }
        if sum == -1 { print("") }   // keeps the draws observable
        return seconds / Double(draws)
    }
}
