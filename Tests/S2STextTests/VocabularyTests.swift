// Tests of the vocabulary: building (min count, max size, tie order), the token<TAB>count file and
// its errors, encoding and decoding.
import Testing
import S2SCore
import S2SText
import S2STestSupport

@Suite struct VocabularyTests {
    func sample() -> VocabularyBuilder {
        var builder = VocabularyBuilder()
        builder.add(["b", "a", "c", "a", "b", "d", "e", "e", "<unk>"])
        return builder
    }

    @Test func ordersByCountThenBytes() throws {
        let vocab = try sample().build()
        #expect(vocab.tokens == ["<pad>", "<unk>", "<s>", "</s>", "a", "b", "e", "c", "d"])
        #expect(vocab.counts == [0, 0, 0, 0, 2, 2, 2, 1, 1])
        #expect(SpecialTokens.pad == 0 && SpecialTokens.unk == 1 && SpecialTokens.bos == 2 && SpecialTokens.eos == 3)
        for (id, name) in [(SpecialTokens.pad, "<pad>"), (SpecialTokens.unk, "<unk>"), (SpecialTokens.bos, "<s>"), (SpecialTokens.eos, "</s>")] {
            #expect(vocab.tokens[id] == name && Vocabulary.specials[id] == name)
        }
        #expect([SpecialTokens.pad, SpecialTokens.unk, SpecialTokens.bos, SpecialTokens.eos] == [0, 1, 2, 3])   // the aliases
    }

    @Test func minCountAndMaxSize() throws {
        #expect(try sample().build(minCount: 2).tokens.suffix(3) == ["a", "b", "e"])
        #expect(try sample().build(maxSize: 6).tokens == ["<pad>", "<unk>", "<s>", "</s>", "a", "b"])
        #expect(throws: TextError.self) { try sample().build(maxSize: 3) }
    }

    @Test func encodesAndDecodes() throws {
        let vocab = try sample().build()
        #expect(vocab.encode(["a", "zzz", "d"]) == [4, SpecialTokens.unk, 8])
        #expect(vocab.decode([4, 8, 99]) == ["a", "d", "<unk>"])
        #expect(vocab.id(of: "c") == 7 && vocab.id(of: "zzz") == nil)
        #expect(vocab.token(at: 5) == "b" && vocab.token(at: -1) == nil)
        #expect(vocab.count == 9)
    }

    @Test func savesAndLoads() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let vocab = try sample().build()
        try vocab.save(path: directory.path + "/vocab.txt")
        #expect(directory.read("vocab.txt").hasPrefix("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t2\n"))
        #expect(try Vocabulary.load(path: directory.path + "/vocab.txt") == vocab)
    }

    @Test(arguments: [
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nword 5\n", 5, "no TAB"),
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\nword\tfive\n", 5, "count"),
        ("<pad>\t0\n<s>\t0\n<unk>\t0\n</s>\t0\n", 2, "<unk>"),
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\na\t1\nb\t1\na\t1\n", 7, "line 5"),
        ("<pad>\t0\n<unk>\t0\n<s>\t0\n</s>\t0\n\na\t1\n", 5, "empty line"),
    ])
    func malformedFilesNameTheLine(_ text: String, _ line: Int, _ words: String) {
        #expect {
            _ = try Vocabulary(parsing: text, file: "v.txt")
        } throws: { error in
            guard let error = error as? TextError else { return false }
            return error.kind == .malformed && error.line == line && error.description.contains(words)
                && error.description.hasPrefix("v.txt:\(line): ")
        }
    }

    @Test func refusesTokensTheFileCannotHold() {
        #expect(throws: TextError.self) { try Vocabulary(tokens: ["a\tb"]) }
        #expect(throws: TextError.self) { try Vocabulary(tokens: ["x", "x"]) }
        #expect(throws: TextError.self) { try Vocabulary(tokens: ["<s>"]) }
    }
}
