// The one sampling loop, over any StepModel: feed the start token and the prompt, then draw tokens one at
// a time. A translator-like model stops at eos; a language model writes eos as a line break and goes on
// (`stopAtEOS: false`), so `s2s generate`, the server and the tests all run this loop.
import S2SCore

extension Sampler {
    /// Generates up to `maxTokens` tokens after `prompt` from a model whose `state` holds one row, and
    /// returns them (without the prompt; without the eos that stopped them). `start` is prepended to the
    /// prompt (nil: the prompt already begins with its start token, as a language model's line break).
    /// `onToken` sees each token as it is drawn and returns false to stop early.
    ///
    ///     var rng = Generator(seed: 7)
    ///     let tokens = Sampler(temperature: 0.8, topP: 0.9).generate(
    ///         model: lm, state: lm.initialState(), prompt: vocabulary.ids("Once upon"),
    ///         maxTokens: 100, using: &rng) { token in print(vocabulary[token], terminator: " "); return true }
    ///
    /// Same model, prompt, settings and seed → the same tokens. Complexity: prompt.count + generated model
    /// steps (plus one for `start`), and one `sample` per generated token.
    @discardableResult
    public func generate<Model: StepModel>(model: Model, state: Model.State, prompt: [Int] = [],
                                           start: Int? = SpecialTokens.bos, maxTokens: Int, stopAtEOS: Bool = true,
                                           using rng: inout Generator,
                                           onToken: (Int) -> Bool = { _ in true }) -> [Int] {
        let inputs = (start.map { [$0] } ?? []) + prompt
        precondition(!inputs.isEmpty, "generate needs a start token or a prompt")
        guard maxTokens > 0 else { return [] }
        var state = state
        for token in inputs.dropLast() {
            state = model.step(tokens: [token], state: state).state
        }
        var previous = inputs[inputs.count - 1]
        var generated: [Int] = []
        generated.reserveCapacity(maxTokens)
        while generated.count < maxTokens {
            let output = model.step(tokens: [previous], state: state)
            state = output.state
            precondition(output.logProbs.count == model.vocabularySize,
                         "generate: step gave \(output.logProbs.shape) for one row of \(model.vocabularySize)")
            let token = output.logProbs.withUnsafeBufferPointer { sample($0, using: &rng) }
            if stopAtEOS && token == SpecialTokens.eos { break }
            generated.append(token)
            if !onToken(token) { break }
            previous = token
        }
        return generated
    }
}
