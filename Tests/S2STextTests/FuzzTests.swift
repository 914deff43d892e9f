// Bounded, seeded fuzzing: random bytes and random Unicode through the readers, tokenizers and BPE
// must give tokens or a clean TextError, never a crash — and the round trip must hold for every
// valid string.
import Testing
import S2SText
import S2STestSupport

@Suite struct FuzzTests {
    /// Scalars from ranges that stress segmentation: ASCII, Latin with combining marks, Arabic, Thai,
    /// CJK, kana, Hangul, emoji with modifiers/ZWJ/variation selectors, flags, whitespace, controls,
    /// compatibility characters (our markup characters included) and private use.
    static let ranges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x00...0x1F, 0xA0...0x24F, 0x300...0x36F, 0x600...0x6FF, 0xE00...0xE7F,
        0x3040...0x30FF, 0x4E00...0x4E80, 0xAC00...0xAC80, 0x1F300...0x1F64F, 0x1F3FB...0x1F3FF,
        0x200B...0x200D, 0xFE0E...0xFE0F, 0x1F1E6...0x1F1FF, 0x2000...0x206F, 0xFF00...0xFFEF,
        0xFB00...0xFB06, 0xE000...0xE010, 0x10FFF0...0x10FFFF, 0x1680...0x1680, 0x2028...0x2029,
    ]

    static func randomString(_ rng: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            let range = ranges[Int.random(in: 0..<ranges.count, using: &rng)]
            if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { text.unicodeScalars.append(scalar) }
        }
        return text
    }

    @Test func randomUnicodeRoundTripsAndNeverCrashes() throws {
        var rng = SplitMix64(seed: 20240601)
        let tokenizer = try Tokenizer()
        let tweets = try Tokenizer(settings: TokenizerSettings(lowercase: true, tweet: true, squeezeElongations: true))
        let characters = try CharacterTokenizer()
        let normalizer = try TextNormalizer()
        var counts: [String: Int] = [:]
        var samples: [String] = []
        for _ in 0..<3000 {
            let text = Self.randomString(&rng)
            let expected = try normalizer.normalize(text)
            let tokens = try tokenizer.tokenize(text)
            for token in tokens {
                #expect(!token.isEmpty && !token.unicodeScalars.contains(where: \.properties.isWhitespace))
                counts[String(TokenMarkup.split(token).text), default: 0] += 1
            }
            let back = Detokenizer.detokenize(tokens)
            #expect(back.utf8.elementsEqual(expected.utf8), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            let line = tokens.joined(separator: " ")
            #expect(Detokenizer.detokenize(line: line).utf8.elementsEqual(expected.utf8))
            _ = try tweets.tokenize(text)
            let graphemes = try characters.tokenize(text)
            #expect(!graphemes.contains { $0.unicodeScalars.contains(where: \.properties.isWhitespace) })
            #expect(Detokenizer.detokenize(characters: graphemes).utf8.elementsEqual(expected.utf8))
            samples.append(text)
        }
        let bpe = BPEEncoder(codes: BPECodes.learn(counts: counts, merges: 200))
        for text in samples.prefix(500) {
            let tokens = try tokenizer.tokens(text)
            #expect(Detokenizer.detokenize(bpe.apply(tokens: tokens)).utf8.elementsEqual(try normalizer.normalize(text).utf8), "\(tokens.map(\.written)) -> \(bpe.apply(tokens: tokens)) \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test func randomBytesGiveLinesOrCleanErrors() throws {
        var rng = SplitMix64(seed: 7)
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let tokenizer = try Tokenizer()
        var errors = 0, lines = 0
        for round in 0..<60 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...600, using: &rng) {
                // Mostly ASCII and newlines, with UTF-8 lead and continuation bytes mixed in.
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: bytes.append(0x0A)
                case 1: bytes.append(UInt8.random(in: 0x80...0xFF, using: &rng))
                case 2: bytes += Array("é👍🏽ก".utf8).prefix(Int.random(in: 1...9, using: &rng))
                default: bytes.append(UInt8.random(in: 0x00...0x7F, using: &rng))
                }
            }
            let file = directory.write("r\(round).txt", bytes)
            for policy in ReadOptions.InvalidUTF8.allCases {
                let reader = try LineReader(path: file, options: ReadOptions(invalidUTF8: policy, maxLineBytes: 200),
                                            bufferSize: 64)
                do {
                    while let line = try reader.next() {
                        lines += 1
                        _ = try tokenizer.tokenize(line.text)
                    }
                } catch {
                    #expect(policy == .error)
                    if case .invalidUTF8 = error.kind { errors += 1 } else { Issue.record("unexpected \(error)") }
                }
            }
            // Decoded with replacement, the bytes must tokenize too.
            _ = try tokenizer.tokenize(String(decoding: bytes, as: UTF8.self))
        }
        #expect(errors > 0 && lines > 0)
    }
}
