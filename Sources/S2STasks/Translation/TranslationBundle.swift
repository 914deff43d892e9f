// A translator's model directory: config.json (format header, model settings, lowercasing, both text
// pipelines' fingerprints, the training settings), model.safetensors, and the text pipelines in
// source/ and target/. Loading checks that the pipeline files are the ones the model was trained with.
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// config.json of a translator.
public struct TranslationBundleConfig: Codable, Sendable {
    public static let kind = "translator"
    public var format = ModelBundle.format
    public var formatVersion = ModelBundle.formatVersion
    public var kind = Self.kind
    public var model: TranslationConfig
    /// Input and references are lowercased (Unicode lowercase mapping) before tokenization.
    public var lowercase: Bool
    public var sourcePipeline: TextPipeline
    public var targetPipeline: TextPipeline
    /// How the model was trained (for the record; `--resume` reuses the model and text settings only).
    public var training: [String: String]
    /// The shared trainer's options of that run (budget, validation, early stopping, smoothing, …);
    /// absent in bundles written before it was recorded.
    public var trainer: TrainerOptions? = nil
}

/// A loaded translator bundle: model, text pipelines and settings. Most programs want `Translator`,
/// which wraps one for translating.
///
///     let bundle = try TranslationBundle.load("Models/dates")
///     bundle.model.parameterCount
public struct TranslationBundle: @unchecked Sendable {   // the model is only read once loaded
    public let config: TranslationBundleConfig
    public let model: TranslationModel
    public let text: TranslationText

    /// Writes config.json and the text pipelines (not the weights: the trainer writes those).
    static func writeSettings(_ config: TranslationBundleConfig, text: TranslationText, to bundle: ModelBundle) throws {
        try bundle.create()
        try text.save(bundle: bundle.directory)
        try bundle.writeConfig(config)
    }

    /// Loads a model directory; `weights: false` leaves the model freshly initialised (for --resume,
    /// whose checkpoint holds the weights).
    public static func load(_ directory: String, weights: Bool = true, seed: UInt64 = 1) throws -> TranslationBundle {
        let bundle = ModelBundle(directory: directory)
        let (config, text) = try loadSettings(directory)
        var rng = Generator(seed: seed)
        let model = try TranslationModel(config: config.model, rng: &rng, initialize: !weights)
        if weights {
            guard FileManager.default.fileExists(atPath: bundle.weightsPath) else {
                throw BundleError(path: directory, problem: "no model.safetensors yet",
                                  hint: "training writes it at its first validation; wait for one, or resume the run")
            }
            try bundle.readWeights(into: model.namedParameters)
        }
        return TranslationBundle(config: config, model: model, text: text)
    }

    /// config.json and the text pipelines, checked against each other — no model, so no weights in memory.
    public static func loadSettings(_ directory: String) throws -> (config: TranslationBundleConfig, text: TranslationText) {
        let config = try ModelBundle(directory: directory).readConfig(TranslationBundleConfig.self, kind: TranslationBundleConfig.kind)
        let text = try TranslationText.load(bundle: directory, lowercase: config.lowercase)
        do {
            try config.sourcePipeline.check(text.source.pipeline)
            try config.targetPipeline.check(text.target.pipeline)
        } catch {
            throw BundleError(path: directory, problem: "the text pipeline files do not match config.json: \(error)",
                              hint: "restore source/ and target/ from the training run, or retrain")
        }
        return (config, text)
    }
}
