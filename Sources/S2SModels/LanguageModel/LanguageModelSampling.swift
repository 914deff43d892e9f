// Writing text with a language model: the prompt primes the state, then each step feeds the token
// just chosen and draws the next from the logits with S2SDecoding's `Sampler` (temperature, top-k,
// top-p; the softmax's shift invariance lets it take logits as well as log-probabilities), handing
// every token to the caller as it is made (so a command can stream it). `</s>` does not stop a
// language model: it is the line break.
import S2SCore
import S2SDecoding
import S2SText

/// A model that scores the next token one step at a time for `rows` sequences: a language model's
/// `LanguageModelGenerator`, or a `LanguageModelEnsemble` of them.
public protocol NextTokenModel: AnyObject {
    var rows: Int { get }
    /// Zeroes every row's state.
    func reset()
    /// Feeds one token per row and returns the next-token scores [rows, V] — logits or log-probabilities
    /// (the sampler's softmax does not care which) — valid until the next call.
    func step(_ tokens: [Int]) -> UnsafeBufferPointer<Float>
}

extension NextTokenModel {
    /// Feeds `tokens` (one sequence, the same for every row) without looking at the predictions.
    public func prime(_ tokens: [Int]) {
        var step = [Int](repeating: 0, count: rows)
        for token in tokens {
            for r in 0..<rows { step[r] = token }
            _ = self.step(step)
        }
    }

    /// Generates up to `maxTokens` tokens after `prompt` for row 0 (the generator must have 1 row),
    /// calling `emit` with each. The state starts from zeros and `prompt` should begin with
    /// `SpecialTokens.eos` (the "line break before the text" the model saw in training).
    ///
    ///     let generator = LanguageModelGenerator(model: model)
    ///     var rng = Generator(seed: 1)
    ///     let ids = generator.generate(prompt: [SpecialTokens.eos] + promptIds, maxTokens: 300,
    ///                                  sampler: Sampler(temperature: 0.8, banUnk: true), rng: &rng) {
    ///         print(text.decode([$0]), terminator: "")
    ///     }
    ///
    /// Same prompt, settings and seed → the same tokens.
    @discardableResult
    public func generate(prompt: [Int], maxTokens: Int, sampler: Sampler, rng: inout Generator,
                         emit: (Int) -> Void = { _ in }) -> [Int] {
        precondition(rows == 1, "generate runs one row; make the generator with rows: 1")
        precondition(!prompt.isEmpty, "generate needs at least one prompt token (start with SpecialTokens.eos)")
        reset()
        prime(Array(prompt.dropLast()))
        var output: [Int] = [], token = [prompt.last!]
        output.reserveCapacity(maxTokens)
        for _ in 0..<maxTokens {
            let next = sampler.sample(step(token), using: &rng)
            output.append(next)
            emit(next)
            token[0] = next
        }
        return output
    }
}
