// Several language models sampled as one (the LM side of `s2s generate -m A -m B`): at every step each
// member scores the next token, and the ensemble's distribution is the mean of the members'
// distributions (softmax of each one's logits) — averaging probabilities, not logits, so a member
// that is sure cannot be outvoted by one that merely has large logits. It is returned as
// log-probabilities, which the sampler takes as it takes logits. Members must share the vocabulary:
// the task layer checks that their text pipelines are the same.
import Foundation
import S2SCore

/// Language models run token by token as one `NextTokenModel`.
///
///     let ensemble = LanguageModelEnsemble(models: [a, b])
///     var rng = Generator(seed: 1)
///     ensemble.generate(prompt: [SpecialTokens.eos] + promptIds, maxTokens: 300, sampler: Sampler(temperature: 0.8), rng: &rng)
///
/// Not thread-safe; the buffer `step` returns is overwritten by the next step.
public final class LanguageModelEnsemble: NextTokenModel {
    public let members: [LanguageModelGenerator]
    public let rows: Int
    public let vocabularySize: Int
    private let mean: UnsafeMutablePointer<Float>   // [rows, V]

    public init(models: [LanguageModel], rows: Int = 1) {
        precondition(!models.isEmpty, "LanguageModelEnsemble: no models")
        let V = models[0].config.vocabularySize
        precondition(models.allSatisfy { $0.config.vocabularySize == V }, "LanguageModelEnsemble: members need the same vocabulary")
        members = models.map { LanguageModelGenerator(model: $0, rows: rows) }
        self.rows = rows
        vocabularySize = V
        mean = .allocate(capacity: rows * V)
        mean.initialize(repeating: 0, count: rows * V)
    }

    deinit { mean.deallocate() }

    public func reset() { for member in members { member.reset() } }

    /// log(mean over members of softmax(member logits)) [rows, V].
    public func step(_ tokens: [Int]) -> UnsafeBufferPointer<Float> {
        let V = vocabularySize, share = 1 / Float(members.count)
        mean.update(repeating: 0, count: rows * V)
        for member in members {
            let logits = member.step(tokens)
            for r in 0..<rows {
                let row = logits.baseAddress! + r * V, out = mean + r * V
                var largest = -Float.infinity
                for v in 0..<V { largest = max(largest, row[v]) }
                var sum: Float = 0
                for v in 0..<V { sum += expf(row[v] - largest) }
                let scale = share / sum
                for v in 0..<V { out[v] += expf(row[v] - largest) * scale }
            }
        }
        for i in 0..<(rows * V) { mean[i] = logf(mean[i]) }   // log 0 = −∞: never drawn
        return UnsafeBufferPointer(start: mean, count: rows * V)
    }
}
