import Testing
import Foundation
import S2SCore
import S2SNN
@testable import S2STraining
import S2STestSupport

@Suite struct TrainerTests {
    let train = ToyModel.data(count: 256, seed: 1)
    let valid = ToyModel.data(count: 64, seed: 2)

    func makeTrainer(directory: String, modelSeed: UInt64 = 7, schedule: LearningRateSchedule = .constant(0.02),
                     configure: (inout TrainerOptions) -> Void = { _ in }) -> Trainer<ToyModel> {
        var options = TrainerOptions()
        options.epochs = nil
        options.maxSteps = 40
        options.validateEvery = 10
        options.reportEvery = 1000
        options.metric = "accuracy"
        options.higherIsBetter = true
        configure(&options)
        let trainer = Trainer(model: ToyModel(seed: modelSeed), optimizer: options.makeOptimizer(learningRate: 0.02),
                              schedule: schedule, options: options, bundle: ModelBundle(directory: directory))
        trainer.progress = ProgressReporter.silent
        let valid = self.valid
        trainer.validate = { model in
            let batch = ToyModel.Batch(features: valid.map(\.features), labels: valid.map(\.label))
            let (_, stats) = model.loss(for: batch, tape: Tape(recording: false))
            return ["loss": stats.meanLoss, "accuracy": stats.accuracy]
        }
        return trainer
    }

    func run(_ trainer: Trainer<ToyModel>, resume: Bool = false) throws -> StopReason {
        let train = self.train, seed = trainer.options.seed
        return try trainer.run(resume: resume) { ToyModel.batches(train, epoch: $0, seed: seed) }
    }

    func weights(_ trainer: Trainer<ToyModel>) -> [Tensor] { trainer.model.parameters.map(\.variable.value) }

    @Test func learnsAndKeepsTheBestModel() throws {
        let temporary = TemporaryDirectory("trainer"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: dir) { $0.maxSteps = 150 }
        #expect(try run(trainer) == .maxSteps)
        #expect(trainer.state.bestMetric! > 0.85, "validation accuracy \(trainer.state.bestMetric!)")
        let lines = try String(contentsOfFile: dir + "/metrics.jsonl", encoding: .utf8).split(separator: "\n")
        // Every 10 steps and at every epoch end (16 batches): steps 10, 16, 20, 30, 32, …, 150.
        let validationSteps = Set(stride(from: 10, through: 150, by: 10)).union(stride(from: 16, through: 150, by: 16))
        #expect(lines.filter { $0.contains("\"validation\"") }.count == validationSteps.count)
        let best = ToyModel(seed: 99)
        try ModelBundle(directory: dir).readWeights(into: best.parameters)  // model.safetensors = best weights
    }

    @Test(arguments: [(1, nil), (2, nil), (2, 0.05)] as [(Int, Double?)])
    func resumedRunEqualsUninterruptedRunBitForBit(shards: Int, smoothing: Double?) throws {
        let temporary = TemporaryDirectory("trainer"), a = temporary.file("a"), b = temporary.file("b")
        defer { temporary.remove() }
        let whole = makeTrainer(directory: a) { $0.shards = shards; $0.maxSteps = 40; $0.exponentialSmoothing = smoothing }
        _ = try run(whole)

        let first = makeTrainer(directory: b) { $0.shards = shards; $0.maxSteps = 20; $0.exponentialSmoothing = smoothing }
        _ = try run(first)
        // A new process: a model initialised differently, all state from the checkpoint.
        let second = makeTrainer(directory: b, modelSeed: 12345) { $0.shards = shards; $0.maxSteps = 40; $0.exponentialSmoothing = smoothing }
        _ = try run(second, resume: true)
        #expect(weights(second) == weights(whole))
        #expect(try AtomicFile.read(a + "/model.safetensors") == AtomicFile.read(b + "/model.safetensors"))
    }

    @Test func smoothingKeepsTheAverageAndTrainsOnTheRawWeights() throws {
        let temporary = TemporaryDirectory("trainer"), plainDir = temporary.file("plain"), smoothDir = temporary.file("smooth")
        defer { temporary.remove() }
        // Validation only at the end, so model.safetensors holds the final (smoothed) weights.
        let plain = makeTrainer(directory: plainDir) { $0.validateEvery = 0; $0.epochs = nil; $0.maxSteps = 30 }
        let smooth = makeTrainer(directory: smoothDir) { $0.validateEvery = 0; $0.epochs = nil; $0.maxSteps = 30; $0.exponentialSmoothing = 0.05 }
        _ = try run(plain); _ = try run(smooth)
        // Smoothing never feeds back into training: the raw weights are the same with and without it.
        #expect(weights(smooth) == weights(plain))
        let saved = ToyModel(seed: 99), raw = ToyModel(seed: 98)
        try ModelBundle(directory: smoothDir).readWeights(into: saved.parameters)
        try ModelBundle(directory: plainDir).readWeights(into: raw.parameters)
        #expect(saved.parameters.map(\.variable.value) != raw.parameters.map(\.variable.value))
        // Resuming it without smoothing's averages is a clear error, not a silent restart of the average.
        let other = makeTrainer(directory: plainDir, modelSeed: 3) { $0.maxSteps = 40; $0.exponentialSmoothing = 0.05 }
        #expect(throws: BundleError.self) { _ = try run(other, resume: true) }
    }

    @Test func smoothingFollowsItsFormula() {
        let p = Variable(Tensor(shape: [2], scalars: [0, 0]), requiresGrad: true)
        let parameters = [(name: "p", variable: p)]
        var smoothing = WeightSmoothing(rate: 0.01, parameters: parameters)
        var expected: [Float] = [0, 0]
        for update in 0..<2000 {
            p.value = Tensor(shape: [2], scalars: [Float(update), 1])
            smoothing.update(parameters, update: update)
            let step = Float(max(0.01, 9 / Double(update + 10)))
            expected = expected.enumerated().map { $1 + step * (p.value.scalars[$0] - $1) }
        }
        #expect(zip(smoothing.averages[0].scalars, expected).allSatisfy { abs($0 - $1) <= 1e-3 * max(1, abs($1)) })
        #expect(abs(expected[0] - (1999 - 99)) < 1, "lags the weights by about 1/α − 1 steps: \(expected[0])")
        let average = smoothing.averages[0]
        smoothing.swap(with: parameters)
        #expect(p.value == average && smoothing.averages[0].scalars == [1999, 1])
        smoothing.swap(with: parameters)
        #expect(p.value.scalars == [1999, 1])
    }

    /// `weightDecay` (--weight-decay) is AdamW's: one step from the same weights differs from plain Adam's
    /// by exactly −lr·decay·w₀ (PyTorch's AdamW shrinks w by 1 − lr·decay, then applies the same update).
    @Test func weightDecayShrinksTheWeightsBeforeTheAdamUpdate() throws {
        let temporary = TemporaryDirectory("trainer-decay")
        defer { temporary.remove() }
        let plain = makeTrainer(directory: temporary.file("plain")) { $0.maxSteps = 1; $0.validateEvery = 0 }
        let decayed = makeTrainer(directory: temporary.file("decayed")) { $0.maxSteps = 1; $0.validateEvery = 0; $0.weightDecay = 0.5 }
        let initial = weights(plain)
        #expect(initial == weights(decayed))
        _ = try run(plain)
        _ = try run(decayed)
        for (w0, (p, d)) in zip(initial, zip(weights(plain), weights(decayed))) {
            for (x, (a, b)) in zip(w0.scalars, zip(p.scalars, d.scalars)) {
                #expect(abs((b - a) - (-0.02 * 0.5 * x)) <= 1e-6 * max(1, abs(x)), "w₀ \(x): Adam \(a), AdamW \(b)")
            }
        }
        #expect(weights(plain) != weights(decayed))
    }

    @Test func sameSeedSameBytes() throws {
        let temporary = TemporaryDirectory("trainer"), a = temporary.file("a"), b = temporary.file("b")
        defer { temporary.remove() }
        _ = try run(makeTrainer(directory: a))
        _ = try run(makeTrainer(directory: b))
        #expect(try AtomicFile.read(a + "/model.safetensors") == AtomicFile.read(b + "/model.safetensors"))
        let other = temporary.file("other")
        _ = try run(makeTrainer(directory: other) { $0.seed = 2 })
        #expect(try AtomicFile.read(a + "/model.safetensors") != AtomicFile.read(other + "/model.safetensors"))
    }

    @Test func aSaveInterruptedBeforeItsRenameLeavesTheLastCheckpointLoadable() throws {
        let temporary = TemporaryDirectory("trainer"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: dir)
        var saves = 0
        trainer.checkpoints.beforeRename = {
            saves += 1
            if saves == 2 { throw TrainingError("killed during save") }
        }
        #expect(throws: TrainingError.self) { _ = try run(trainer) }
        let store = CheckpointStore(modelDirectory: dir)
        let latest = try #require(try store.latest())
        #expect(latest.name == "step-00000010" && latest.state.step == 10)
        let fresh = makeTrainer(directory: dir, modelSeed: 5)
        try store.restore(latest, parameters: fresh.model.parameters, optimizer: fresh.optimizer)
        // And the run can be resumed from it to the end.
        #expect(try run(fresh, resume: true) == .maxSteps)
        #expect(fresh.state.step == 40)
    }

    @Test func nonFiniteStepsAreSkippedThenTrainingStops() throws {
        let temporary = TemporaryDirectory("trainer"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: dir) { $0.maxBadSteps = 3 }
        trainer.model.poison = true
        let before = weights(trainer)
        #expect(throws: TrainingError.self) { _ = try run(trainer) }
        #expect(trainer.state.skippedSteps == 3 && trainer.state.step == 0)
        #expect(weights(trainer) == before, "a skipped step must not change the weights")
    }

    @Test func earlyStoppingAfterPatience() throws {
        let temporary = TemporaryDirectory("trainer"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: dir) { $0.patience = 2; $0.maxSteps = 1000 }
        trainer.validate = { _ in ["accuracy": 0.5] }  // never improves after the first
        #expect(try run(trainer) == .earlyStopping)
        #expect(trainer.state.step == 20)  // best at step 10; no better at 16 (epoch end) and 20
    }

    @Test func timeBudgetStopsCleanly() throws {
        let temporary = TemporaryDirectory("trainer"), dir = temporary.path
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: dir) { $0.maxSteps = nil; $0.epochs = nil; $0.timeBudget = 0.5 }
        let start = Date()
        #expect(try run(trainer) == .timeBudget)
        #expect(Date().timeIntervalSince(start) < 1.5)
        #expect(try CheckpointStore(modelDirectory: dir).latest()?.state.step == trainer.state.step)
    }

    /// The rate of every update of a run, in order.
    func rates(_ trainer: Trainer<ToyModel>, resume: Bool = false, messages: Locked<[String]>? = nil) throws -> [Double] {
        let rates = Locked<[Double]>([])
        trainer.progress = { event in
            switch event {
            case let .step(progress): rates.update { $0.append(progress.learningRate) }
            case let .message(line): messages?.update { $0.append(line) }
            default: break
            }
        }
        _ = try run(trainer, resume: resume)
        return rates.value
    }

    @Test func annealedRateFallsOverTheStepsOrEpochsOfTheRun() throws {
        let temporary = TemporaryDirectory("trainer")
        defer { temporary.remove() }
        // 40 steps: update k (1-based) has done (k − 1)/40 of the run.
        let bySteps = try rates(makeTrainer(directory: temporary.file("steps"), schedule: .anneal(0.02, .linear)))
        #expect(bySteps.count == 40)
        for (k, rate) in bySteps.enumerated() { #expect(abs(rate - 0.02 * (1 - Double(k) / 40)) < 1e-15) }
        // Two epochs of 16 batches, no step limit: the epochs set the length.
        let byEpochs = try rates(makeTrainer(directory: temporary.file("epochs"), schedule: .anneal(0.02, .cosine)) {
            $0.maxSteps = nil; $0.epochs = 2
        })
        #expect(byEpochs.count == 32)
        for (k, rate) in byEpochs.enumerated() { #expect(abs(rate - 0.01 * (1 + cos(Double.pi * Double(k) / 32))) < 1e-15) }
        // A time budget: the rate falls with the clock (how far it gets depends on the machine: the run stops
        // early enough to validate and save within the budget).
        let byTime = try rates(makeTrainer(directory: temporary.file("time"), schedule: .anneal(0.02, .linear)) {
            $0.maxSteps = nil; $0.epochs = nil; $0.timeBudget = 0.5
        })
        #expect(byTime.count > 2 && byTime.first! > 0.019 && byTime.last! < byTime.first!)
        #expect(zip(byTime, byTime.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func annealedRunResumesBitForBit() throws {
        let temporary = TemporaryDirectory("trainer"), a = temporary.file("a"), b = temporary.file("b")
        defer { temporary.remove() }
        let wholeRun = makeTrainer(directory: a, schedule: .anneal(0.02, .linear))
        let whole = try rates(wholeRun)
        // The same run dies in its third validation (step 20), after the checkpoint of step 16…
        let dying = makeTrainer(directory: b, schedule: .anneal(0.02, .linear))
        let validate = dying.validate!, validations = Locked(0)
        dying.validate = { model in
            validations.update { $0 += 1 }
            guard validations.value < 3 else { throw TrainingError("killed") }
            return try validate(model)
        }
        #expect(throws: TrainingError.self) { _ = try rates(dying) }
        // …and a new process resumes it: a model initialised differently, every state from the checkpoint.
        let second = makeTrainer(directory: b, modelSeed: 12345, schedule: .anneal(0.02, .linear))
        let messages = Locked<[String]>([])
        let rest = try rates(second, resume: true, messages: messages)
        #expect(rest.count == 24 && Array(whole.prefix(16)) + rest == whole)
        // The log says what the rest of the run anneals over (the checkpoint does not keep the limits).
        #expect(messages.value.contains("the linear learning rate falls to zero over this invocation's step limit (40)"), "\(messages.value)")
        #expect(weights(second) == weights(wholeRun))
    }

    @Test func annealedRateNeedsARunLength() throws {
        let temporary = TemporaryDirectory("trainer")
        defer { temporary.remove() }
        let trainer = makeTrainer(directory: temporary.path, schedule: .anneal(0.02, .linear)) { $0.maxSteps = nil; $0.epochs = nil }
        #expect(throws: TrainingError.self) { try run(trainer) }
    }

    /// A time budget's fraction is rank 0's clock on every rank: the same rates, so the same weights.
    @Test func ranksAnnealByRankZerosClock() throws {
        let temporary = TemporaryDirectory("trainer")
        defer { temporary.remove() }
        let rates = Locked([[Double]](repeating: [], count: 2)), weights = Locked([[Tensor]](repeating: [], count: 2))
        let failure = Locked<String?>(nil)
        ThreadCollective.run(size: 2) { [self] collective in
            let trainer = makeTrainer(directory: temporary.file("rank\(collective.rank)"), schedule: .anneal(0.02, .linear)) {
                $0.maxSteps = nil; $0.epochs = nil; $0.timeBudget = 0.3
            }
            trainer.collective = collective
            do {
                let mine = try self.rates(trainer)
                rates.update { $0[collective.rank] = mine }
                weights.update { $0[collective.rank] = self.weights(trainer) }
            } catch { failure.update { $0 = "\(error)" } }
        }
        #expect(failure.value == nil)
        #expect(rates.value[0].count > 2 && rates.value[0].last! < rates.value[0].first!)
        #expect(rates.value[0] == rates.value[1])
        #expect(weights.value[0] == weights.value[1])
    }
}
