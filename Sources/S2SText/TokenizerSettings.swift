// TokenizerSettings: every choice that changes how text becomes tokens. A model stores these (inside
// its `TextPipeline`) and refuses input prepared with different ones.

/// How text is cut into tokens. Codable, so a model's config.json can store it.
///
///     var settings = TokenizerSettings()
///     settings.lowercase = true            // full Unicode case folding: "Straße" -> "strasse"
///     let tokenizer = try Tokenizer(settings: settings)
public struct TokenizerSettings: Codable, Hashable, Sendable {
    /// The unit a token stands for.
    public enum Unit: String, Codable, Hashable, Sendable, CaseIterable {
        /// ICU words, numbers, punctuation and emoji, with joiner marks (see `Tokenizer`).
        case words
        /// Grapheme clusters, for character-level language models (see `CharacterTokenizer`).
        case characters
        /// The input's own space-separated pieces, as they are (no normalization, no markup): text that was
        /// tokenized elsewhere, as an imported OpenNMT-py model takes it. Output is its tokens joined by spaces.
        case spaces
    }

    /// Words (default) or characters.
    public var unit: Unit = .words
    /// Apply full Unicode case folding after NFKC (`--lowercase`). Default off.
    public var lowercase: Bool = false
    /// Tweet normalization (`--tweet`): URLs -> `<url>`, @mentions -> `<user>`, HTML entities
    /// unescaped. Default off.
    public var tweet: Bool = false
    /// Squeeze letter elongations to three letters ("soooooo" -> "sooo") (`--squeeze`). Default off.
    public var squeezeElongations: Bool = false
    /// ICU locale for word breaks and case folding ("" = root; "tr"/"az" fold I to ı) (`--lang`).
    public var language: String = ""
    /// Drop whitespace tokens: every whitespace run becomes a plain token boundary, so double spaces,
    /// tabs and leading/trailing spaces are not reproduced by `detokenize`. Default off (exact round
    /// trip).
    public var collapseWhitespace: Bool = false
    /// The version of the token markup (joiner and whitespace escapes); bumped when it changes.
    public var markupVersion: Int = TokenMarkup.version

    public init(unit: Unit = .words, lowercase: Bool = false, tweet: Bool = false,
                squeezeElongations: Bool = false, language: String = "", collapseWhitespace: Bool = false) {
        self.unit = unit
        self.lowercase = lowercase
        self.tweet = tweet
        self.squeezeElongations = squeezeElongations
        self.language = language
        self.collapseWhitespace = collapseWhitespace
    }

    /// The case folding these settings ask for.
    var caseFolding: CaseFolding {
        guard lowercase else { return .none }
        let primary = language.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" }).first ?? ""
        return primary == "tr" || primary == "az" ? .turkic : .full
    }

    /// One `name=value` line per setting, in a fixed order: the text the fingerprint hashes.
    public var canonicalText: String {
        """
        unit=\(unit.rawValue)
        lowercase=\(lowercase)
        tweet=\(tweet)
        squeeze=\(squeezeElongations)
        language=\(language)
        collapseWhitespace=\(collapseWhitespace)
        markup=\(markupVersion)

        """
    }

    /// The command-line flags that reproduce these settings, e.g. `--lowercase --tweet`.
    public var commandLineFlags: String {
        var flags: [String] = []
        if unit == .characters { flags.append("--chars") }
        if unit == .spaces { flags.append("(pre-tokenized: space-separated tokens)") }
        if lowercase { flags.append("--lowercase") }
        if tweet { flags.append("--tweet") }
        if squeezeElongations { flags.append("--squeeze") }
        if !language.isEmpty { flags.append("--lang \(language)") }
        if collapseWhitespace { flags.append("--collapse-whitespace") }
        return flags.isEmpty ? "(no flags)" : flags.joined(separator: " ")
    }
}
