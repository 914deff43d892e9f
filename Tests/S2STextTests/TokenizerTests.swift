// Tests of the ICU word tokenizer: a table of tricky inputs with their expected written tokens, and
// the round trip detokenize(tokenize(x)) == NFKC(x) on each of them.
import Testing
import S2SText

@Suite struct TokenizerTests {
    /// (input, settings, expected written tokens)
    static let table: [(String, TokenizerSettings, [String])] = [
        ("Hello, world!", .init(), ["Hello", "￭,", "world", "￭!"]),
        ("can't won’t", .init(), ["can't", "won’t"]),                      // NFKC keeps ’
        ("1,000.50 -5 3.14%", .init(), ["1,000.50", "-", "￭5", "3.14", "￭%"]),
        ("Müller straße", .init(), ["Müller", "straße"]),
        ("Müller STRASSE straße", .init(lowercase: true), ["müller", "strasse", "strasse"]),
        ("ﬁne ﬂow", .init(), ["fine", "flow"]),                            // NFKC ligatures
        ("e\u{301}te\u{301}", .init(), ["été"]),                             // combining marks composed
        ("👨‍👩‍👧‍👦 family", .init(), ["👨‍👩‍👧‍👦", "family"]),
        ("🇩🇪🇫🇷!", .init(), ["🇩🇪", "￭🇫🇷", "￭!"]),
        ("👍🏽👍 ok", .init(), ["👍🏽", "￭👍", "ok"]),
        ("a😂b", .init(), ["a", "￭😂", "￭b"]),
        ("東京に行きます。", .init(), ["東京", "￭に", "￭行き", "￭ます", "￭。"]),
        ("我爱北京天安门", .init(), ["我", "￭爱", "￭北京", "￭天安门"]),
        ("สวัสดีครับ ผม", .init(), ["สวัสดี", "￭ครับ", "ผม"]),
        ("مرحبا، كيف حالك؟", .init(), ["مرحبا", "￭،", "كيف", "حالك", "￭؟"]),
        ("a  b\tc ", .init(), ["a", "＿＿", "b", "％0009", "c", "＿"]),
        ("  x", .init(), ["＿＿", "x"]),
        ("a  b\tc ", .init(collapseWhitespace: true), ["a", "b", "c"]),
        ("a\u{FFED}b", .init(), ["a", "￭■", "￭b"]),                         // a literal joiner: NFKC -> ■
        ("x\u{A0}y", .init(), ["x", "y"]),                                   // NBSP -> space under NFKC
        ("see https://t.co/abc, @united #fail", .init(tweet: true),
         ["see", "<url>", "￭,", "<user>", "#", "￭fail"]),
        ("see https://t.co/abc", .init(), ["see", "https", "￭:", "￭/", "￭/", "￭t.co", "￭/", "￭abc"]),
        ("soooooo goooood!!!!", .init(tweet: true, squeezeElongations: true), ["sooo", "goood", "￭!", "￭!", "￭!", "￭!"]),
        ("AT&amp;T", .init(tweet: true), ["AT", "￭&", "￭T"]),
        ("İstanbul I", .init(lowercase: true, language: "tr"), ["istanbul", "ı"]),
        ("", .init(), []),
    ]

    @Test(arguments: 0..<table.count) func trickyInput(_ index: Int) throws {
        let (input, settings, expected) = Self.table[index]
        let tokenizer = try Tokenizer(settings: settings)
        let tokens = try tokenizer.tokenize(input)
        #expect(tokens == expected, "input \(input.debugDescription)")
    }

    @Test func roundTripsTheTable() throws {
        let tokenizer = try Tokenizer()
        let normalizer = try TextNormalizer()
        for (input, _, _) in Self.table {
            let back = Detokenizer.detokenize(try tokenizer.tokenize(input))
            #expect(Array(back.utf8) == Array(try normalizer.normalize(input).utf8), "input \(input.debugDescription)")
        }
    }

    @Test func emojiTokensAreSingleGraphemes() throws {
        let tokens = try Tokenizer().tokens("I ❤️ it 👩🏾‍💻🏳️‍🌈🇯🇵")
        let emoji = tokens.filter { $0.kind == .emoji }
        #expect(emoji.map(\.text) == ["❤️", "👩🏾‍💻", "🏳️‍🌈", "🇯🇵"])
        #expect(emoji.allSatisfy { $0.text.count == 1 })
    }

    @Test func kindsComeFromRuleStatus() throws {
        let tokens = try Tokenizer(settings: .init(tweet: true)).tokens("Call 555 now! @bob 😀")
        #expect(tokens.map(\.kind) == [.word, .number, .word, .punctuation, .special, .emoji])
    }
}
