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
struct ClassifierBundleConfig: Codable {
    var format = ModelBundle.format
    var formatVersion = ModelBundle.formatVersion
    var kind = ClassifierBundle.kind
    var model: ClassifierConfig
    /// The text pipeline the vocabulary belongs to (its fingerprint is checked on load).
    var text: TextPipeline
    /// The settings of the run that trained the model (for the record; not needed to load it).
    var training: ClassifierTrainingSettings
}

/// The effective settings of a `train-classify` run, as recorded in config.json.
struct ClassifierTrainingSettings: Codable {
    var train: String
    var valid: String
    /// The --labels filter, if any.
    var labelFilter: [String]?
    var batchSize: Int
    var batchTokens: Int?
    var learningRate: Double
    var learningRateDecay: Double
    var decayPatience: Int
    var classWeighting: String
    var classWeights: [Float]?
    var labelSmoothing: Float
    var minCount: Int
    var maxVocabulary: Int
    var bpeMerges: Int
    var trainer: TrainerOptions

    /// Constant, or reduced by `learningRateDecay` when validation macro-F1 stalls.
    var schedule: LearningRateSchedule {
        guard learningRateDecay > 0 else { return .constant(learningRate) }
        return .reduceOnPlateau(learningRate, ReduceOnPlateau(mode: .max, factor: learningRateDecay, patience: decayPatience))
    }
}

/// A loaded classifier: its model, text pipeline and labels.
///
///     let bundle = try ClassifierBundle.load(directory: "Models/airline")
///     let predictor = try ClassifierPredictor(model: bundle.model, text: bundle.text, threads: 2)
struct ClassifierBundle {
    static let kind = "classifier"
    static let labelsFile = "labels.txt"

    let directory: String
    let config: ClassifierBundleConfig
    let labels: [String]
    let text: TextProcessor
    let model: Classifier

    static func load(directory: String) throws -> ClassifierBundle {
        let bundle = ModelBundle(directory: directory)
        let config = try bundle.readConfig(ClassifierBundleConfig.self, kind: kind)
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
        let model = Classifier(config: config.model, rng: &rng)
        try bundle.readWeights(into: model.parameters)
        return ClassifierBundle(directory: directory, config: config, labels: labels, text: text, model: model)
    }

    /// Writes config.json, the text pipeline files and labels.txt (the trainer writes the weights).
    static func save(directory: String, config: ClassifierBundleConfig, text: TextProcessor, labels: [String]) throws {
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
