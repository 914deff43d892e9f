import ArgumentParser
import S2STasks
import S2STraining

/// `s2s prepare`: a translation corpus's text pipelines learned and its training pairs encoded into a
/// prepared corpus, as a step of its own — what `s2s train-translate` does before its first step, so
/// runs given `--data-cache` with the same files and text flags start training at once.
struct PrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Prepare a parallel corpus for training: text pipelines and token ids, memory-mapped by train-translate.",
        discussion: """
            Learns the text pipelines (BPE, vocabularies) from the training files and writes every usable pair \
            as token ids, with the pipelines, into --out, using --threads cores. Give train-translate the same \
            files and text flags with --data-cache to train from it without reading the text again:
              s2s prepare --train-src big.en --train-tgt big.de --bpe-merges 32000 --lowercase --out big.prepared
              s2s train-translate --train-src big.en --train-tgt big.de --valid-src val.en --valid-tgt val.de \\
                  --bpe-merges 32000 --lowercase --data-cache big.prepared --model-dir Models/big
            A prepared corpus is refused if it is truncated or corrupted, and prepared again if the text files \
            changed or other text flags are given. `s2s inspect DIR` describes one.
            """)

    @Option(help: "Training source file (one sentence per line).")
    var trainSrc: String
    @Option(help: "Training target file, line-aligned with --train-src.")
    var trainTgt: String
    @Option(help: "The directory to write (a prepared corpus there is replaced; any other directory is refused).")
    var out: String

    @OptionGroup var runOptions: RunOptions
    @OptionGroup var text: TranslationTextOptions
    @OptionGroup var vocabulary: VocabularyOptions
    @OptionGroup var preparation: TranslationPreparationOptions

    func run() throws {
        var options = TranslationTrainingOptions.corpus
        vocabulary.apply(to: &options)
        text.apply(to: &options)
        preparation.apply(to: &options)
        let reporter = ProgressReporter(reportEvery: 1)
        let started = Stopwatch.now()
        let (prepared, pairs) = try PreparedCorpus.withLock(out) {   // a training run may be preparing it too
            try TranslationTrainingJob.prepareData(source: trainSrc, target: trainTgt, options: options, into: out, threads: runOptions.threads,
                                                   log: { reporter.log($0) }, progress: { reporter.update($0) })
        }
        reporter.log("vocabularies: source \(prepared.source.vocabulary.count), target \(prepared.target.vocabulary.count) tokens")
        reporter.log("training data: \(pairs.readStatistics(source: trainSrc, target: trainTgt))")
        pairs.skipped(by: options.filters).forEach(reporter.log)
        reporter.log("\(pairs.count) pairs in \(out) (\(String(format: "%.0f", Stopwatch.now() - started)) s)")
    }
}
