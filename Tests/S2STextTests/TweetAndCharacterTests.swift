// Tests of the tweet normalizer's pieces (entities, placeholders, elongations) and of the
// grapheme-cluster character tokenizer.
import Testing
import S2SText

@Suite struct TweetAndCharacterTests {
    @Test(arguments: [
        ("@united thanks!", ["<user>", "thanks", "￭!"]),
        ("mail me at bob@example.com", ["mail", "me", "at", "bob@example.com"]),
        ("(see http://example.com/a_(b)).", ["(", "￭see", "<url>", "￭)", "￭."]),
        ("www.Example.org, ok", ["<url>", "￭,", "ok"]),
        ("#MachineLearning rocks 🎉🎉", ["#", "￭MachineLearning", "rocks", "🎉", "￭🎉"]),
        ("@a_b:@c", ["<user>", "￭:", "￭<user>"]),
        ("RT @JetBlue: 5&lt;6 &amp; &#128512;", ["RT", "<user>", "￭:", "5", "￭<", "￭6", "&", "😀"]),
    ])
    func tweetMode(_ input: String, _ expected: [String]) throws {
        #expect(try Tokenizer(settings: TokenizerSettings(tweet: true)).tokenize(input) == expected)
    }

    @Test func squeezesOnlyLetters() {
        #expect(TweetNormalizer.squeezeElongations("soooooo cooool!!!!! 1000000 ääääh") == "sooo coool!!!!! 1000000 äääh")
        #expect(TweetNormalizer.squeezeElongations("good") == "good")
    }

    @Test func unescapesEntities() {
        #expect(TweetNormalizer.unescapeEntities("a &amp; b &lt;3 &quot;x&quot; &#39;y&#x27; &bogus; &") ==
                "a & b <3 \"x\" 'y' &bogus; &")
    }

    @Test func charactersAreGraphemeClusters() throws {
        let tokenizer = try CharacterTokenizer()
        #expect(try tokenizer.tokenize("ne\u{301} 👨‍👩‍👧🇫🇷👍🏽") == ["n", "é", "＿", "👨‍👩‍👧", "🇫🇷", "👍🏽"])
        #expect(try tokenizer.tokenize("a\t \u{301}") == ["a", "％0009", "＿\u{301}"])
        #expect(Detokenizer.detokenize(characters: try tokenizer.tokenize("a\t \u{301}b")) == "a\t \u{301}b")
        #expect(try tokenizer.tokenize("ﬁ") == ["f", "i"])
        let collapsing = try CharacterTokenizer(settings: TokenizerSettings(unit: .characters, collapseWhitespace: true))
        #expect(try collapsing.tokenize("  a \t b ") == ["a", "＿", "b"])
        let tweets = try CharacterTokenizer(settings: TokenizerSettings(unit: .characters, tweet: true))
        #expect(try tweets.tokenize("hi @bob") == ["h", "i", "＿", "<user>"])
    }
}
