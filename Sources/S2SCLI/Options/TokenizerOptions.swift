// TokenizerOptions: the command-line flags that make up `TokenizerSettings`, shared by every command
// that tokenizes text (tokenize, build-vocab, and the training commands that build a pipeline).
import ArgumentParser
import S2SText

/// `--lowercase --tweet --squeeze --lang L --chars --collapse-whitespace`.
struct TokenizerOptions: ParsableArguments {
    @Flag(help: "Apply full Unicode case folding after NFKC (Straße -> strasse).")
    var lowercase = false

    @Flag(help: "Tweet normalization: URLs -> <url>, @mentions -> <user>, HTML entities unescaped.")
    var tweet = false

    @Flag(help: "Squeeze letter elongations to three letters (soooooo -> sooo).")
    var squeeze = false

    @Option(name: .customLong("lang"), help: ArgumentHelp("ICU locale for word breaks and case folding (e.g. th, ja, tr).", valueName: "L"))
    var language: String = ""

    @Flag(help: "Grapheme clusters instead of words (character-level models).")
    var chars = false

    @Flag(name: .customLong("collapse-whitespace"),
          help: "Treat every whitespace run as one token boundary (no whitespace tokens; not reversible).")
    var collapseWhitespace = false

    var settings: TokenizerSettings {
        TokenizerSettings(unit: chars ? .characters : .words, lowercase: lowercase, tweet: tweet,
                          squeezeElongations: squeeze, language: language, collapseWhitespace: collapseWhitespace)
    }

    /// True when any flag differs from the default.
    var isSet: Bool { settings != TokenizerSettings() }
}

extension ReadOptions.InvalidUTF8: ExpressibleByArgument {}
