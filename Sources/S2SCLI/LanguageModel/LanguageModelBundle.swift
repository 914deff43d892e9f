// A language model's bundle directory: config.json (header, model shape, text pipeline, the
// training settings it was made with), model.safetensors, and the text pipeline files
// (pipeline.json, vocab.txt, bpe.codes) beside them. `train-lm` writes it; `generate`,
// `evaluate-lm` and `--resume` read it back, refusing a pipeline that does not match the weights.
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// config.json of a language model.
struct LanguageModelBundleConfig: Codable {
    static let kind = "language-model"

    var format = ModelBundle.format
    var formatVersion = ModelBundle.formatVersion
    var kind = Self.kind
    var model: LanguageModelConfig
    /// The text pipeline the model was trained with (its files sit beside config.json).
    var text: TextPipeline
    var training: LanguageModelTrainingSettings
}

/// The settings of the run that trained the model (recorded for reproducibility; resume reuses them).
struct LanguageModelTrainingSettings: Codable, Equatable {
    var train: String
    var valid: String
    var bptt: Int
    var batchSize: Int
    var learningRate: Double
    var learningRateDecay: Double
    var trainer: TrainerOptions
}

/// A loaded language model with its text pipeline.
struct LoadedLanguageModel {
    let config: LanguageModelBundleConfig
    let model: LanguageModel
    let text: TextProcessor

    /// Reads config.json, the text pipeline and `weights` (default model.safetensors) from `directory`.
    static func load(directory: String, weights: String = "model.safetensors") throws -> LoadedLanguageModel {
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
        return LoadedLanguageModel(config: config, model: model, text: text)
    }
}
