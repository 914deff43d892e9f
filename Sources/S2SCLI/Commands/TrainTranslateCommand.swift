import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2STraining

/// `s2s train-translate`: trains an attention encoder-decoder on a parallel corpus — or, with no data
/// flags, on the dates corpus s2s generates itself — validating with perplexity, accuracy and greedy
/// BLEU, keeping the best model by BLEU.
struct TrainTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-translate",
        abstract: "Train an LSTM attention translator (bi-LSTM encoder, input-feeding decoder, beam search via `s2s translate`).",
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
    @OptionGroup var model: TranslatorModelOptions

    func run() throws {
        BLAS.setThreads(1)   // parallelism comes from data-parallel shards, one per core
        let started = Stopwatch.now()
        let directory = try training.openModelDirectory()
        defer { directory.close() }
        var preset = data.givesCorpus ? TranslationPreset.corpus : TranslationPreset.dates
        let files = try corpusFiles()
        applyTextOptions(to: &preset)

        let (trainLines, trainStatistics) = try ParallelLines.read(source: files.trainSource, target: files.trainTarget)
        log("training data: \(trainStatistics)")
        let (validLines, validStatistics) = try ParallelLines.read(source: files.validSource, target: files.validTarget)
        log("validation data: \(validStatistics)")
        guard trainLines.count > 0 else { throw ValidationError("\(files.trainSource): no usable training pairs") }

        let bundle = directory.bundle
        let options = training.apply(to: preset.trainer, run: runOptions)
        let textPipelines: TranslationText, translator: Translator
        if training.resume {
            let loaded = try TranslatorBundle.load(training.modelDir, weights: false, seed: runOptions.seed)
            (textPipelines, translator) = (loaded.text, loaded.model)
            log("resuming with the model and text settings in \(bundle.configPath) (model and text flags are ignored)")
        } else {
            textPipelines = try TranslationText.build(
                pairs: trainLines.pairs, sourceUnit: preset.sourceUnit, targetUnit: preset.targetUnit, lowercase: preset.lowercase,
                bpeMerges: preset.bpeMerges, minCount: preset.minCount, sourceVocabularySize: text.srcVocabSize ?? 0,
                targetVocabularySize: text.tgtVocabSize ?? 0)
            var config = preset.model
            model.apply(to: &config)
            config.sourceVocabularySize = textPipelines.source.vocabulary.count
            config.targetVocabularySize = textPipelines.target.vocabulary.count
            var rng = runOptions.generator()
            translator = try Translator(config: config, rng: &rng)
            try TranslatorBundle.writeSettings(
                TranslatorBundleConfig(model: config, lowercase: preset.lowercase, sourcePipeline: textPipelines.source.pipeline,
                                       targetPipeline: textPipelines.target.pipeline,
                                       training: trainingRecord(files: files, preset: preset), trainer: options),
                text: textPipelines, to: bundle)
        }
        let config = translator.config
        log("vocabularies: source \(config.sourceVocabularySize), target \(config.targetVocabularySize) tokens; "
            + "model: \(translator.parameterCount) parameters (\(config.layers) layer(s), encoder \(config.encoderHiddenSize)×\(config.bidirectional ? 2 : 1), "
            + "decoder \(config.decoderHiddenSize), \(config.attention.rawValue) attention)")

        let train = try EncodedPairs.encode(trainLines, text: textPipelines, maxLength: text.maxLength ?? preset.maxLength)
        if train.tooLong > 0 { log("skipped \(train.tooLong) training pairs longer than \(text.maxLength ?? preset.maxLength) tokens") }
        let validator = try TranslationValidator(lines: validLines, text: textPipelines, threads: runOptions.threads)

        let learningRate = training.learningRate ?? preset.learningRate
        let decay = model.lrDecay ?? preset.lrDecay
        let schedule: LearningRateSchedule = decay < 1
            ? .reduceOnPlateau(learningRate, ReduceOnPlateau(mode: .max, factor: decay, patience: 1))
            : .constant(learningRate)
        let trainer = Trainer(model: translator, optimizer: Adam(learningRate: learningRate), schedule: schedule,
                              options: options, bundle: bundle)
        try training.configure(trainer)
        trainer.validate = { validator($0) }
        let batcher = Batcher(batchSize: training.batchSize ?? preset.batchSize, maxTokens: training.batchTokens)
        let lengths = train.lengths
        let stop = try trainer.run(resume: training.resume) { epoch in
            batcher.plan(lengths: lengths, seed: runOptions.seed, epoch: epoch).map(train.batch)
        }
        let best = trainer.state.bestMetric.map { String(format: "%.2f", $0) } ?? "-"
        log("stopped (\(stop.rawValue)) at step \(trainer.state.step): best validation BLEU \(best) at step \(trainer.state.bestStep ?? 0); model in \(bundle.directory)")

        if let testSource = files.testSource, let testTarget = files.testTarget {
            try bundle.readWeights(into: translator.namedParameters)
            let (testLines, _) = try ParallelLines.read(source: testSource, target: testTarget)
            let scores = try TranslationValidator(lines: testLines, text: textPipelines, threads: runOptions.threads)(translator)
            log(String(format: "held-out test (%@, greedy): exact match %.2f%% of %d, BLEU %.2f, perplexity %.3f",
                       testSource, 100 * scores["exact"]!, testLines.count, scores["bleu"]!, scores["ppl"]!))
        }
        log(String(format: "total time %.0f s", Stopwatch.now() - started))
    }

    /// The corpus files: the user's, or the dates corpus (written on first use).
    private func corpusFiles() throws -> (trainSource: String, trainTarget: String, validSource: String, validTarget: String,
                                           testSource: String?, testTarget: String?) {
        if data.givesCorpus {
            return (data.trainSrc!, data.trainTgt!, data.validSrc!, data.validTgt!, data.testSrc, data.testTgt)
        }
        let directory = TranslationPreset.datesDirectory
        let names = ["train.src", "train.tgt", "valid.src", "valid.tgt", "test.src", "test.tgt"]
        if !names.allSatisfy({ FileManager.default.fileExists(atPath: directory + "/" + $0) }) {
            try DateCorpus.write(directory: directory, seed: TranslationPreset.datesSeed)
            log("generated the dates corpus in \(directory) (seed \(TranslationPreset.datesSeed))")
        }
        let path = { (name: String) in directory + "/" + name }
        return (path("train.src"), path("train.tgt"), path("valid.src"), path("valid.tgt"),
                data.testSrc ?? path("test.src"), data.testTgt ?? path("test.tgt"))
    }

    private func applyTextOptions(to preset: inout TranslationPreset) {
        if let bpeMerges = text.bpeMerges { preset.bpeMerges = bpeMerges }
        if text.lowercase { preset.lowercase = true }
        if text.sourceChars { preset.sourceUnit = .characters }
        if text.targetChars { preset.targetUnit = .characters }
        if let minCount = text.minCount { preset.minCount = minCount }
    }

    private func trainingRecord(files: (trainSource: String, trainTarget: String, validSource: String, validTarget: String,
                                        testSource: String?, testTarget: String?),
                                preset: TranslationPreset) -> [String: String] {
        ["train": files.trainSource + " " + files.trainTarget, "valid": files.validSource + " " + files.validTarget,
         "bpeMerges": "\(preset.bpeMerges)", "minCount": "\(preset.minCount)", "seed": "\(runOptions.seed)", "threads": "\(runOptions.threads)",
         "batchSize": "\(training.batchSize ?? preset.batchSize)", "batchTokens": training.batchTokens.map { "\($0)" } ?? "none",
         "learningRate": "\(training.learningRate ?? preset.learningRate)", "learningRateDecay": "\(model.lrDecay ?? preset.lrDecay)"]
    }

    private func log(_ message: String) { ProgressReporter.writeToStandardError(message + "\n") }
}
