import ArgumentParser
import Foundation
import S2SCore
import S2SModels
import S2SNN
import S2STasks
import S2STraining

/// `s2s bench translate`: training throughput (target tokens/s), beam-search throughput (sentences/s
/// at batch 1 and 64) and peak memory of a translator, against the same model in PyTorch
/// (Tools/reference/translate_reference.py), alternating in one invocation.
///
/// The figures in the translation notes come from:
///
///     s2s bench translate -m Models/en-de --threads 2 --python .venv/bin/python
///     s2s bench translate -m Models/en-de --threads 1 --python .venv/bin/python
///     s2s bench translate -m Models/en-de --ensemble Models/en-de-2 --skip-train --python none   # + an ensemble's speed
///     s2s bench translate -m IMPORTED --opennmt VENV/bin/python --opennmt-checkpoint MODEL.pt \
///         --test-src test.tok.en --skip-train --python none   # an imported OpenNMT-py model against onmt_translate
struct BenchTranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Time translator training and beam search; compare with the PyTorch reference.")

    @OptionGroup var options: RunOptions

    @Option(name: [.customShort("m"), .long], help: "A trained translator directory (sizes, vocabularies, weights).")
    var model: String

    @Option(help: "Training pairs for the timed steps.")
    var trainSrc = "../shared/corpora/translation/multi30k/train.en"
    @Option(help: "Training targets.")
    var trainTgt = "../shared/corpora/translation/multi30k/train.de"
    @Option(help: "Sentences to translate with beam search.")
    var testSrc = "../shared/corpora/translation/multi30k/test_2016_flickr.en"

    @Option(help: "Timed training steps (batches of 64 pairs) per round.")
    var steps = 16
    @Option(help: "Test sentences translated per measurement.")
    var sentences = 128
    @Option(help: "Beam size.")
    var beamSize = 5
    @Option(help: "The decoder's weights in s2s's beam search: float32, bfloat16, bfloat16-dot, int8 or auto (the reference stays float32).")
    var weightPrecision: WeightPrecision = .float32
    @Option(help: "Also time beam search of the model ensembled with this one (repeat for more members), against the model alone.")
    var ensemble: [String] = []
    @Option(help: "Rounds of s2s-then-reference, alternating.")
    var rounds = 2
    @Option(help: "Keep the workload file (for running the reference by hand) at this path.")
    var dataFile: String?
    @Flag(help: "Skip the training measurement.")
    var skipTrain = false
    @Flag(help: "Skip the beam-search measurement.")
    var skipBeam = false

    @Option(help: "Python with torch for the reference run (Tools/reference/setup.sh makes .venv); 'none' skips it.")
    var python = ReferenceRunner.defaultPython
    @Option(help: "The PyTorch reference script.")
    var referenceScript = "Tools/reference/translate_reference.py"

    @Option(help: "Python of a virtualenv with OpenNMT-py 3.5: also time its training on the same model and tokens.")
    var opennmt: String?
    @Option(help: "The OpenNMT-py benchmark script.")
    var opennmtScript = "Tools/reference/opennmt_bench.py"
    @Option(help: "OpenNMT-py training steps per round (reports every 10; the first report is warm-up).")
    var opennmtSteps = 60
    @Option(help: "Keep the corpus and vocabularies exported for OpenNMT-py in this directory.")
    var opennmtData: String?
    @Option(help: "With --opennmt: the OpenNMT-py checkpoint -m was imported from (`s2s import opennmt`). Beam search is then timed at batch 1 and 30 against onmt_translate on it, both with OpenNMT-py's decoding defaults (length penalty avg, at most 1.25 × the source + 5 tokens and 250), instead of against the PyTorch script.")
    var opennmtCheckpoint: String?
    @Option(help: "The onmt_translate benchmark script.")
    var opennmtTranslateScript = "Tools/reference/opennmt_translate_bench.py"

    /// Beam search batch sizes: OpenNMT-py's default of 30 beside 1 when timed against onmt_translate.
    private var beamBatchSizes: [Int] { opennmtCheckpoint == nil ? [1, 64] : [1, 30] }
    /// The beam names the report shows, in order.
    private var beamNames: [String] { beamBatchSizes.map { "beam_b\($0)" } }
    /// What the beam rows are measured against.
    private var referenceName: String { opennmtCheckpoint == nil ? "torch" : "onmt" }

    /// What the rounds measured: rates by case, the outputs of beam search, the sgemm ceiling, and why a
    /// reference was skipped.
    private struct Measurements {
        var ours: [String: [Double]] = [:], theirs: [String: [Double]] = [:]
        var ourOutputs: [String: [[Int]]] = [:], theirOutputs: [String: [[Int]]] = [:]
        var sgemm: [Double] = []
        var referencePeak = 0.0
        var referenceProblem: String?, opennmtProblem: String?, onmtTranslateProblem: String?
    }

    func validate() throws {
        if opennmtCheckpoint != nil && opennmt == nil { throw ValidationError("--opennmt-checkpoint needs --opennmt (the python of OpenNMT-py's virtualenv)") }
    }

    func run() throws {
        // Settings only: the weights are loaded for each beam-search measurement and released before
        // training, which builds its own model — so training runs beside one model, as the reference's.
        let (settings, text) = try TranslationBundle.loadSettings(model)
        let data = try TranslateBenchData.prepare(text: text, trainSource: trainSrc, trainTarget: trainTgt,
                                                  testSource: testSrc, steps: steps + 2, batchSize: 64,
                                                  sentences: sentences, seed: options.seed)
        let dataPath = dataFile ?? FileManager.default.temporaryDirectory.path + "/s2s-bench-translate-\(getpid()).safetensors"
        try data.write(to: dataPath)
        defer { if dataFile == nil { try? FileManager.default.removeItem(atPath: dataPath) } }
        let linesPath = dataPath + ".src"
        if opennmtCheckpoint != nil { try AtomicFile.write(Array(data.lines.map { $0 + "\n" }.joined().utf8), to: linesPath) }
        defer { try? FileManager.default.removeItem(atPath: linesPath) }
        let config = settings.model
        print("s2s bench translate — \(model): encoder \(config.encoderHiddenSize)×2, decoder \(config.decoderHiddenSize), "
              + "\(config.attention.rawValue) attention, vocabularies \(config.sourceVocabularySize)/\(config.targetVocabularySize); "
              + "threads \(options.threads), \(rounds) rounds, medians; s2s beam weights \(weightPrecision.rawValue)")
        print(KernelLevel.summary)
        if let note = weightPrecision.substitutionNote { print(note) }
        let flopsPerToken = describe(data, config: config)
        let opennmtDirectory = opennmtData ?? FileManager.default.temporaryDirectory.path + "/s2s-bench-opennmt-\(getpid())"
        if opennmt != nil {
            try TranslateBenchData.exportOpenNMT(directory: opennmtDirectory, text: text, trainSource: trainSrc, trainTarget: trainTgt)
        }
        defer { if opennmtData == nil { try? FileManager.default.removeItem(atPath: opennmtDirectory) } }
        var measured = Measurements()
        for _ in 0..<max(1, rounds) {
            try measureRound(&measured, config: config, data: data)
            runReferences(&measured, dataPath: dataPath, opennmtDirectory: opennmtDirectory)
            runOnmtTranslate(&measured, linesPath: linesPath, text: text)
        }
        report(measured, flopsPerToken: flopsPerToken)
    }

    /// Prints the training batches' padding and FLOPs; returns the FLOPs per target token (forward + backward).
    private func describe(_ data: TranslateBenchData, config: TranslationConfig) -> Double {
        let realTargets = data.batches.reduce(0) { $0 + $1.tokenCount }
        let paddedTargets = data.batches.reduce(0) { $0 + $1.count * (($1.target.map(\.count).max() ?? 0) + 1) }
        let flopsPerToken = 3 * data.batches.reduce(0.0) { total, batch in
            total + config.forwardFLOPs(sourceTokens: batch.source.reduce(0) { $0 + $1.count }, targetTokens: batch.tokenCount,
                                        attentionPairs: zip(batch.source, batch.target).reduce(0) { $0 + $1.0.count * ($1.1.count + 1) })
        } / Double(realTargets)
        print(String(format: "training batches: %d × 64 pairs, %.1f%% of target positions padding, %.1f MFLOP per target token (forward + backward)",
                     data.batches.count, 100 * (1 - Double(realTargets) / Double(paddedTargets)), flopsPerToken / 1e6))
        return flopsPerToken
    }

    /// One round of s2s: the sgemm ceiling, beam search at batch 1 and 64, training.
    private func measureRound(_ measured: inout Measurements, config: TranslationConfig, data: TranslateBenchData) throws {
        measured.sgemm.append(SgemmBench.gflops(size: 1024, repeats: 3, threads: options.threads))
        BLAS.setThreads(options.threads)
        // Each measured job starts from a trimmed heap, as each reference run starts a new process:
        // the Allocator keeps freed memory resident, and what the previous job or the harness (data
        // preparation, reading OpenNMT-py's logs) left in the heap would count as this job's.
        Allocator.releaseFreeMemory()
        if !skipBeam {
            let trained = try TranslationBundle.load(model).model
            let others = try ensemble.map { try TranslationBundle.load($0).model }
            for batchSize in beamBatchSizes {
                let (rate, outputs) = measureBeam(model: trained, sentences: data.sentences, batchSize: batchSize)
                measured.ours["beam_b\(batchSize)", default: []].append(rate)
                measured.ourOutputs["beam_b\(batchSize)"] = outputs
                guard !others.isEmpty else { continue }
                let (ensembleRate, _) = measureBeam(model: trained, ensemble: others, sentences: data.sentences, batchSize: batchSize)
                measured.ours["ensemble_b\(batchSize)", default: []].append(ensembleRate)
            }
        }
        if !skipTrain {
            Allocator.releaseFreeMemory()
            measured.ours["train", default: []].append(try measureTraining(config: config, data: data))
        }
    }

    /// One round of the references: OpenNMT-py (when given) and the PyTorch script.
    private func runReferences(_ measured: inout Measurements, dataPath: String, opennmtDirectory: String) {
        if let opennmt, opennmtCheckpoint == nil, measured.opennmtProblem == nil, !skipTrain {
            switch ReferenceLines.run(python: opennmt, script: opennmtScript,
                                      arguments: ["--data", opennmtDirectory, "--threads", "\(options.threads)", "--steps", "\(opennmtSteps)"]) {
            case .success(let rows):
                for row in rows { if let rate = row["tokens_per_s"] as? Double { measured.theirs["opennmt", default: []].append(rate) } }
            case .failure(let error): measured.opennmtProblem = error.description
            }
        }
        guard python != "none", measured.referenceProblem == nil else { return }
        var arguments = ["--model", model, "--data", dataPath, "--threads", "\(options.threads)",
                         "--train-steps", "\(steps)", "--beam-size", "\(beamSize)"]
        if skipTrain { arguments.append("--skip-train") }
        if skipBeam || opennmtCheckpoint != nil { arguments.append("--skip-beam") }
        switch ReferenceLines.run(python: python, script: referenceScript, arguments: arguments) {
        case .success(let rows):
            for row in rows {
                guard let name = row["name"] as? String else { continue }
                if let rate = (row["tokens_per_s"] ?? row["sentences_per_s"]) as? Double { measured.theirs[name, default: []].append(rate) }
                if let rss = row["peak_rss_mib"] as? Double { measured.referencePeak = max(measured.referencePeak, rss) }
                if let outputs = row["outputs"] as? [[Int]] { measured.theirOutputs[name] = outputs }
            }
        case .failure(let error):
            measured.referenceProblem = error.description
        }
    }

    /// One round of onmt_translate's beam search on `--opennmt-checkpoint` (when given): sentences/s per
    /// batch size and its best outputs, as target ids for the comparison with s2s's.
    private func runOnmtTranslate(_ measured: inout Measurements, linesPath: String, text: TranslationText) {
        guard let opennmt, let checkpoint = opennmtCheckpoint, !skipBeam, measured.onmtTranslateProblem == nil else { return }
        let arguments = ["--model", checkpoint, "--src", linesPath, "--batch-sizes", beamBatchSizes.map(String.init).joined(separator: ","),
                         "--beam-size", "\(beamSize)", "--threads", "\(options.threads)"]
        switch ReferenceLines.run(python: opennmt, script: opennmtTranslateScript, arguments: arguments) {
        case .success(let rows):
            for row in rows {
                guard let name = row["name"] as? String, let rate = row["sentences_per_s"] as? Double else { continue }
                measured.theirs[name, default: []].append(rate)
                if let rss = row["peak_rss_mib"] as? Double { measured.referencePeak = max(measured.referencePeak, rss) }
                if let outputs = row["outputs"] as? [String] {
                    measured.theirOutputs[name] = outputs.map { text.target.vocabulary.encode($0.split(separator: " ").map(String.init)) }
                }
            }
        case .failure(let error): measured.onmtTranslateProblem = error.description
        }
    }

    /// The medians, ratios, output agreement and peak memory.
    private func report(_ measured: Measurements, flopsPerToken: Double) {
        let (ours, theirs) = (measured.ours, measured.theirs)
        let ceiling = Stopwatch.median(of: measured.sgemm)
        print(String(format: "sgemm 1024³ on %d thread(s): %.1f GFLOP/s (the ceiling)", options.threads, ceiling))
        if let train = ours["train"].map(Stopwatch.median(of:)) {
            let gflops = train * flopsPerToken / 1e9
            print(String(format: "s2s training: %.1f GFLOP/s, %.0f%% of sgemm", gflops, 100 * gflops / ceiling)
                  + (theirs["train"].map { String(format: "; torch %.1f GFLOP/s, %.0f%%", Stopwatch.median(of: $0) * flopsPerToken / 1e9, 100 * Stopwatch.median(of: $0) * flopsPerToken / 1e9 / ceiling) } ?? ""))
        }
        print("measure        s2s          \(referenceName.padding(toLength: 13, withPad: " ", startingAt: 0))s2s/\(referenceName)")
        for (name, unit) in [("train", "tok/s")] + beamNames.map({ ($0, "sent/s") }) {
            guard let mine = ours[name].map(Stopwatch.median(of:)) else { continue }
            var line = name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%9.1f %@", mine, unit)
            if let reference = theirs[name].map(Stopwatch.median(of:)) {
                line += String(format: "  %9.1f %@  %6.2f×", reference, unit, mine / reference)
            }
            print(line)
        }
        for name in beamNames {
            guard let mine = measured.ourOutputs[name], let reference = measured.theirOutputs[name], mine.count == reference.count else { continue }
            let same = zip(mine, reference).filter { $0 == $1 }.count
            print("\(name): \(same) of \(mine.count) translations identical to \(referenceName)'s")
        }
        for name in beamNames {
            guard let single = ours[name].map(Stopwatch.median(of:)),
                  let together = ours["ensemble" + name.dropFirst(4)].map(Stopwatch.median(of:)) else { continue }
            print(String(format: "ensemble of %d, %@: %.1f sent/s, %.2f× one model", ensemble.count + 1, name, together, together / single))
        }
        if let mine = measured.ourOutputs[beamNames[0]], let batched = measured.ourOutputs[beamNames[1]] {
            print("s2s beam search, batch 1 vs batch \(beamBatchSizes[1]): \(mine == batched ? "identical" : "DIFFERENT") outputs")
        }
        if let train = ours["train"].map(Stopwatch.median(of:)), let reference = theirs["opennmt"].map(Stopwatch.median(of:)) {
            print(String(format: "OpenNMT-py   %9.1f tok/s  (s2s/OpenNMT-py %.2f×)", reference, train / reference))
        }
        if let problem = measured.opennmtProblem { print("OpenNMT-py: skipped — \(problem)") }
        let peak = Stopwatch.peakRSSMiB(), referencePeak = measured.referencePeak
        print(String(format: "peak RSS: s2s %.0f MiB", peak)
              + (referencePeak > 0 ? String(format: ", %@ %.0f MiB (s2s/%@ %.2f)", referenceName, referencePeak, referenceName, peak / referencePeak) : ""))
        if let problem = measured.referenceProblem { print("reference: skipped — \(problem)") }
        if let problem = measured.onmtTranslateProblem { print("onmt_translate: skipped — \(problem)") }
    }

    /// Target tokens per second of `steps` optimizer steps (after 2 warm-up steps), as the trainer runs
    /// them: the batch cut into one shard per thread, gradient clipping at 5, Adam.
    private func measureTraining(config: TranslationConfig, data: TranslateBenchData) throws -> Double {
        BLAS.setThreads(1)
        var rng = Generator(seed: options.seed)
        let translator = try TranslationModel(config: config, rng: &rng)
        let parameters = translator.namedParameters
        let optimizer = Adam(learningRate: 1e-3)
        let trainingStep = TrainingStep(model: translator, shards: options.threads, maxGradientNorm: 5)
        func step(_ batch: TranslationBatch, _ index: Int) {
            trainingStep.run(batch, parameters: parameters, optimizer: optimizer) { UInt64(index * 16 + $0) }
        }
        for i in 0..<2 { step(data.batches[i], i) }
        let timed = Array(data.batches.dropFirst(2))
        let start = Stopwatch.now()
        for (i, batch) in timed.enumerated() { step(batch, i + 2) }
        let seconds = Stopwatch.now() - start
        return Double(timed.reduce(0) { $0 + $1.tokenCount }) / seconds
    }

    /// Sentences per second of beam search over the test sentences in batches of `batchSize`, one
    /// batch per core at a time (as `s2s translate` runs); also the outputs.
    /// With `ensemble`, the model decodes with those as an ensemble (float32).
    private func measureBeam(model translator: TranslationModel, ensemble: [TranslationModel] = [], sentences: [[Int]],
                             batchSize: Int) -> (Double, [[Int]]) {
        BLAS.setThreads(1)
        // Against onmt_translate, its decoding defaults; otherwise s2s translate's (as the PyTorch script).
        let openNMT = opennmtCheckpoint != nil
        var job = TranslationEngine(model: translator, search: DecodingSearch(beamSize: beamSize, lengthPenalty: openNMT ? .average : .none),
                                 batchSize: batchSize, threads: options.threads,
                                 lengthLimit: openNMT ? OutputLengthLimit(ratio: 1.25, cap: 250) : OutputLengthLimit(ratio: 2),
                                 packed: weightPrecision.effective != .float32 && ensemble.isEmpty
                                     ? PackedStepWeights(translator, precision: weightPrecision) : nil)
        job.ensemble = ensemble
        let start = Stopwatch.now()
        let outputs = job.run(sentences).map { $0.hypotheses[0].tokens }
        return (Double(sentences.count) / (Stopwatch.now() - start), outputs)
    }

}
