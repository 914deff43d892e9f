// `s2s lesson`: the lecture's experiments, run. The same small network with a plain RNN, a GRU or an
// LSTM layer (LessonModel) is trained on synthetic long-memory tasks (LessonTasks) with the same seed,
// optimizer and step budget, so what differs is the cell:
//   1. gradient flow: ‖∂L/∂h_t‖ against t for a loss at the last step, untrained and trained;
//   2. the adding problem at growing lengths T: test MSE against the 0.167 of always answering 1;
//   3. the copy task at growing delays: test cross-entropy against the memoryless baseline.
// Every run is seeded (same options and seed, same numbers); runs are spread over `threads` cores.
import Foundation
import S2SCore
import S2SNN

/// What the lesson runs: sizes, lengths and budgets. `.full` is the lesson (minutes), `.quick` its
/// check (seconds).
public struct LessonOptions: Codable, Sendable, Equatable {
    /// Units in the recurrent layer.
    public var hidden = 64
    /// Sequences per training step.
    public var batchSize = 32
    /// Adam's learning rate; gradients are clipped to norm 1 (as for every recurrent net here).
    public var learningRate = 2e-3
    /// Lengths T of the adding problem.
    public var addingLengths = [50, 100, 200, 400]
    /// Training steps per adding run.
    public var addingSteps = 6000
    /// Delays T of the copy task.
    public var copyDelays = [10, 30, 60]
    /// Training steps per copy run.
    public var copySteps = 5000
    /// The adding length whose models the gradient-flow picture shows (one of `addingLengths`).
    public var flowLength = 100
    /// Test sequences per run (fresh ones, from a seed of their own).
    public var testSequences = 1000
    /// Random seed of the whole lesson.
    public var seed: UInt64 = 1

    /// The lesson: about 8 minutes on 2 cores (release build).
    public static let full = LessonOptions()
    /// The qualitative check of the lesson in seconds: a short and a long adding problem and a short copy.
    public static let quick: LessonOptions = {
        var options = LessonOptions()
        options.hidden = 32
        options.addingLengths = [10, 60]
        options.addingSteps = 1500
        options.copyDelays = [5]
        options.copySteps = 600
        options.flowLength = 60
        options.testSequences = 256
        return options
    }()

    public init() {}
}

/// What the lesson measured.
public struct LessonResults: Codable, Sendable {
    /// ‖∂L/∂h_t‖ for t = 1 … T (mean over a batch) of one cell, before and after training.
    public struct GradientFlow: Codable, Sendable {
        public var cell: LessonCell
        public var length: Int
        public var untrained: [Double]
        public var trained: [Double]
    }

    /// One training run on a task.
    public struct Run: Codable, Sendable {
        public var cell: LessonCell
        /// T: the adding problem's length, the copy task's delay.
        public var length: Int
        public var steps: Int
        /// Test loss (adding: MSE; copy: cross-entropy in nats per step).
        public var testLoss: Double
        /// The loss of the memoryless answer.
        public var baseline: Double
        /// Training loss averaged over each tenth of the run.
        public var curve: [Double]
        public var seconds: Double
    }

    public var options: LessonOptions
    public var gradientFlow: [GradientFlow]
    public var adding: [Run]
    public var copy: [Run]
    public var seconds: Double

    /// The run of `cell` at `length` in `runs`.
    public static func run(_ runs: [Run], _ cell: LessonCell, _ length: Int) -> Run? {
        runs.first { $0.cell == cell && $0.length == length }
    }
}

public enum Lesson {
    /// Runs every experiment on `threads` cores; `progress` hears a line per finished run.
    public static func run(_ options: LessonOptions, threads: Int = 1,
                           progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> LessonResults {
        try OptionsError.require(options.addingLengths.contains(options.flowLength),
                                 "LessonOptions: flowLength \(options.flowLength) must be one of addingLengths \(options.addingLengths)")
        try OptionsError.require(options.hidden >= 1 && options.batchSize >= 1 && options.testSequences >= 1
                                 && (options.addingLengths + options.copyDelays).allSatisfy { $0 >= 2 },
                                 "LessonOptions: sizes must be positive and lengths at least 2")
        let started = Date()
        BLAS.setThreads(1)   // cores go to whole runs
        enum Job { case adding(LessonCell, Int), copy(LessonCell, Int) }
        // The longest runs first, so the cores finish together.
        let jobs: [Job] = (options.addingLengths.flatMap { T in LessonCell.allCases.map { Job.adding($0, T) } }
                           + options.copyDelays.flatMap { T in LessonCell.allCases.map { Job.copy($0, T) } })
            .sorted { cost($0) > cost($1) }
        func cost(_ job: Job) -> Int {
            switch job {
            case .adding(_, let T): T * options.addingSteps
            case .copy(_, let T): (T + 20) * options.copySteps
            }
        }
        let outcomes = ParallelMap.map(count: jobs.count, threads: threads) { index -> (Job, LessonResults.Run, LessonResults.GradientFlow?) in
            switch jobs[index] {
            case .adding(let cell, let T):
                let (run, flow) = adding(cell: cell, length: T, options: options)
                progress(String(format: "adding T=%d %@: test MSE %.4f (baseline %.3f), %.0f s", T, cell.rawValue, run.testLoss, run.baseline, run.seconds))
                return (jobs[index], run, flow)
            case .copy(let cell, let T):
                let run = copy(cell: cell, delay: T, options: options)
                progress(String(format: "copy T=%d %@: test %.4f nats/step (baseline %.4f), %.0f s", T, cell.rawValue, run.testLoss, run.baseline, run.seconds))
                return (jobs[index], run, nil)
            }
        }
        var addingRuns: [LessonResults.Run] = [], copyRuns: [LessonResults.Run] = [], flows: [LessonResults.GradientFlow] = []
        for (job, run, flow) in outcomes {
            if case .adding = job { addingRuns.append(run) } else { copyRuns.append(run) }
            if let flow { flows.append(flow) }
        }
        let order = { (a: LessonResults.Run, b: LessonResults.Run) in
            (a.length, LessonCell.allCases.firstIndex(of: a.cell)!) < (b.length, LessonCell.allCases.firstIndex(of: b.cell)!)
        }
        flows.sort { LessonCell.allCases.firstIndex(of: $0.cell)! < LessonCell.allCases.firstIndex(of: $1.cell)! }
        return LessonResults(options: options, gradientFlow: flows, adding: addingRuns.sorted(by: order), copy: copyRuns.sorted(by: order),
                             seconds: Date().timeIntervalSince(started))
    }

    /// Each run's own seed, from the lesson's seed, the task, the cell and the length: a run's numbers
    /// do not depend on which other runs there are or on the order the cores take them in.
    static func seed(_ options: LessonOptions, task: UInt64, cell: LessonCell, length: Int) -> UInt64 {
        var mix = Generator(seed: options.seed &* 1_000_003 &+ task &* 7_919 &+ UInt64(length))
        return mix.next() &+ UInt64(LessonCell.allCases.firstIndex(of: cell)!)
    }

    // MARK: - The adding problem

    static func adding(cell: LessonCell, length T: Int, options: LessonOptions) -> (LessonResults.Run, LessonResults.GradientFlow?) {
        let started = Date()
        var rng = Generator(seed: seed(options, task: 1, cell: cell, length: T))
        let model = LessonModel(cell: cell, inputs: AddingProblem.inputs, hidden: options.hidden, outputs: 1, rng: &rng)
        var flowBatch = Generator(seed: options.seed &+ 99)   // the same batch for every cell
        let flowData = AddingProblem.batch(length: T, size: options.batchSize, rng: &flowBatch)
        let untrained = T == options.flowLength ? gradientFlow(model, flowData) : nil
        let curve = train(model, steps: options.addingSteps, learningRate: options.learningRate, rng: &rng) { tape, rng in
            let (x, targets) = AddingProblem.batch(length: T, size: options.batchSize, rng: &rng)
            return meanSquaredError(model, x: x, targets: targets, tape: tape)
        }
        let testLoss = test(options.testSequences, seed: options.seed &+ 7 &+ UInt64(T)) { size, rng in
            let (x, targets) = AddingProblem.batch(length: T, size: size, rng: &rng)
            return meanSquaredError(model, x: x, targets: targets, tape: Tape(recording: false))
        }
        let run = LessonResults.Run(cell: cell, length: T, steps: options.addingSteps, testLoss: testLoss,
                                    baseline: AddingProblem.baseline, curve: curve, seconds: Date().timeIntervalSince(started))
        let flow = untrained.map { LessonResults.GradientFlow(cell: cell, length: T, untrained: $0, trained: gradientFlow(model, flowData)) }
        return (run, flow)
    }

    /// The MSE of the prediction read from the last state.
    static func meanSquaredError(_ model: LessonModel, x: Tensor, targets: [Float], tape: Tape) -> Variable {
        let T = x.shape[0], B = x.shape[1]
        let states = model.states(Variable(x), tape: tape)
        return meanSquaredError(model, last: tape.reshape(tape.slice(states, range: (T - 1)..<T, axis: 0), to: [B, model.hidden]),
                                targets: targets, tape: tape)
    }

    /// The MSE of the read-out of `last` [B, H] against `targets` [B].
    static func meanSquaredError(_ model: LessonModel, last: Variable, targets: [Float], tape: Tape) -> Variable {
        let B = targets.count
        let prediction = tape.reshape(model.readOut(last, tape: tape), to: [B])
        let error = tape.add(prediction, Variable(Tensor(shape: [B], scalars: targets.map { -$0 })))
        return tape.mean(tape.multiply(error, error))
    }

    /// ‖∂L/∂h_t‖ (mean over the batch's rows) for t = 1 … T, L the MSE at the last step.
    static func gradientFlow(_ model: LessonModel, _ data: (x: Tensor, targets: [Float])) -> [Double] {
        let tape = Tape()
        let T = data.x.shape[0], B = data.x.shape[1], H = model.hidden
        let states = model.unrolledStates(Variable(data.x), tape: tape)
        tape.backward(from: meanSquaredError(model, last: tape.reshape(states[T - 1], to: [B, H]), targets: data.targets, tape: tape))
        for (_, parameter) in model.parameters { parameter.zeroGrad() }
        return states.map { state in
            guard let grad = state.grad else { return 0 }
            var total = 0.0
            for b in 0..<B {
                var sum = 0.0
                for k in 0..<H { let g = Double(grad.scalars[b * H + k]); sum += g * g }
                total += sum.squareRoot()
            }
            return total / Double(B)
        }
    }

    // MARK: - The copy task

    static func copy(cell: LessonCell, delay T: Int, options: LessonOptions) -> LessonResults.Run {
        let started = Date()
        var rng = Generator(seed: seed(options, task: 2, cell: cell, length: T))
        let model = LessonModel(cell: cell, inputs: CopyTask.inputs, hidden: options.hidden, outputs: CopyTask.outputs, rng: &rng)
        let curve = train(model, steps: options.copySteps, learningRate: options.learningRate, rng: &rng) { tape, rng in
            let (x, targets) = CopyTask.batch(delay: T, size: options.batchSize, rng: &rng)
            return crossEntropy(model, x: x, targets: targets, tape: tape)
        }
        let testLoss = test(options.testSequences, seed: options.seed &+ 11 &+ UInt64(T)) { size, rng in
            let (x, targets) = CopyTask.batch(delay: T, size: size, rng: &rng)
            return crossEntropy(model, x: x, targets: targets, tape: Tape(recording: false))
        }
        return LessonResults.Run(cell: cell, length: T, steps: options.copySteps, testLoss: testLoss,
                                 baseline: CopyTask.baseline(delay: T), curve: curve, seconds: Date().timeIntervalSince(started))
    }

    /// Cross-entropy per step (nats), every step's output read from its state.
    static func crossEntropy(_ model: LessonModel, x: Tensor, targets: [Int], tape: Tape) -> Variable {
        let rows = x.shape[0] * x.shape[1]
        let states = tape.reshape(model.states(Variable(x), tape: tape), to: [rows, model.hidden])
        return tape.crossEntropy(logits: model.readOut(states, tape: tape), targets: targets, ignoreIndex: nil)
    }

    /// The mean of `loss` over `count` fresh test sequences drawn from `seed`, in batches of up to 100
    /// (`loss` gets a batch size and the generator, and returns the batch's mean loss).
    static func test(_ count: Int, seed: UInt64, loss: (Int, inout Generator) -> Variable) -> Double {
        var rng = Generator(seed: seed)
        var total = 0.0, done = 0
        while done < count {
            let size = min(100, count - done)
            total += Double(loss(size, &rng).value.scalars[0]) * Double(size)
            done += size
        }
        return total / Double(done)
    }

    // MARK: - Training

    /// Adam with gradients clipped to norm 1 for `steps` steps on the losses `loss` makes; the mean
    /// training loss of each tenth of the run.
    static func train(_ model: LessonModel, steps: Int, learningRate: Double, rng: inout Generator,
                      loss: (Tape, inout Generator) -> Variable) -> [Double] {
        let parameters = model.parameters
        let adam = Adam(learningRate: learningRate)
        var curve: [Double] = [], sum = 0.0, count = 0
        let chunk = max(1, steps / 10)
        for step in 0..<steps {
            let tape = Tape()
            let value = loss(tape, &rng)
            tape.backward(from: value)
            _ = clipGradientNorm(parameters, maxNorm: 1)
            adam.step(parameters)
            for (_, parameter) in parameters { parameter.zeroGrad() }
            sum += Double(value.value.scalars[0]); count += 1
            if (step + 1) % chunk == 0 || step == steps - 1 { curve.append(sum / Double(count)); sum = 0; count = 0 }
        }
        return curve
    }
}
