// Training checkpoints under DIR/checkpoints/: one directory per saved step (weights, optimizer state,
// trainer state) and a LATEST file naming the newest complete one.
//
// Crash safety: a checkpoint is written into a temporary directory, each file fsynced, then the
// directory is renamed into place, and only then is LATEST (itself written atomically) pointed at it.
// A run killed at any moment leaves LATEST naming a complete checkpoint.
import Foundation
import S2SCore
import S2SNN

public struct Checkpoint {
    public let name: String
    public let state: TrainerState
}

public struct CheckpointStore {
    public let directory: String
    /// Test hook: called after a checkpoint's files are written, before its directory is renamed into place.
    var beforeRename: () throws -> Void = {}

    public init(modelDirectory: String) { directory = modelDirectory + "/checkpoints" }

    /// The model's training state (`TrainableModel.trainingState`), when it has one.
    static let modelStateFile = "model_state.safetensors"
    /// The smoothed weights (`TrainerOptions.exponentialSmoothing`), when the run keeps them.
    static let smoothedFile = "smoothed.safetensors"

    static func name(step: Int) -> String { String(format: "step-%08d", step) }
    var latestPath: String { directory + "/LATEST" }

    /// Saves weights, optimizer state, trainer state, the model's own training state and the smoothed
    /// weights (each if any) as checkpoint `step-N`, then prunes old ones, keeping the newest `keep` and
    /// the one at `protectedStep` (the best).
    public func save(parameters: [(name: String, variable: Variable)], optimizer: Optimizer, state: TrainerState,
                     modelState: [(name: String, tensor: Tensor)] = [], smoothed: [(name: String, tensor: Tensor)] = [],
                     keep: Int, protectedStep: Int?) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let name = Self.name(step: state.step)
        let temporary = directory + "/.\(name).partial-\(getpid())"
        try? fm.removeItem(atPath: temporary)
        try fm.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        let bundle = ModelBundle(directory: temporary)
        try bundle.writeWeights(parameters)
        try SafeTensors.write(optimizer.stateTensors(), to: temporary + "/optimizer.safetensors")
        try AtomicFile.write(try JSON.encode(state), to: temporary + "/trainer.json")
        if !modelState.isEmpty { try SafeTensors.write(modelState, to: temporary + "/" + Self.modelStateFile) }
        if !smoothed.isEmpty { try SafeTensors.write(smoothed, to: temporary + "/" + Self.smoothedFile) }
        try beforeRename()
        let final = directory + "/" + name
        try? fm.removeItem(atPath: final)
        try fm.moveItem(atPath: temporary, toPath: final)
        try AtomicFile.write(Array((name + "\n").utf8), to: latestPath)
        try prune(keep: keep, protected: [name] + (protectedStep.map { [Self.name(step: $0)] } ?? []))
    }

    /// The newest complete checkpoint, or nil if there is none.
    public func latest() throws -> Checkpoint? {
        guard let bytes = try? AtomicFile.read(latestPath) else { return nil }
        let name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let statePath = directory + "/" + name + "/trainer.json"
        do {
            return Checkpoint(name: name, state: try JSON.decode(TrainerState.self, from: try AtomicFile.read(statePath)))
        } catch {
            throw BundleError(path: statePath, problem: "cannot read the trainer state: \(error)",
                              hint: "point \(latestPath) at another checkpoint directory, or start without --resume")
        }
    }

    /// Loads a checkpoint's weights and optimizer state.
    public func restore(_ checkpoint: Checkpoint, parameters: [(name: String, variable: Variable)], optimizer: Optimizer) throws {
        let path = directory + "/" + checkpoint.name
        try ModelBundle(directory: path).readWeights(into: parameters)
        let optimizerPath = path + "/optimizer.safetensors"
        do {
            try optimizer.loadState(try SafeTensors.read(optimizerPath).tensors, parameters: parameters)
        } catch {
            throw BundleError(path: optimizerPath, problem: "\(error)",
                              hint: "the checkpoint was written with another optimizer; resume with the same settings")
        }
    }

    /// The model's training state saved with a checkpoint; empty when the model has none.
    public func modelState(_ checkpoint: Checkpoint) throws -> [String: Tensor] {
        let path = directory + "/" + checkpoint.name + "/" + Self.modelStateFile
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do { return try SafeTensors.read(path).tensors } catch let error as SafeTensors.Error {
            throw BundleError(path: path, problem: error.problem, hint: "the checkpoint is damaged; start without --resume")
        }
    }

    /// The smoothed weights saved with a checkpoint, by parameter name, and the file they came from.
    public func smoothedWeights(_ checkpoint: Checkpoint) throws -> (tensors: [String: Tensor], path: String) {
        let path = directory + "/" + checkpoint.name + "/" + Self.smoothedFile
        guard FileManager.default.fileExists(atPath: path) else {
            throw BundleError(path: path, problem: "missing: the run was started without exponential smoothing",
                              hint: "resume with the --exponential-smoothing setting the run was started with")
        }
        do { return (try SafeTensors.read(path).tensors, path) } catch let error as SafeTensors.Error {
            throw BundleError(path: path, problem: error.problem, hint: "the checkpoint is damaged; start without --resume")
        }
    }

    /// Names of the complete checkpoints, oldest first.
    public func checkpointNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("step-") }.sorted()
    }

    private func prune(keep: Int, protected: [String]) throws {
        let names = checkpointNames()
        for name in names.dropLast(max(1, keep)) where !protected.contains(name) {
            try FileManager.default.removeItem(atPath: directory + "/" + name)
        }
    }
}
