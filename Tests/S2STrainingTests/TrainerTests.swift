import Testing
import Foundation
import S2SCore
import S2SNN
@testable import S2STraining

@Suite struct TrainerTests {
    let train = ToyModel.data(count: 256, seed: 1)
    let valid = ToyModel.data(count: 64, seed: 2)

    func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("s2s-trainer-\(UUID().uuidString)").path
    }

    func makeTrainer(directory: String, modelSeed: UInt64 = 7, configure: (inout TrainerOptions) -> Void = { _ in }) -> Trainer<ToyModel> {
        var options = TrainerOptions()
        options.epochs = nil
        options.maxSteps = 40
        options.validateEvery = 10
        options.reportEvery = 1000
        options.metric = "accuracy"
        options.higherIsBetter = true
        configure(&options)
        let trainer = Trainer(model: ToyModel(seed: modelSeed), optimizer: Adam(learningRate: 0.02),
                              schedule: .constant(0.02), options: options, bundle: ModelBundle(directory: directory))
        trainer.reporter = ProgressReporter(reportEvery: 1000, interactive: false, write: { _ in })
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
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
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

    @Test(arguments: [1, 2])
    func resumedRunEqualsUninterruptedRunBitForBit(shards: Int) throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        let whole = makeTrainer(directory: a) { $0.shards = shards; $0.maxSteps = 40 }
        _ = try run(whole)

        let first = makeTrainer(directory: b) { $0.shards = shards; $0.maxSteps = 20 }
        _ = try run(first)
        // A new process: a model initialised differently, all state from the checkpoint.
        let second = makeTrainer(directory: b, modelSeed: 12345) { $0.shards = shards; $0.maxSteps = 40 }
        _ = try run(second, resume: true)
        #expect(weights(second) == weights(whole))
        #expect(try AtomicFile.read(a + "/model.safetensors") == AtomicFile.read(b + "/model.safetensors"))
    }

    @Test func sameSeedSameBytes() throws {
        let a = temporaryDirectory(), b = temporaryDirectory()
        defer { for d in [a, b] { try? FileManager.default.removeItem(atPath: d) } }
        _ = try run(makeTrainer(directory: a))
        _ = try run(makeTrainer(directory: b))
        #expect(try AtomicFile.read(a + "/model.safetensors") == AtomicFile.read(b + "/model.safetensors"))
        let other = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: other) }
        _ = try run(makeTrainer(directory: other) { $0.seed = 2 })
        #expect(try AtomicFile.read(a + "/model.safetensors") != AtomicFile.read(other + "/model.safetensors"))
    }

    @Test func aSaveInterruptedBeforeItsRenameLeavesTheLastCheckpointLoadable() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
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
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trainer = makeTrainer(directory: dir) { $0.maxBadSteps = 3 }
        trainer.model.poison = true
        let before = weights(trainer)
        #expect(throws: TrainingError.self) { _ = try run(trainer) }
        #expect(trainer.state.skippedSteps == 3 && trainer.state.step == 0)
        #expect(weights(trainer) == before, "a skipped step must not change the weights")
    }

    @Test func earlyStoppingAfterPatience() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trainer = makeTrainer(directory: dir) { $0.patience = 2; $0.maxSteps = 1000 }
        trainer.validate = { _ in ["accuracy": 0.5] }  // never improves after the first
        #expect(try run(trainer) == .earlyStopping)
        #expect(trainer.state.step == 20)  // best at step 10; no better at 16 (epoch end) and 20
    }

    @Test func timeBudgetStopsCleanly() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let trainer = makeTrainer(directory: dir) { $0.maxSteps = nil; $0.epochs = nil; $0.timeBudget = 0.5 }
        let start = Date()
        #expect(try run(trainer) == .timeBudget)
        #expect(Date().timeIntervalSince(start) < 1.5)
        #expect(try CheckpointStore(modelDirectory: dir).latest()?.state.step == trainer.state.step)
    }
}
