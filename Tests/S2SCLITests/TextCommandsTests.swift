// Tests of the text commands' argument handling and of build-vocab end to end (tokenize and
// detokenize write to standard output and are exercised through the library they wrap).
import Testing
@testable import S2SCLI
import S2SText
import S2STestSupport

@Suite struct TextCommandsTests {
    @Test func tokenizeRejectsConflictingFlags() {
        #expect(throws: (any Error).self) { _ = try TokenizeCommand.parse(["--pipeline", "dir", "--lowercase"]) }
        #expect(throws: (any Error).self) { _ = try TokenizeCommand.parse(["--ids"]) }
        #expect(throws: (any Error).self) { _ = try TokenizeCommand.parse(["--chars", "--bpe", "codes"]) }
        #expect(throws: (any Error).self) { _ = try TokenizeCommand.parse(["--on-invalid", "ignore"]) }
        let parsed = try? TokenizeCommand.parse(["--lowercase", "--tweet", "--lang", "th", "--threads", "2"])
        #expect(parsed?.tokenizer.settings == TokenizerSettings(lowercase: true, tweet: true, language: "th"))
    }

    @Test func buildVocabWritesALoadablePipeline() throws {
        let directory = TemporaryDirectory("cli")
        defer { directory.remove() }
        let corpus = directory.write("corpus.txt", "A dog runs.\nA dog sleeps.\n\nTwo dogs run.\n")
        let command = try BuildVocabCommand.parse(["--input", corpus, "--bpe-merges", "20", "--lowercase",
                                                   "--output", directory.file("vocab")])
        try command.run()
        let text = try TextProcessor(directory: directory.file("vocab"))
        #expect(text.settings.lowercase)
        #expect(text.codes?.merges.isEmpty == false)
        #expect(text.decode(try text.encode("Two dogs sleep.")) == "two dogs sleep.")
        #expect(throws: (any Error).self) { _ = try BuildVocabCommand.parse(["--input", corpus, "--output", "x", "--chars", "--bpe-merges", "5"]) }
        #expect(throws: (any Error).self) { _ = try BuildVocabCommand.parse(["--output", "x"]) }
    }
}
