// ULMFiT-style pretraining inside a classifier run (`train-classify --pretrain 3m`): before the
// classifier trains, a word language model of the classifier's own shape and text pipeline trains on
// the text of every line of the training file — whatever its label, since unlabelled text is what
// pretraining is for — validated on the validation file's text, in <model dir>/pretrain/ (a complete
// `train-lm` bundle, with the two texts it read). The classifier then starts from its best weights
// exactly as `--init-from` would. Off by default: on the held-out airline tweets it added 0.46 points
// of 3-class accuracy (means of seeds 1–3), within the seed spread of about a point, for 3 minutes more
// than the classifier's own minute (Docs/results.md).
//
// Resume: a classifier run that has a checkpoint no longer needs its language model; one that died
// before its first checkpoint resumes the pretraining from its checkpoint (with a fresh time budget, as
// every resumed run) or starts it again, and then trains the classifier from the start. Distributed: every rank takes part in the language model's
// run; rank 0 then sends its best weights to the others.
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// Pretraining a classifier's encoder as a language model, inside the classifier's run.
enum ClassificationPretraining {
    /// The subdirectory of the classifier's model directory that holds the language model.
    static let directoryName = "pretrain"

    /// The recipe: a word language model trained for 3 minutes (dropout 0.2, Adam at 4e-3 halved on
    /// plateaus, 128-token windows). Its batch, validation interval, plateau rule, plain Adam and raw
    /// (unsmoothed) weights are the ones the classifier's figures were measured with (64 streams, every 100
    /// steps), not `train-lm`'s character-model defaults.
    static var recipe: LanguageModelTrainingOptions {
        var options = LanguageModelTrainingOptions()
        options.unit = .words
        options.batchSize = 64
        options.trainer.validateEvery = 100
        options.trainer.exponentialSmoothing = nil
        options.trainer.weightDecay = nil
        options.learningRateSchedule = .plateau
        options.trainer.epochs = nil
        options.trainer.timeBudget = 180
        return options
    }

    /// Why a classifier of this shape cannot start from a language model of its own shape, or nil.
    static func problem(with model: ClassificationConfig) -> String? {
        guard model.bidirectional && model.layers > 1 else { return nil }
        return "pretraining: the upper layers of a bidirectional classifier read both directions, which a language model's do not; "
            + "train with one layer, --no-bidirectional, or without --pretrain"
    }

    /// Trains (or, when `mode` is `.resume` and rank 0 has its checkpoint, continues) the language model in `directory`/pretrain and returns it,
    /// on every rank. `directory` is this rank's classifier directory, which holds the classifier's text
    /// pipeline; `options` the language model's settings (their shape, unit and pipeline are set here).
    static func run(_ options: LanguageModelTrainingOptions, classifier: ClassificationConfig, seed: UInt64, shards: Int,
                    train: String, valid: String, format: LabelledFormat, directory: String, mode: TrainingDirectory.Mode,
                    distributed: DistributedRun, progress: @escaping TrainingProgressHandler) throws -> LanguageModelBundle {
        let lmDirectory = directory + "/" + directoryName
        try FileManager.default.createDirectory(atPath: lmDirectory, withIntermediateDirectories: true)
        // Every rank writes the texts into its own directory (the language model's files name them).
        let texts = [(train, lmDirectory + "/train.txt"), (valid, lmDirectory + "/valid.txt")]
        var words = 0
        for (labelled, text) in texts {
            let lines = try ClassificationData.read(path: labelled, format: format).examples.map(\.text)
            try AtomicFile.write(Array(lines.map { $0 + "\n" }.joined().utf8), to: text)
            if labelled == train { words = lines.reduce(0) { $0 + $1.split(separator: " ").count + 1 } }
        }

        var lm = options
        lm.unit = .words
        lm.pipelineDirectory = directory
        lm.model = LanguageModelConfig(vocabularySize: 0, cell: classifier.cell, embeddingSize: classifier.embeddingSize,
                                       hiddenSize: classifier.hiddenSize, layers: classifier.layers, dropout: options.model.dropout)
        // A small training file still gets streams of two windows or more (about: words, not tokens).
        lm.batchSize = max(1, min(lm.batchSize, words / (2 * lm.bptt)))
        lm.trainer.seed = seed
        lm.trainer.shards = shards
        var job = LanguageModelTrainingJob(train: texts[0].1, valid: texts[1].1, modelDirectory: lmDirectory, options: lm)
        job.collective = distributed.collective
        job.mode = mode
        if mode == .resume {
            // Rank 0's directory decides: only it holds the language model's checkpoints.
            let resumable = try distributed.rank == 0 ? CheckpointStore(modelDirectory: lmDirectory).latest() != nil : false
            job.mode = (distributed.collective?.agree(resumable) ?? resumable) ? .resume : .overwrite
        }
        let budget = lm.trainer.timeBudget.map { " for \(Int($0)) s at most" } ?? ""
        progress(.message("pretraining: a word language model of the encoder's shape on the training text\(budget), in \(lmDirectory)"))
        try job.run { event in
            switch event {
            case .finished: break   // the classifier's run goes on
            case .message(let line): progress(.message("pretraining: " + line))
            default: progress(event)
            }
        }
        try distributed.shareFiles(["config.json", "model.safetensors", TextProcessor.pipelineFile, TextProcessor.vocabularyFile,
                                    TextProcessor.codesFile], of: lmDirectory)
        return try LanguageModelBundle.load(directory: lmDirectory)
    }
}
