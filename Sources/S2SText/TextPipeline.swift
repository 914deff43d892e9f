// TextPipeline: the Codable description of how a model's text was prepared — tokenizer settings,
// BPE codes and vocabulary, each with a fingerprint — and the check that refuses input prepared
// differently, saying what differs.

/// What a model stores (in its config.json) about its text pipeline.
///
///     let pipeline = TextPipeline(settings: settings, codes: codes, vocabulary: vocab)
///     try modelPipeline.check(pipeline)
///     // throws: input was prepared with a different text pipeline than the model: model was trained
///     //         with --lowercase; input pipeline has lowercase off
public struct TextPipeline: Codable, Equatable, Sendable {
    /// Format version of this description.
    public var version: Int = 1
    public var settings: TokenizerSettings
    /// Number of BPE merges; 0 without BPE.
    public var bpeMerges: Int
    /// Fingerprint of the BPE codes file text; nil without BPE.
    public var bpeFingerprint: String?
    /// Number of tokens, specials included.
    public var vocabularySize: Int
    /// Fingerprint of the tokens in id order (counts do not matter).
    public var vocabularyFingerprint: String
    /// Fingerprint of the canonical text of all of the above (`canonicalText`).
    public var fingerprint: String

    public init(settings: TokenizerSettings, codes: BPECodes?, vocabulary: Vocabulary) {
        self.settings = settings
        self.bpeMerges = codes?.merges.count ?? 0
        self.bpeFingerprint = codes.map { Fingerprint.of($0.text) }
        self.vocabularySize = vocabulary.count
        self.vocabularyFingerprint = Fingerprint.of(Self.vocabularyText(vocabulary))
        self.fingerprint = Fingerprint.of(Self.canonicalText(settings: settings, codes: codes, vocabulary: vocabulary))
    }

    /// The text the overall fingerprint hashes: settings lines, the codes file, the tokens.
    public static func canonicalText(settings: TokenizerSettings, codes: BPECodes?, vocabulary: Vocabulary) -> String {
        "s2s-text-pipeline 1\n" + settings.canonicalText
            + "bpe \(codes?.merges.count ?? 0)\n" + (codes?.text ?? "")
            + "vocabulary \(vocabulary.count)\n" + vocabularyText(vocabulary)
    }

    private static func vocabularyText(_ vocabulary: Vocabulary) -> String {
        vocabulary.tokens.joined(separator: "\n") + "\n"
    }

    /// What differs between this (the model's) pipeline and `input`, one sentence each; empty when
    /// they are the same.
    public func differences(from input: TextPipeline) -> [String] {
        var out: [String] = []
        let a = settings, b = input.settings
        func flag(_ name: String, _ model: Bool, _ other: Bool) {
            guard model != other else { return }
            out.append(model ? "model was trained with --\(name); input pipeline has \(name) off"
                             : "model was trained without --\(name); input pipeline has \(name) on")
        }
        if a.unit != b.unit { out.append("model reads \(a.unit.rawValue); input pipeline produces \(b.unit.rawValue)") }
        flag("lowercase", a.lowercase, b.lowercase)
        flag("tweet", a.tweet, b.tweet)
        flag("squeeze", a.squeezeElongations, b.squeezeElongations)
        flag("collapse-whitespace", a.collapseWhitespace, b.collapseWhitespace)
        if a.language != b.language {
            func name(_ l: String) -> String { l.isEmpty ? "no --lang (root locale)" : "--lang \(l)" }
            out.append("model was trained with \(name(a.language)); input pipeline has \(name(b.language))")
        }
        if a.markupVersion != b.markupVersion {
            out.append("model uses token markup version \(a.markupVersion); input pipeline uses \(b.markupVersion)")
        }
        if bpeFingerprint != input.bpeFingerprint {
            func name(_ merges: Int, _ fingerprint: String?) -> String {
                fingerprint.map { "BPE codes with \(merges) merges (fingerprint \($0))" } ?? "no BPE"
            }
            out.append("model uses \(name(bpeMerges, bpeFingerprint)); input pipeline uses \(name(input.bpeMerges, input.bpeFingerprint))")
        }
        if vocabularyFingerprint != input.vocabularyFingerprint {
            out.append("model's vocabulary has \(vocabularySize) tokens (fingerprint \(vocabularyFingerprint)); input's has \(input.vocabularySize) (fingerprint \(input.vocabularyFingerprint))")
        }
        if out.isEmpty && fingerprint != input.fingerprint {
            out.append("pipeline fingerprints differ (model \(fingerprint), input \(input.fingerprint))")
        }
        return out
    }

    /// Throws a `.pipelineMismatch` error listing every difference when `input` is not this pipeline.
    public func check(_ input: TextPipeline) throws(TextError) {
        let differences = differences(from: input)
        guard !differences.isEmpty else { return }
        throw TextError(.pipelineMismatch,
                        "input was prepared with a different text pipeline than the model: "
                        + differences.joined(separator: "; ")
                        + ". Prepare input with the model's own pipeline (its tokenizer flags: \(settings.commandLineFlags)).")
    }
}
