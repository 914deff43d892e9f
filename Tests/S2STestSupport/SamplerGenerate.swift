// A plain sampling loop over any StepModel, for the tests: feed bos and the prompt, then draw tokens one
// at a time until eos or the budget. The oracle `LanguageModelGenerator` (what `s2s generate` runs) is
// held to; it differs on purpose at </s>, which a language model writes as a line break and goes on.

import S2SCore
import S2SDecoding

extension Sampler {
    /// Generates up to `maxTokens` tokens after `prompt` from a model whose `state` holds one row.
    /// Returns the generated tokens (without the prompt and without eos); `onToken` sees each one
    /// first and returns false to stop early. The prompt is fed one step per token (its predictions
    /// are not used); sampling starts after the last prompt token (after bos for an empty prompt).
    ///
    ///     var rng = Generator(seed: 7)
    ///     let tokens = Sampler(temperature: 0.8, topP: 0.9).generate(
    ///         model: lm, state: lm.initialState(), prompt: vocabulary.ids("Once upon"),
    ///         maxTokens: 100, using: &rng) { token in print(vocabulary[token], terminator: " "); return true }
    ///
    /// Complexity: (1 + prompt.count + generated) model steps, plus one `sample` per generated token.
    @discardableResult
    public func generate<Model: StepModel>(model: Model, state: Model.State, prompt: [Int] = [], maxTokens: Int,
                                           using rng: inout Generator,
                                           onToken: (Int) -> Bool = { _ in true }) -> [Int] {
        guard maxTokens > 0 else { return [] }
        var state = state
        let inputs = [SpecialTokens.bos] + prompt
        for token in inputs.dropLast() {
            state = model.step(tokens: [token], state: state).state
        }
        var previous = inputs[inputs.count - 1]
        var generated: [Int] = []
        while generated.count < maxTokens {
            let output = model.step(tokens: [previous], state: state)
            state = output.state
            let v = model.vocabularySize
            precondition(output.logProbs.count == v, "generate: step gave \(output.logProbs.shape) for one row of \(v)")
            let token = output.logProbs.withUnsafeBufferPointer { sample($0, using: &rng) }
            if token == SpecialTokens.eos { break }
            generated.append(token)
            if !onToken(token) { break }
            previous = token
        }
        return generated
    }
}
