// `s2s bench lm`: the language model's training and generation throughput against the PyTorch
// reference (Tools/reference/lm_reference.py), measured alternately in the same invocation.
import ArgumentParser
import Foundation
import S2SCore
import S2SDecoding
import S2SModels
import S2SNN
import S2STasks
import S2STraining

/// `s2s bench lm`: the character language model's training throughput (a whole trainer step: forward,
/// backward, clipping, Adam, on a 2×512 LSTM with embedding 128, batch 64 × 128 steps, V = 68) and
/// its generation speed at batch 1 (a step plus sampling per character), against
/// Tools/reference/lm_reference.py (`speed` mode) run in the same invocation, alternating.
///
///     swift build -c release && .build/release/s2s bench lm --python .venv/bin/python --threads 2
struct BenchLMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lm",
        abstract: "Time language-model training steps and batch-1 generation; compare with PyTorch.")

    @OptionGroup var options: RunOptions

    @Option(help: "Timed training steps per round (the median step is reported).")
    var steps = 5

    @Option(help: "Characters generated per round at batch 1.")
    var sampleChars = 2000

    @Option(help: "Rounds of s2s-then-reference, alternating, to even out a noisy machine.")
    var rounds = 2

    @Option(help: "Python with torch for the reference run (Tools/reference/setup.sh makes .venv); 'none' skips it.")
    var python = ReferenceRunner.defaultPython

    @Option(help: "The PyTorch reference script.")
    var referenceScript = "Tools/reference/lm_reference.py"

    @Option(help: "Training text the reference reads (for its vocabulary).")
    var train = "../shared/corpora/lm/tinyshakespeare/train.txt"

    static let (batch, bptt, vocabulary) = (64, 128, 68)

    func run() throws {
        BLAS.setThreads(1)
        print("s2s bench lm — 2×512 LSTM, embedding 128, batch \(Self.batch) × \(Self.bptt), V \(Self.vocabulary); threads \(options.threads); \(rounds) rounds, medians")
        print(KernelLevel.summary)
        var ours: [String: [Double]] = [:], theirs: [String: [Double]] = [:]
        var referenceProblem: String?
        let bench = LMBench(shards: options.threads, seed: options.seed)
        for _ in 0..<max(1, rounds) {
            ours["lm_train", default: []].append(Double(Self.batch * Self.bptt) / bench.trainStepSeconds(steps: steps))
            ours["lm_generate", default: []].append(Double(sampleChars) / bench.generationSeconds(characters: sampleChars))
            guard python != "none", referenceProblem == nil else { continue }
            switch ReferenceRunner.run(python: python, script: referenceScript,
                                       arguments: ["speed", "--train", train, "--threads", "\(options.threads)", "--batch-size", "\(Self.batch)",
                                                   "--steps", "\(steps)", "--sample-chars", "\(min(sampleChars, 500))"]) {
            case .success(let results):
                for (name, r) in results { theirs[name, default: []].append(r.tokensPerSecond) }
            case .failure(let error):
                referenceProblem = error.description
            }
        }
        print("case           s2s chars/s   torch chars/s   s2s/torch")
        for name in ["lm_train", "lm_generate"] {
            let mine = Stopwatch.median(of: ours[name] ?? [])
            var line = name.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " %11.0f", mine)
            if let reference = theirs[name], !reference.isEmpty {
                line += String(format: "   %13.0f   %8.2f×", Stopwatch.median(of: reference), mine / Stopwatch.median(of: reference))
            }
            print(line)
        }
        if let referenceProblem { print("reference: skipped — \(referenceProblem)") }
        print(String(format: "peak RSS: %.0f MiB", Stopwatch.peakRSSMiB()))
    }

}

/// The two workloads of `s2s bench lm` on one model.
struct LMBench {
    let model: LanguageModel
    let task: LanguageModelTraining
    let data: BPTTBatches
    let adam = Adam(learningRate: 2e-3)
    let shards: Int

    init(shards: Int, seed: UInt64) {
        var rng = Generator(seed: seed)
        model = LanguageModel(config: LanguageModelConfig(vocabularySize: BenchLMCommand.vocabulary), rng: &rng)
        task = LanguageModelTraining(model: model, streams: BenchLMCommand.batch)
        let tokens = (0..<(BenchLMCommand.batch * BenchLMCommand.bptt * 40)).map { _ in 4 + rng.integer(below: BenchLMCommand.vocabulary - 4) }
        data = try! BPTTBatches(tokens: tokens, batchSize: BenchLMCommand.batch, bptt: BenchLMCommand.bptt, seed: seed)
        self.shards = shards
    }

    /// Median seconds of a trainer step (as `Trainer` does it: shards, backward, clip, Adam).
    func trainStepSeconds(steps: Int) -> Double {
        let batches = data.batches(epoch: 0)
        let parameters = model.namedParameters
        let step = TrainingStep(model: task, shards: shards, maxGradientNorm: 5)
        var index = 0
        return Stopwatch.median(repeats: steps, warmups: 2) {
            let batch = batches[index % batches.count]
            index += 1
            step.run(batch, parameters: parameters, optimizer: adam) { UInt64($0) }
        }
    }

    /// Seconds to generate `characters` tokens at batch 1, temperature 0.8.
    func generationSeconds(characters: Int) -> Double {
        let generator = LanguageModelGenerator(model: model)
        var rng = Generator(seed: 1)
        let start = Stopwatch.now()
        Sampler(temperature: 0.8, banUnk: true).generate(model: generator, state: generator.initialState(), prompt: [SpecialTokens.eos],
                                                         start: nil, maxTokens: characters, stopAtEOS: false, using: &rng)
        return Stopwatch.now() - start
    }
}
