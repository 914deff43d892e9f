// A language model's bundle directory: config.json (header, model shape, text pipeline, the
// training settings it was made with), model.safetensors, and the text pipeline files
// (pipeline.json, vocab.txt, bpe.codes) beside them. `train-lm` writes it; `generate`,
// `evaluate-lm` and `--resume` read it back, refusing a pipeline that does not match the weights.
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// config.json of a language model.
public struct LanguageModelBundleConfig: Codable, Sendable {
    public static let kind = "language-model"

    public var format = ModelBundle.format
    public var formatVersion = ModelBundle.formatVersion
    public var kind = Self.kind
    public var model: LanguageModelConfig
    /// The text pipeline the model was trained with (its files sit beside config.json).
    public var text: TextPipeline
    public var training: LanguageModelTrainingSettings
}

/// The settings of the run that trained the model (recorded for reproducibility; resume reuses them).
public struct LanguageModelTrainingSettings: Codable, Equatable, Sendable {
    public var train: String
    public var valid: String
    public var bptt: Int
    public var batchSize: Int
    public var learningRate: Double
    public var learningRateDecay: Double
    /// nil in models trained before the schedule could be chosen (plateau).
    public var learningRateSchedule: LearningRateScheduleKind? = nil
    public var trainer: TrainerOptions
}

/// A loaded language model with its text pipeline. Most programs want `TextGenerator`.
///
///     let bundle = try LanguageModelBundle.load(directory: "Models/shakespeare")
///     bundle.model.config.hiddenSize
public struct LanguageModelBundle: @unchecked Sendable {   // the model is only read once loaded
    public let config: LanguageModelBundleConfig
    public let model: LanguageModel
    public let text: TextProcessor

    /// Reads config.json, the text pipeline and `weights` (default model.safetensors) from `directory`.
    public static func load(directory: String, weights: String = "model.safetensors") throws -> LanguageModelBundle {
        let bundle = ModelBundle(directory: directory)
        let config = try bundle.readConfig(LanguageModelBundleConfig.self, kind: LanguageModelBundleConfig.kind)
        if let problem = config.model.problem { throw BundleError(path: bundle.configPath, problem: problem) }
        let text = try TextProcessor(directory: directory)
        do { try config.text.check(text.pipeline) } catch {
            throw BundleError(path: directory + "/" + TextProcessor.pipelineFile, problem: "\(error.problem)",
                              hint: "the text files beside config.json are not the ones the model was trained with")
        }
        guard text.vocabulary.count == config.model.vocabularySize else {
            throw BundleError(path: bundle.configPath, problem: "the vocabulary has \(text.vocabulary.count) tokens, the model \(config.model.vocabularySize)")
        }
        var rng = Generator(seed: 0)   // every weight is overwritten by the file
        let model = LanguageModel(config: config.model, rng: &rng)
        try bundle.readWeights(into: model.namedParameters, file: weights)
        return LanguageModelBundle(config: config, model: model, text: text)
    }
}
