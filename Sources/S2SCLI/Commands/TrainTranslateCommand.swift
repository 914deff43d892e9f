import ArgumentParser
import S2STasks
import S2STraining

/// `s2s train-translate`: trains an attention encoder-decoder on a parallel corpus — or, with no data
/// flags, on the dates corpus s2s generates itself — validating with perplexity, accuracy and greedy
/// BLEU, keeping the best model by BLEU.
struct TrainTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-translate",
        abstract: "Train an attention translator (bi-LSTM encoder, or GRU/RNN with --cell; input-feeding decoder; beam search via `s2s translate`).",
        discussion: """
            With no data flags, trains on spelled-out English dates → ISO dates, generated into Corpora/dates \
            (1½–2½ minutes on two cores, ≥ 99% exact match on the held-out test part; the corpus is not committed):
              s2s train-translate --model-dir Models/dates
              echo "the fourth of july, nineteen seventy-six" | s2s translate -m Models/dates

            Multi30k English→German (30 minutes on two cores):
              s2s train-translate --train-src train.en --train-tgt train.de --valid-src val.en --valid-tgt val.de \\
                  --bpe-merges 10000 --lowercase --time-budget 30m --model-dir Models/en-de

            Defaults for a corpus: word (or --bpe-merges) vocabularies with --min-count 2, source and target \
            embeddings 256, a bidirectional LSTM encoder of 256 units per direction, a 512-unit decoder with \
            general attention and input feeding, dropout 0.3, label smoothing 0.1, Adam 2e-3 halved when \
            validation BLEU stops improving for two validations, batch 64, gradient norm clipped at 5, \
            validation at every epoch end, early stop after 6 validations without a better BLEU, \
            exponential smoothing 0.001 of the validated and saved weights.
            """)

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: TranslationDataOptions
    @OptionGroup var text: TranslationTextOptions
    @OptionGroup var preparation: TranslationPreparationOptions
    @OptionGroup var cache: DataCacheOptions
    @OptionGroup var vocabulary: VocabularyOptions
    @OptionGroup var shape: RecurrentShapeOptions
    @OptionGroup var model: TranslationModelOptions

    /// The job's options: the preset (a corpus's, or the dates job's) with every option given applied.
    var jobOptions: TranslationTrainingOptions {
        var options = data.givesCorpus ? TranslationTrainingOptions.corpus : .dates
        vocabulary.apply(to: &options)
        text.apply(to: &options)   // after: --src-vocab-size and --tgt-vocab-size override --max-vocab
        preparation.apply(to: &options)
        shape.apply(to: &options.model)
        model.apply(to: &options.model)
        training.apply(to: &options, run: runOptions)
        return options
    }

    func run() throws {
        let started = Stopwatch.now()
        let options = jobOptions
        var files: TranslationTrainingJob.Files
        if let corpus = data.files {
            files = corpus
        } else {
            files = try .dates()
            files.testSource = data.testSrc ?? files.testSource
            files.testTarget = data.testTgt ?? files.testTarget
            log("training on the dates corpus in \(DateCorpus.defaultDirectory) (generated from seed \(DateCorpus.defaultSeed) on first use)")
        }
        var job = TranslationTrainingJob(files: files, modelDirectory: training.modelDir, options: options)
        job.mode = training.mode
        job.tensorBoardDirectory = training.tensorboardDir
        job.dataCache = cache.dataCache
        try training.run(options.trainer) { ranks, progress in
            job.collective = ranks
            try job.run(progress: progress)
        }
        if (job.collective?.rank ?? 0) == 0 { log(String(format: "total time %.0f s", Stopwatch.now() - started)) }
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}
