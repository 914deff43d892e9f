// Tests of fingerprints, the pipeline mismatch check and its explanations, the pipeline directory
// (pipeline.json + bpe.codes + vocab.txt), and encoding text to ids and back.
import Testing
import S2SCore
import S2SText
import S2STestSupport

@Suite struct TextPipelineTests {
    @Test func fingerprintIsFNV1a64() {
        #expect(Fingerprint.of("") == "cbf29ce484222325")
        #expect(Fingerprint.of("a") == "af63dc4c8601ec8c")
    }

    func processor(_ settings: TokenizerSettings = TokenizerSettings(), merges: Int = 50) throws -> TextProcessor {
        var builder = try PipelineBuilder(settings: settings, bpeMerges: merges)
        for line in ["A dog runs in the park.", "Two dogs run.", "A man, a plan: a canal!", "Dogs don't run."] {
            try builder.add(line)
        }
        return try builder.build()
    }

    @Test func explainsWhatDiffers() throws {
        let model = try processor(TokenizerSettings(lowercase: true)).pipeline
        let input = try processor(TokenizerSettings()).pipeline
        #expect(throws: Never.self) { try model.check(model) }
        #expect {
            try model.check(input)
        } throws: { error in
            let text = "\(error)"
            return (error as? TextError)?.kind == .pipelineMismatch
                && text.contains("model was trained with --lowercase; input pipeline has lowercase off")
                && text.contains("vocabulary")
        }
        let noBPE = try processor(TokenizerSettings(lowercase: true), merges: 0).pipeline
        #expect(model.differences(from: noBPE).contains { $0.contains("input pipeline uses no BPE") })
    }

    @Test func fingerprintCoversSettingsCodesAndVocabulary() throws {
        let a = try processor(), b = try processor()
        #expect(a.pipeline == b.pipeline)
        #expect(try processor(TokenizerSettings(tweet: true)).pipeline.fingerprint != a.pipeline.fingerprint)
        #expect(try processor(merges: 2).pipeline.fingerprint != a.pipeline.fingerprint)
    }

    @Test func savesLoadsAndDetectsEditedFiles() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let text = try processor(TokenizerSettings(lowercase: true))
        try text.save(directory: directory.path + "/vocab")
        let loaded = try TextProcessor(directory: directory.path + "/vocab")
        #expect(loaded.pipeline == text.pipeline)
        #expect(directory.read("vocab/pipeline.json").contains("\"lowercase\" : true"))

        let vocab = directory.read("vocab/vocab.txt")
        directory.write("vocab/vocab.txt", vocab + "extra\t1\n")
        #expect {
            _ = try TextProcessor(directory: directory.path + "/vocab")
        } throws: { error in
            (error as? TextError)?.kind == .pipelineMismatch && "\(error)".contains("pipeline.json")
        }
    }

    @Test func encodesAndDecodes() throws {
        let text = try processor()
        let ids = try text.encode("A dog runs.", addBOS: true, addEOS: true)
        #expect(ids.first == SpecialTokens.bos && ids.last == SpecialTokens.eos)
        #expect(!ids.contains(SpecialTokens.unk))
        #expect(text.decode(ids) == "A dog runs.")
        #expect(text.decode(try text.encode("A zebra runs.")).contains("<unk>"))
    }

    @Test func characterPipeline() throws {
        var builder = try PipelineBuilder(settings: TokenizerSettings(unit: .characters))
        try builder.add("ab ba")
        let text = try builder.build()
        #expect(text.vocabulary.tokens.suffix(3) == ["a", "b", "＿"])   // a 2, b 2, space 1
        #expect(text.decode(try text.encode("abba b")) == "abba b")
        #expect(throws: TextError.self) { try PipelineBuilder(settings: TokenizerSettings(unit: .characters), bpeMerges: 5) }
    }
}
