// The training loop shared by every s2s model: learning-rate schedule, data-parallel steps, gradient
// clipping, skipped non-finite steps, validation, best-model selection, early stopping, time budget,
// progress, metrics.jsonl, TensorBoard, checkpoints and exact resume.
//
// Exact resume holds because everything random is a pure function of (seed, epoch, step, shard) —
// the batch order of an epoch, the dropout masks of a step — and everything stateful (weights,
// optimizer moments, schedule, counters, data position) is in the checkpoint.
//
// Distributed (`collective`): every rank runs this same loop on the same batches, its own block of
// each batch's shards, the gradients summed across ranks (TrainingStep), so every rank holds the same
// weights at every step. Every rank validates (the same numbers, so the same decisions: best model,
// schedule, early stopping); what one clock decides — the time budget — rank 0 decides for all. Only
// rank 0 writes checkpoints, the model, metrics.jsonl and TensorBoard files.
import Foundation
import S2SCore
import S2SNN

public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Why a run stopped.
public enum StopReason: String, Codable, Sendable {
    case epochs, maxSteps, timeBudget, earlyStopping
}

public final class Trainer<Model: TrainableModel> {
    public let model: Model
    public let optimizer: Optimizer
    public let options: TrainerOptions
    public let bundle: ModelBundle
    /// Validation: metrics by name ("loss", "ppl", "accuracy", "macro_f1", "bleu", …); must include
    /// `options.metric`. Without it, the mean training loss since the last validation stands in.
    public var validate: ((Model) throws -> [String: Double])?
    public var tensorBoard: TensorBoardWriter?
    /// The ranks of a distributed run (nil: this process alone).
    public var collective: (any Collective)?
    /// Where log lines and per-step progress go (default: stderr, a log line every `options.reportEvery` steps).
    public var progress: TrainingProgressHandler
    public private(set) var state: TrainerState
    var checkpoints: CheckpointStore

    private var windowStats = LossStats(), windowTokens = 0, windowStart = 0.0
    private var sinceValidation = LossStats()
    private var runStart = 0.0, elapsedAtStart = 0.0, stepAtStart = 0
    private var reserveSeconds = 0.0  // what a final validation + checkpoint costs, kept free of the budget
    private var smoothing: WeightSmoothing?
    /// Distributed: seconds of this invocation spent adding gradients across ranks (of them, waiting for
    /// the slowest rank's backward pass), in this rank's forward and backward passes, and in steps; floats
    /// of gradient sent.
    private var exchangeSeconds = 0.0, waitSeconds = 0.0, computeSeconds = 0.0, stepSeconds = 0.0, exchangedFloats = 0

    public init(model: Model, optimizer: Optimizer, schedule: LearningRateSchedule, options: TrainerOptions, bundle: ModelBundle) {
        self.model = model; self.optimizer = optimizer; self.options = options; self.bundle = bundle
        state = TrainerState(schedule: schedule)
        checkpoints = CheckpointStore(modelDirectory: bundle.directory)
        progress = ProgressReporter.standardError(reportEvery: options.reportEvery)
    }

    /// Trains on the batches `batchesForEpoch(epoch)` gives (they must be a pure function of the epoch).
    /// With `resume`, continues from the latest checkpoint in the bundle. The batches may be a lazy
    /// collection (`plan.lazy.map(makeBatch)`): each is made when its step comes, so an epoch of a large
    /// corpus is never held at once.
    @discardableResult
    public func run<Batches: RandomAccessCollection>(resume: Bool, batchesForEpoch: (Int) -> Batches) throws -> StopReason
    where Batches.Element == Model.Batch, Batches.Index == Int {
        let parameters = model.parameters
        try bundle.create()
        if resume {
            guard let checkpoint = try checkpoints.latest() else {
                throw TrainingError("--resume: \(checkpoints.directory) holds no checkpoint to resume from")
            }
            try checkpoints.restore(checkpoint, parameters: parameters, optimizer: optimizer)
            try model.restoreTrainingState(try checkpoints.modelState(checkpoint))
            if let rate = options.exponentialSmoothing {
                let saved = try checkpoints.smoothedWeights(checkpoint)
                smoothing = try WeightSmoothing(rate: rate, parameters: parameters, saved: saved.tensors, path: saved.path)
            }
            state = checkpoint.state
            log("resuming from \(checkpoint.name): epoch \(state.epoch + 1), step \(state.step)")
        } else if !checkpoints.checkpointNames().isEmpty {
            // Never replace another run's checkpoints unasked (`TrainingDirectory` with `.overwrite` clears them).
            throw TrainingError("\(checkpoints.directory) holds the checkpoints of an earlier run; resume it, or start with --overwrite")
        }
        if !resume, let rate = options.exponentialSmoothing { smoothing = WeightSmoothing(rate: rate, parameters: parameters) }
        if state.schedule.needsProgress, options.epochs == nil, options.maxSteps == nil, options.timeBudget == nil {
            throw TrainingError("an annealed learning rate falls over the run's length: give it epochs, a step limit or a time budget")
        }
        if resume, case let .anneal(shape) = state.schedule.decay {
            // A checkpoint keeps the step, not the limits: the rest of the run anneals over this invocation's
            // (as fairseq's --max-update), so a resume with another limit has other rates than the first run.
            log("the \(shape.rawValue) learning rate falls to zero over this invocation's \(annealingLimits)")
        }
        let metrics = try MetricsLog(directory: bundle.directory)
        runStart = Self.now(); elapsedAtStart = state.elapsed; stepAtStart = state.step; windowStart = runStart
        defer { try? tensorBoard?.flush(); reportExchange(); progress(.finished) }

        // One step for the whole run: a distributed step keeps its exchange buffer.
        let step = TrainingStep(model: model, shards: options.shards, maxGradientNorm: options.maxGradientNorm,
                                collective: collective)
        var lastValidatedStep = -1
        func validateAndSave() throws -> Bool {
            lastValidatedStep = state.step
            return try validateAndCheckpoint(parameters: parameters, metrics: metrics)
        }

        while true {
            if let epochs = options.epochs, state.epoch >= epochs { _ = try finish(); return .epochs }
            let batches = batchesForEpoch(state.epoch)
            while state.batchInEpoch < batches.count {
                if let maxSteps = options.maxSteps, state.step >= maxSteps {
                    if lastValidatedStep != state.step { _ = try validateAndSave() }
                    return .maxSteps
                }
                if outOfTime() {
                    if lastValidatedStep != state.step { _ = try validateAndSave() }
                    log("time budget reached at step \(state.step)")
                    return .timeBudget
                }
                try trainStep(step, batches[batches.startIndex + state.batchInEpoch], parameters: parameters, batchesPerEpoch: batches.count)
                state.batchInEpoch += 1
                report(metrics: metrics, batchesPerEpoch: batches.count)
                if options.validateEvery > 0, state.step % options.validateEvery == 0 {
                    if try validateAndSave() { return .earlyStopping }
                }
            }
            state.epoch += 1
            state.batchInEpoch = 0
            if lastValidatedStep != state.step, try validateAndSave() { return .earlyStopping }
        }

        func finish() throws -> Bool {
            lastValidatedStep == state.step ? false : try validateAndSave()
        }
    }

    // MARK: one step

    private func trainStep(_ step: TrainingStep<Model>, _ batch: Model.Batch, parameters: [(name: String, variable: Variable)],
                           batchesPerEpoch: Int) throws {
        state.elapsed = elapsed()
        let done = state.schedule.needsProgress ? runProgress(batchesPerEpoch: batchesPerEpoch) : 0
        optimizer.learningRate = state.schedule.learningRate(step: state.step + 1, progress: done)
        let started = Self.now()
        let outcome = step.run(batch, parameters: parameters, optimizer: optimizer) { stepSeed(shard: $0) }
        exchangeSeconds += outcome.exchangeSeconds; waitSeconds += outcome.waitSeconds; computeSeconds += outcome.computeSeconds
        exchangedFloats += outcome.exchangedFloats
        stepSeconds += Self.now() - started
        guard outcome.applied else {
            state.consecutiveBadSteps += 1
            state.skippedSteps += 1
            log("step \(state.step + 1): non-finite loss or gradient — step skipped (\(state.consecutiveBadSteps) in a row)")
            if state.consecutiveBadSteps >= options.maxBadSteps {
                throw TrainingError("training diverged: \(state.consecutiveBadSteps) non-finite steps in a row; the last good checkpoint is kept in \(checkpoints.directory) (try a lower learning rate)")
            }
            return
        }
        let stats = outcome.stats
        smoothing?.update(parameters, update: state.step)
        state.step += 1
        state.consecutiveBadSteps = 0
        state.tokensSeen += batch.tokenCount
        windowStats = windowStats + stats; sinceValidation = sinceValidation + stats
        windowTokens += batch.tokenCount
    }

    /// Dropout masks of (step, shard): independent of how the run was interrupted.
    private func stepSeed(shard: Int) -> UInt64 {
        var mix = Generator(seed: options.seed ^ (UInt64(state.step) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(shard) << 56))
        return mix.next()
    }

    // MARK: validation, checkpoints, stopping

    /// Validates, keeps the best weights in model.safetensors, checkpoints; returns true to stop early.
    /// With exponential smoothing, the smoothed weights are the ones validated and kept.
    private func validateAndCheckpoint(parameters: [(name: String, variable: Variable)], metrics: MetricsLog) throws -> Bool {
        let start = Self.now()
        smoothing?.swap(with: parameters)
        let outcome = Result { try validateAndKeepBest(parameters: parameters, metrics: metrics) }
        smoothing?.swap(with: parameters)
        try outcome.get()
        if let collective { model.mergeTrainingState { collective.sumInRankOrder(&$0) } }   // every rank, same point
        if writesFiles {
            try checkpoints.save(parameters: parameters, optimizer: optimizer, state: state, modelState: model.trainingState,
                                 smoothed: smoothing?.namedAverages(parameters) ?? [],
                                 keep: options.keepCheckpoints, protectedStep: state.bestStep)
        }
        reserveSeconds = 1.2 * (Self.now() - start)
        if let patience = options.patience, state.validationsWithoutImprovement >= patience {
            log("early stopping: no improvement in \(options.metric) for \(patience) validations")
            return true
        }
        return false
    }

    /// Validates the model's current weights, writes them to model.safetensors if they are the best so
    /// far, and logs the metrics.
    private func validateAndKeepBest(parameters: [(name: String, variable: Variable)], metrics: MetricsLog) throws {
        var values = try validate?(model) ?? ["loss": sinceValidation.meanLoss]
        sinceValidation = LossStats()
        guard let value = values[options.metric] else {
            throw TrainingError("validation gave no \"\(options.metric)\" (it gave \(values.keys.sorted().joined(separator: ", ")))")
        }
        let improved = state.bestMetric.map { options.higherIsBetter ? value > $0 : value < $0 } ?? value.isFinite
        if improved {
            state.bestMetric = value
            state.bestStep = state.step
            state.validationsWithoutImprovement = 0
            if writesFiles { try bundle.writeWeights(parameters, metadata: ["step": "\(state.step)", options.metric: "\(value)"]) }
        } else {
            state.validationsWithoutImprovement += 1
        }
        state.schedule.observe(metric: value)
        state.elapsed = elapsed()
        values["best_" + options.metric] = state.bestMetric ?? .nan
        var record: [String: MetricValue] = ["event": "validation", "step": .int(state.step), "epoch": .int(state.epoch),
                                             "elapsed": .double(state.elapsed)]
        for (key, v) in values { record[key] = .double(v) }
        if writesFiles {
            try metrics.append(record)
            for (key, v) in values.sorted(by: { $0.key < $1.key }) {
                try tensorBoard?.addScalar(tag: "valid/" + key, value: Float(v), step: state.step)
            }
        }
        let shown = values.sorted { $0.key < $1.key }.map { "\($0.key) \(ProgressFormat.number($0.value))" }.joined(separator: ", ")
        log("validation at step \(state.step) (epoch \(state.epoch)): \(shown)\(improved ? " — best so far, saved" : "")")
    }

    /// A single process is rank 0.
    private var isRankZero: Bool { (collective?.rank ?? 0) == 0 }
    /// Rank 0's files only.
    private var writesFiles: Bool { isRankZero }

    /// The fraction of the run done, by whichever limit is nearest: steps, epochs, or this invocation's
    /// time budget (like the budget itself, a resumed run gets a time budget of its own, so its rate
    /// starts high again). Steps and epochs are the same on every rank; the clock is rank 0's.
    private func runProgress(batchesPerEpoch: Int) -> Double {
        var done = 0.0
        if let maxSteps = options.maxSteps { done = max(done, Double(state.step) / Double(max(1, maxSteps))) }
        if let epochs = options.epochs {
            let epochsDone = Double(state.epoch) + Double(state.batchInEpoch) / Double(max(1, batchesPerEpoch))
            done = max(done, epochsDone / Double(max(1, epochs)))
        }
        if let budget = options.timeBudget {
            var spent = [isRankZero ? (Self.now() - runStart) / budget : 0]
            collective?.sumInRankOrder(&spent)   // rank 0's figure, on every rank
            done = max(done, spent[0])
        }
        return min(done, 1)
    }

    /// The limits an annealed rate falls over, as the options give them (a resumed run's log names them).
    private var annealingLimits: String {
        var limits: [String] = []
        if let maxSteps = options.maxSteps { limits.append("step limit (\(maxSteps))") }
        if let epochs = options.epochs { limits.append("epochs (\(epochs))") }
        if let budget = options.timeBudget { limits.append("time budget (\(ProgressFormat.duration(budget)) from now)") }
        return limits.joined(separator: " or ") + (limits.count > 1 ? ", whichever ends first" : "")
    }

    /// Whether the next step would overrun the time budget — rank 0's clock deciding for every rank.
    private func outOfTime() -> Bool {
        guard let budget = options.timeBudget else { return false }
        let stepCost = (Self.now() - runStart) / Double(max(1, state.step - stepAtStart))
        let late = Self.now() - runStart + reserveSeconds + stepCost >= budget
        return collective?.agree(late) ?? late
    }

    private func report(metrics: MetricsLog, batchesPerEpoch: Int) {
        let now = Self.now()
        let tokensPerSecond = Double(windowTokens) / max(1e-9, now - windowStart)
        let totalSteps: Int? = options.maxSteps ?? options.epochs.map { $0 * batchesPerEpoch }
        let secondsPerStep = (now - runStart) / Double(max(1, state.step - stepAtStart))
        let eta = totalSteps.map { Double(max(0, $0 - state.step)) * secondsPerStep }
        let progress = TrainingProgress(epoch: state.epoch + 1, step: state.step, totalSteps: totalSteps,
                                        loss: windowStats.meanLoss, perplexity: windowStats.perplexity,
                                        accuracy: windowStats.accuracy, learningRate: optimizer.learningRate,
                                        tokensPerSecond: tokensPerSecond, elapsed: elapsed(), eta: eta)
        self.progress(.step(progress))
        guard state.step % max(1, options.reportEvery) == 0 else { return }
        defer { windowStats = LossStats(); windowTokens = 0; windowStart = now }
        guard writesFiles else { return }
        try? metrics.append(["event": "train", "step": .int(state.step), "epoch": .int(state.epoch),
                             "loss": .double(windowStats.meanLoss), "ppl": .double(windowStats.perplexity),
                             "accuracy": .double(windowStats.accuracy), "lr": .double(optimizer.learningRate),
                             "tokens_per_s": .double(tokensPerSecond), "elapsed": .double(elapsed())])
        try? tensorBoard?.addScalar(tag: "train/loss", value: Float(windowStats.meanLoss), step: state.step)
        try? tensorBoard?.addScalar(tag: "train/lr", value: Float(optimizer.learningRate), step: state.step)
    }

    private func log(_ message: String) { progress(.message(message)) }

    /// Distributed: where a step's time went — what bounds the scaling. The parts this rank does as a
    /// single process would (forward/backward of its shards, clipping and the update) beside the exchange.
    private func reportExchange() {
        guard let collective, state.step > stepAtStart else { return }
        let steps = Double(state.step - stepAtStart), ms = { 1000 * $0 / steps }
        log(String(format: "%d ranks: %.1f ms per step: forward and backward %.1f ms, gradient exchange %.1f ms "
                   + "(%.1f ms of it waiting for the slowest rank; %.1f MB sent per step), clipping and update %.1f ms",
                   collective.size, ms(stepSeconds), ms(computeSeconds), ms(exchangeSeconds), ms(waitSeconds),
                   4 * Double(exchangedFloats) / steps / 1e6, ms(stepSeconds - computeSeconds - exchangeSeconds)))
    }

    private func elapsed() -> Double { elapsedAtStart + Self.now() - runStart }

    static func now() -> Double { MonotonicClock.seconds() }
}
