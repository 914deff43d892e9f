// The language model as a library user meets it: load a model directory, write text after a prompt
// (streamed as pieces, as a callback or an AsyncSequence), score a text. `s2s generate` and
// `s2s evaluate-lm` only parse their flags, call this and print.
import Foundation
import S2SCore
import S2SDecoding
import S2SModels
import S2SText

/// How `TextGenerator` samples.
///
///     var options = GenerationOptions()
///     options.maxTokens = 300
///     options.temperature = 0.8
///     options.seed = 7
public struct GenerationOptions: Sendable, Equatable {
    /// Tokens to generate (a line break counts as one).
    public var maxTokens = 500
    /// Sampling temperature; 0 = greedy (always the most probable token).
    public var temperature: Float = 0.8
    /// Sample from the K most probable tokens only (0 = all).
    public var topK = 0
    /// Sample from the most probable tokens whose probability adds up to P (1 = all).
    public var topP: Float = 1
    /// The sample's seed: the same prompt, options and seed give the same text.
    public var seed: UInt64 = 1
    /// Start the text with the prompt itself (as `s2s generate` prints it).
    public var echoPrompt = true

    /// The defaults: 500 tokens at temperature 0.8 from all tokens, seed 1, the prompt echoed.
    public init() {}
}

/// A trained language model, loaded from its model directory.
///
///     let generator = try TextGenerator(contentsOf: "Models/shakespeare")
///     try generator.generate(prompt: "ROMEO:") { piece in print(piece, terminator: "") }
///     for try await piece in generator.pieces(prompt: "JULIET:") { print(piece, terminator: "") }
///     let (score, _) = try generator.score(path: "val.txt")   // score.loss, score.bitsPerCharacter
///
/// Safe to share between threads: each call builds its own step state; tokenizing (not thread-safe
/// in ICU) runs under a lock.
public final class TextGenerator: @unchecked Sendable {
    /// The model (the first member of an ensemble): its text pipeline tokenizes and detokenizes.
    public let bundle: LanguageModelBundle
    /// Every model sampled together, `bundle` first; one model unless loaded as an ensemble.
    public let members: [LanguageModelBundle]
    private let lock = NSLock()

    /// Loads the model directory `train-lm` wrote; throws `BundleError` naming what is wrong.
    public convenience init(contentsOf directory: String) throws { try self.init(contentsOf: [directory]) }

    /// Loads an ensemble: the models of `directories` sampled together, each next token drawn from the
    /// mean of their next-token distributions (`EnsembleStepModel`, averaging probabilities). They must share the text
    /// pipeline (fingerprint); their shapes and cells may differ.
    ///
    ///     let ensemble = try TextGenerator(contentsOf: ["Models/shakespeare-1", "Models/shakespeare-2"])
    public init(contentsOf directories: [String]) throws {
        try OptionsError.require(!directories.isEmpty, "TextGenerator: give at least one model directory")
        let bundles = try directories.map { try LanguageModelBundle.load(directory: $0) }
        try EnsembleMembers.requireSameText(directories, fingerprints: bundles.map(\.config.text.fingerprint))
        bundle = bundles[0]
        members = bundles
        BLAS.setThreads(1)   // cores go to whole batches (or streams), one BLAS thread each
    }

    /// Loads the model directory at `url`.
    public convenience init(contentsOf url: URL) throws { try self.init(contentsOf: url.path) }

    /// Writes text after `prompt`, handing each new piece to `onText` as soon as it is made: the
    /// prompt first (with `echoPrompt`), then the generated text, ending with a line break.
    /// Options out of range throw `OptionsError`.
    public func generate(prompt: String, options: GenerationOptions = GenerationOptions(), onText: (String) -> Void) throws {
        try OptionsError.require(options.temperature >= 0 && options.temperature.isFinite, "GenerationOptions: temperature must be 0 (greedy) or positive")
        try OptionsError.require(options.topK >= 0, "GenerationOptions: topK must be 0 (all tokens) or positive")
        try OptionsError.require(options.topP > 0 && options.topP <= 1, "GenerationOptions: topP must lie in (0, 1]")
        try OptionsError.require(options.maxTokens >= 0, "GenerationOptions: maxTokens cannot be negative")
        let promptTokens = try lock.withLock { try LanguageModelText.promptTokens(prompt, processor: bundle.text) }
        withoutActuallyEscaping(onText) { onText in
            let stream = TextStream(text: bundle.text, emit: onText)
            // <unk> is banned: it would print as "<unk>"; <pad> and <s> the sampler never draws.
            let sampler = Sampler(temperature: options.temperature, topK: options.topK, topP: options.topP, banUnk: true)
            var rng = Generator(seed: options.seed)
            if options.echoPrompt {
                stream.write(raw: prompt)
                stream.continueLine(after: Array(promptTokens[((promptTokens.lastIndex(of: SpecialTokens.eos) ?? -1) + 1)...]))
            }
            // Decoding (detokenizing) is pure: only tokenizing needs the lock.
            // The prompt begins with its line break (eos); a language model writes eos and goes on.
            let emit: (Int) -> Bool = { stream.write(token: $0); return true }
            let generators = members.map { LanguageModelGenerator(model: $0.model) }
            if generators.count == 1 {
                sampler.generate(model: generators[0], state: generators[0].initialState(), prompt: promptTokens, start: nil,
                                 maxTokens: options.maxTokens, stopAtEOS: false, using: &rng, onToken: emit)
            } else {
                let ensemble = EnsembleStepModel(members: generators, averaging: .probabilities)
                sampler.generate(model: ensemble, state: generators.map { $0.initialState() }, prompt: promptTokens, start: nil,
                                 maxTokens: options.maxTokens, stopAtEOS: false, using: &rng, onToken: emit)
            }
            stream.finishLine()
        }
    }

    /// The whole text `generate(prompt:options:onText:)` writes.
    public func generate(prompt: String, options: GenerationOptions = GenerationOptions()) throws -> String {
        var text = ""
        try generate(prompt: prompt, options: options) { text += $0 }
        return text
    }

    /// The pieces of `generate(prompt:options:onText:)` as an asynchronous sequence, produced on a
    /// background thread.
    ///
    ///     for try await piece in generator.pieces(prompt: "ROMEO:") { print(piece, terminator: "") }
    public func pieces(prompt: String, options: GenerationOptions = GenerationOptions()) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let thread = Thread { [self] in
                do {
                    try generate(prompt: prompt, options: options) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.start()
        }
    }

    /// Loss, perplexity and bits per character of the text file at `path`, read as training reads it;
    /// `streams` contiguous streams scored in `bptt` blocks on `threads` cores. One model only (not an ensemble).
    public func score(path: String, streams: Int = 16, bptt: Int = 128, threads: Int = 1) throws -> (score: LanguageModelScore, characters: Int) {
        try OptionsError.require(streams >= 1 && bptt >= 1 && threads >= 1, "score: streams, bptt and threads must be at least 1")
        try OptionsError.require(members.count == 1, "score: scores one model, not an ensemble of \(members.count)")
        let data = try lock.withLock { try LanguageModelData(path: path, processor: bundle.text) }
        let validator = LanguageModelValidator(streams: streams, bptt: bptt, shards: threads)
        return (LanguageModelScore(stats: try validator.evaluate(bundle.model, tokens: data.tokens),
                                   tokensPerCharacter: data.tokensPerCharacter), data.characters)
    }
}
