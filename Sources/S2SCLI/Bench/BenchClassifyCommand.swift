import ArgumentParser
import Foundation
import S2STasks
import S2SCore
import S2SModels
import S2SNN
import S2SText
import S2STraining

/// `s2s bench classify`: the sentence classifier's training and inference throughput (tweets/s) against
/// the same model in PyTorch (Tools/reference/bench_classify.py), run alternately in one invocation.
///
/// Training: forward + backward (the batch cut into --threads shards, one per core) + gradient clipping +
/// Adam over the first --train-batches batches of the airline training set, in train-classify's batch
/// order. Inference: every training tweet, from raw text (s2s tokenization included) to probabilities in
/// batches of 256, and the first 1000 tweets one at a time; the reference gets the s2s token ids, so its
/// figures exclude tokenization. With --threads above 1 the reference also runs on one thread, and s2s is
/// compared with the better of torch's two figures. Peak RSS is each process's own.
///
///     swift run -c release s2s bench classify --threads 2 --python .venv/bin/python
///     swift run -c release s2s bench classify --threads 1 --python .venv/bin/python
struct BenchClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Time classifier training and inference (tweets/s) against the same model in PyTorch.")

    @OptionGroup var options: RunOptions

    @Option(help: "Labelled tweets (label<TAB>text) to train and classify.")
    var data = "../shared/corpora/sentiment/airline/train.tsv"

    @Option(help: "Training batches timed per run.")
    var trainBatches = 100

    @Option(help: "Sentences per training batch.")
    var batchSize = 64

    @Option(help: "Sentences per inference batch.")
    var inferBatch = 256

    @Option(help: "Embedding size of the benchmarked model.")
    var embeddingSize = ClassificationTrainingOptions().model.embeddingSize

    @Option(help: "LSTM hidden size of the benchmarked model.")
    var hiddenSize = ClassificationTrainingOptions().model.hiddenSize

    @Option(help: "Pooling of the benchmarked model.")
    var pooling: Pooling = .attention

    @Option(help: "Attention pooling's hidden size.")
    var attentionSize = 64

    @Option(help: "Timed repeats per measurement (the median is reported).")
    var repeats = 3

    @Option(help: "Rounds of s2s-then-reference, alternating, to even out a noisy machine.")
    var rounds = 2

    @Option(help: "Python with torch for the reference run (Tools/reference/setup.sh makes .venv); 'none' skips it.")
    var python = ReferenceRunner.defaultPython

    @Option(help: "Also keep the reference's input file here (to run the script by hand).")
    var keepData: String?

    @Option(help: "The PyTorch reference script.")
    var referenceScript = "Tools/reference/bench_classify.py"

    /// The benchmark's workload: the tweets as ids, a fresh model and the training batches.
    private struct Workload {
        var texts: [String]
        var text: TextProcessor
        var sequences: [[Int]]
        var config: ClassificationConfig
        var model: ClassificationModel
        var batches: [ClassificationBatch]
    }

    private func workload() throws -> Workload {
        let data = try ClassificationData.read(path: self.data)
        let labels = data.labels
        let text = try ClassificationText.buildPipeline(examples: data.examples, settings: ClassificationTrainingOptions().tokenizer,
                                                        minCount: 2)
        let sequences = try ClassificationText.encode(data, with: text)
        let targets = data.examples.map { labels.firstIndex(of: $0.label)! }
        var rng = options.generator()
        let config = ClassificationConfig(vocabularySize: text.vocabulary.count, classes: labels.count, embeddingSize: embeddingSize,
                                      hiddenSize: hiddenSize, pooling: pooling,
                                      attentionSize: attentionSize)
        let plan = Batcher(batchSize: batchSize).plan(lengths: sequences.map { max(1, $0.count) }, seed: options.seed, epoch: 0)
        let batches = plan.prefix(trainBatches).map { rows in
            ClassificationBatch(sequences: rows.map { sequences[$0] }, labels: rows.map { targets[$0] })
        }
        return Workload(texts: data.examples.map(\.text), text: text, sequences: sequences, config: config,
                        model: ClassificationModel(config: config, rng: &rng), batches: batches)
    }

    func run() throws {
        BLAS.setThreads(1)
        let work = try workload()
        let (texts, text, config, model, batches) = (work.texts, work.text, work.config, work.model, work.batches)
        let learningRate = 3e-3, maxNorm = 5.0
        let referenceData = try writeReferenceData(config: config, learningRate: learningRate, maxNorm: maxNorm,
                                                   batches: batches, inference: work.sequences)
        defer { try? FileManager.default.removeItem(atPath: referenceData) }
        if let keepData { try AtomicFile.write(try AtomicFile.read(referenceData), to: keepData) }

        let trainTweets = Double(batches.reduce(0) { $0 + $1.labels.count })
        // Predictors are made inside the timed runs: they snapshot the (training) weights, and their set-up
        // (text processors, the embedding projection table) counts as inference time.
        func predictor(batchSize: Int) throws -> ClassifierPredictor {
            try ClassifierPredictor(model: model, text: text, threads: options.threads, batchSize: batchSize)
        }
        let singleTexts = Array(texts.prefix(1000))
        let adam = Adam(learningRate: learningRate)
        var step = 0
        let cases: [(name: String, tweets: Double, body: () throws -> Void)] = [
            ("train", trainTweets, { for batch in batches { Self.trainStep(model, batch, adam, shards: options.threads, maxNorm: maxNorm, step: &step) } }),
            ("infer\(inferBatch)", Double(texts.count), { _ = try predictor(batchSize: inferBatch).probabilities(lines: texts) }),
            ("infer1", Double(singleTexts.count), { _ = try predictor(batchSize: 1).probabilities(lines: singleTexts) }),
        ]
        print("s2s bench classify — \(texts.count) tweets, vocabulary \(text.vocabulary.count), model E \(config.embeddingSize) H \(config.hiddenSize) \(config.bidirectional ? "bi" : "uni") \(config.layers) layer(s) \(config.pooling.rawValue) pooling; threads \(options.threads); \(repeats) repeats × \(rounds) rounds, medians")
        print(KernelLevel.summary)
        var measured = Measurements()
        for _ in 0..<max(1, rounds) {
            for c in cases {
                var failure: Error?
                let (wall, cpu) = Stopwatch.medians(repeats: repeats) { do { try c.body() } catch { failure = error } }
                if let failure { throw failure }
                measured.ours[c.name, default: []].append(Throughput(wall: c.tweets / wall, cpu: c.tweets / cpu))
            }
            runReference(&measured, cases: cases.map { ($0.name, $0.tweets) }, referenceData: referenceData)
        }
        report(measured, cases: cases.map(\.name))
    }

    /// The reference runs with --threads and, when that is more than 1, with one thread too: on a
    /// shared 2-core machine torch's intra-op threading can lose to a single thread, and s2s is
    /// compared with torch's better figure.
    private var referenceThreads: [Int] { options.threads > 1 ? [options.threads, 1] : [1] }

    /// What the rounds measured, by case (and by reference thread count).
    private struct Measurements {
        var ours: [String: [Throughput]] = [:]
        var theirs: [Int: [String: [Throughput]]] = [:]
        var referenceRSS: Double?
        var referenceProblem: String?
    }

    /// One round of the PyTorch reference, at each of `referenceThreads`.
    private func runReference(_ measured: inout Measurements, cases: [(name: String, tweets: Double)], referenceData: String) {
        guard python != "none", measured.referenceProblem == nil else { return }
        for threads in referenceThreads {
            switch ReferenceRunner.run(python: python, script: referenceScript,
                                       arguments: ["--data", referenceData, "--threads", "\(threads)", "--repeats", "\(repeats)"]) {
            case .success(let results):
                for c in cases {
                    guard let r = results[c.name] else { continue }
                    measured.theirs[threads, default: [:]][c.name, default: []].append(
                        Throughput(wall: c.tweets / r.seconds, cpu: c.tweets / (r.cpuSeconds ?? .nan)))
                }
                measured.referenceRSS = max(measured.referenceRSS ?? 0, results.values.compactMap { $0.peakRSSMiB }.max() ?? 0)
            case .failure(let error):
                measured.referenceProblem = error.description
            }
        }
    }

    /// Medians per wall second and per CPU second, ratios to the better torch, peak memory.
    private func report(_ measured: Measurements, cases: [String]) {
        for (title, key) in [("tweets per second of wall time", \Throughput.wall), ("tweets per CPU-second (user + system, all threads)", \Throughput.cpu)] {
            print(title + ":")
            let header = referenceThreads.map { "torch \($0)t".leftPadded(to: 12) }.joined()
            print("case        " + "s2s".leftPadded(to: 10) + header + "   s2s/best torch")
            for name in cases {
                let mine = Stopwatch.median(of: (measured.ours[name] ?? []).map { $0[keyPath: key] })
                var line = name.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%10.0f", mine)
                let references = referenceThreads.compactMap { measured.theirs[$0]?[name].map { Stopwatch.median(of: $0.map { $0[keyPath: key] }) } }
                if references.count == referenceThreads.count {
                    line += references.map { String(format: "%12.0f", $0) }.joined()
                    line += String(format: "   %13.2f×", mine / references.max()!)
                }
                print(line)
            }
        }
        print("(s2s inference includes tokenization; the reference's excludes it)")
        if let problem = measured.referenceProblem { print("reference: skipped — \(problem)") }
        print(String(format: "peak RSS: s2s %.0f MiB", Stopwatch.peakRSSMiB())
              + (measured.referenceRSS.map { String(format: ", torch %.0f MiB", $0) } ?? ""))
    }

    struct Throughput {
        var wall: Double
        var cpu: Double
    }

    /// One training step as the trainer takes it (`TrainingStep`: shards in parallel, gradients summed,
    /// clipped, Adam).
    static func trainStep(_ model: ClassificationModel, _ batch: ClassificationBatch, _ adam: Adam, shards: Int, maxNorm: Double, step: inout Int) {
        step += 1
        let seed = UInt64(step)
        TrainingStep(model: model, shards: shards, maxGradientNorm: maxNorm)
            .run(batch, parameters: model.parameters, optimizer: adam) { seed &* 31 &+ UInt64($0) }
    }

    /// The model settings, the training batches and the tokenized inference set, for the reference script.
    private func writeReferenceData(config: ClassificationConfig, learningRate: Double, maxNorm: Double,
                                    batches: [ClassificationBatch], inference: [[Int]]) throws -> String {
        func json(_ object: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        var lines = [try json([
            "vocab": config.vocabularySize, "classes": config.classes, "embedding": config.embeddingSize,
            "hidden": config.hiddenSize, "layers": config.layers, "bidirectional": config.bidirectional,
            "dropout": Double(config.dropout), "pooling": config.pooling.rawValue, "attention": config.attentionSize, "learning_rate": learningRate,
            "max_grad_norm": maxNorm, "train_batches": batches.count, "infer_batch": inferBatch,
        ] as [String: Any])]
        for batch in batches { lines.append(try json(["train": batch.sequences, "labels": batch.labels])) }
        for sequence in inference { lines.append(try json(["infer": sequence])) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("s2s-bench-classify-\(getpid()).jsonl").path
        try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
        return path
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
