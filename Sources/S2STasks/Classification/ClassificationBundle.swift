// A classifier's model directory: config.json (format header, model shape, text pipeline description,
// the training settings used), model.safetensors (best weights, torch names), the text pipeline's files
// (pipeline.json, vocab.txt, bpe.codes when BPE is on) and labels.txt (one label per line, class id =
// line index). Loading checks each piece against the others and says what does not fit.
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// config.json of a classifier bundle.
public struct ClassificationBundleConfig: Codable, Sendable {
    public var format = ModelBundle.format
    public var formatVersion = ModelBundle.formatVersion
    public var kind = ClassificationBundle.kind
    public var model: ClassificationConfig
    /// The text pipeline the vocabulary belongs to (its fingerprint is checked on load).
    public var text: TextPipeline
    /// The settings of the run that trained the model (for the record; not needed to load it).
    public var training: ClassificationTrainingSettings
}

/// The effective settings of a `train-classify` run, as recorded in config.json.
public struct ClassificationTrainingSettings: Codable, Sendable {
    public var train: String
    public var valid: String
    /// The --labels filter, if any.
    public var labelFilter: [String]?
    public var batchSize: Int
    public var batchTokens: Int?
    public var learningRate: Double
    public var learningRateDecay: Double
    public var decayPatience: Int
    /// nil in models trained before the schedule could be chosen (plateau).
    public var learningRateSchedule: LearningRateScheduleKind? = nil
    public var classWeighting: String
    public var classWeights: [Float]?
    public var labelSmoothing: Float
    public var minCount: Int
    public var maxVocabulary: Int
    public var bpeMerges: Int
    /// The language model the encoder started from (--init-from); nil for a fresh encoder.
    public var initFrom: String? = nil
    /// The subdirectory of the model directory where the run pretrained the language model it started
    /// from (`ClassificationPretraining`); nil when it did not.
    public var pretrain: String? = nil
    public var trainer: TrainerOptions

    /// Reduced by `learningRateDecay` when validation macro-F1 stalls, constant, or annealed.
    var schedule: LearningRateSchedule {
        (learningRateSchedule ?? .plateau).schedule(learningRate, decay: learningRateDecay, patience: decayPatience, plateau: .max)
    }
}

/// A loaded classifier bundle: its model, text pipeline and labels. Most programs want `Classifier`.
///
///     let bundle = try ClassificationBundle.load(directory: "Models/airline")
///     let predictor = try ClassifierPredictor(model: bundle.model, text: bundle.text, threads: 2)
public struct ClassificationBundle: @unchecked Sendable {   // the model is only read once loaded
    public static let kind = "classifier"
    public static let labelsFile = "labels.txt"

    public let directory: String
    public let config: ClassificationBundleConfig
    public let labels: [String]
    public let text: TextProcessor
    public let model: ClassificationModel

    /// Reads a model directory, checking config.json, the text pipeline, labels.txt and the weights against each other.
    public static func load(directory: String) throws -> ClassificationBundle { try load(directory: directory, weights: true) }

    /// The same; without `weights` the model keeps a fresh initialisation (a resumed run reads its checkpoint,
    /// and one that died while pretraining has no model.safetensors yet).
    static func load(directory: String, weights: Bool) throws -> ClassificationBundle {
        let bundle = ModelBundle(directory: directory)
        let config = try bundle.readConfig(ClassificationBundleConfig.self, kind: kind)
        if let problem = config.model.problem { throw BundleError(path: bundle.configPath, problem: problem) }
        let text = try TextProcessor(directory: directory)
        let differences = config.text.differences(from: text.pipeline)
        guard differences.isEmpty else {
            throw BundleError(path: bundle.path(TextProcessor.pipelineFile),
                              problem: "the text pipeline does not match config.json: " + differences.joined(separator: "; "),
                              hint: "the vocabulary files and config.json come from different runs; retrain")
        }
        guard text.vocabulary.count == config.model.vocabularySize else {
            throw BundleError(path: bundle.path(TextProcessor.vocabularyFile),
                              problem: "\(text.vocabulary.count) tokens, config.json says \(config.model.vocabularySize)")
        }
        let labels = try readLabels(bundle.path(labelsFile))
        guard labels.count == config.model.classes else {
            throw BundleError(path: bundle.path(labelsFile), problem: "\(labels.count) labels, config.json says \(config.model.classes)")
        }
        var rng = Generator(seed: 0)   // every weight is replaced by the file's
        let model = ClassificationModel(config: config.model, rng: &rng)
        if weights { try bundle.readWeights(into: model.parameters) }
        return ClassificationBundle(directory: directory, config: config, labels: labels, text: text, model: model)
    }

    /// Writes config.json, the text pipeline files and labels.txt (the trainer writes the weights).
    static func save(directory: String, config: ClassificationBundleConfig, text: TextProcessor, labels: [String]) throws {
        let bundle = ModelBundle(directory: directory)
        try bundle.create()
        try text.save(directory: directory)
        try AtomicFile.write(Array(labels.map { $0 + "\n" }.joined().utf8), to: bundle.path(labelsFile))
        try bundle.writeConfig(config)
    }

    /// labels.txt: one non-empty, distinct label per line.
    static func readLabels(_ path: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: path) else {
            throw BundleError(path: path, problem: "missing: a classifier directory holds its labels here")
        }
        let text = String(decoding: try AtomicFile.read(path), as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }   // after the final newline
        var labels: [String] = []
        for (index, line) in lines.enumerated() {
            guard !line.isEmpty, !line.contains("\t") else {
                throw BundleError(path: "\(path):\(index + 1)", problem: "expected one label per line (no empty lines or TABs)")
            }
            guard !labels.contains(String(line)) else {
                throw BundleError(path: "\(path):\(index + 1)", problem: "label \"\(line)\" appears twice")
            }
            labels.append(String(line))
        }
        return labels
    }
}
