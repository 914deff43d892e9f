// TextGenerator through the public API: the text after a prompt through a callback, as one string and
// as an AsyncSequence of pieces — the same text all three ways, and the same text for the same seed.
import Testing
import S2STasks
import S2STestSupport

@Suite struct TextGeneratorAPITests {
    let generator: TextGenerator
    init() throws { generator = try TinyLanguageModel.shared.get() }

    var sampling: GenerationOptions {
        var options = GenerationOptions()
        options.maxTokens = 40
        options.temperature = 1
        options.seed = 3
        return options
    }

    @Test func callbackWholeStringAndPiecesGiveTheSameText() async throws {
        var pieces: [String] = []
        try generator.generate(prompt: "how", options: sampling) { pieces.append($0) }
        let whole = try generator.generate(prompt: "how", options: sampling)
        var streamed: [String] = []
        for try await piece in generator.pieces(prompt: "how", options: sampling) { streamed.append(piece) }

        #expect(pieces.count > 10)   // handed over piece by piece, not at the end
        #expect(pieces.joined() == whole)
        #expect(streamed == pieces)
        #expect(whole.hasPrefix("how"))
        #expect(whole.hasSuffix("\n"))
    }

    @Test func theSameSeedGivesTheSameText() throws {
        var options = sampling
        options.temperature = 2   // far from the rhyme: seeds differ visibly
        let first = try generator.generate(prompt: "up", options: options)
        #expect(try generator.generate(prompt: "up", options: options) == first)
        let others = try (4...8).map { seed in
            options.seed = UInt64(seed)
            return try generator.generate(prompt: "up", options: options)
        }
        #expect(others.contains { $0 != first })
    }

    @Test func greedyContinuesTheTrainingTextWithoutThePrompt() throws {
        var options = GenerationOptions()
        options.temperature = 0
        options.maxTokens = 12
        options.echoPrompt = false
        let text = try generator.generate(prompt: "twinkle twinkle", options: options)
        #expect(text == " little star\n")
    }
}
