// Checkpoint averaging, as OpenNMT-py's average_models.py, fairseq's average_checkpoints.py and
// Marian's averaging do it: the element-wise mean of several weight files of one model — the last
// checkpoints of a run, or the models of several runs with the same settings — written as a new model
// directory that loads and decodes like any other, at no decoding cost.
//
// The mean is taken in Double over the files sorted by path, so the result does not depend on the order
// the inputs are given in. Files must hold the same tensor names and shapes; directories must hold the
// same settings (config.json less the record of how they were trained), which includes the text
// pipelines' fingerprints.
import Foundation
import S2SCore

public enum WeightAverage {
    /// The weight files of the last `count` checkpoints of the run in `modelDirectory` (oldest first):
    /// their smoothed weights when `smoothed` and every one has them (the weights the run validates and
    /// saves when it smooths), else their raw weights.
    public static func lastCheckpoints(_ count: Int, of modelDirectory: String, smoothed: Bool = true) throws -> [String] {
        let store = CheckpointStore(modelDirectory: modelDirectory)
        let names = store.checkpointNames()
        guard count >= 1 else { throw BundleError(path: modelDirectory, problem: "need at least one checkpoint to average") }
        guard names.count >= count else {
            throw BundleError(path: store.directory, problem: "\(names.count) checkpoint(s) kept, \(count) asked for",
                              hint: "average fewer, or train with more --keep-checkpoints")
        }
        let chosen = names.suffix(count).map { store.directory + "/" + $0 }
        let useSmoothed = smoothed && chosen.allSatisfy { FileManager.default.fileExists(atPath: $0 + "/" + CheckpointStore.smoothedFile) }
        return chosen.map { $0 + "/" + (useSmoothed ? CheckpointStore.smoothedFile : "model.safetensors") }
    }

    /// The element-wise mean of the weight files at `paths`, tensors sorted by name.
    public static func average(_ paths: [String]) throws -> [(name: String, tensor: Tensor)] {
        guard !paths.isEmpty else { throw BundleError(path: "", problem: "no weight files to average") }
        var sums: [String: [Double]] = [:], shapes: [String: [Int]] = [:]
        var firstPath = ""
        for path in paths.sorted() {
            let tensors: [String: Tensor]
            do { tensors = try SafeTensors.read(path).tensors } catch let error as SafeTensors.Error {
                throw BundleError(path: path, problem: error.problem)
            }
            if shapes.isEmpty {
                firstPath = path
                for (name, tensor) in tensors { shapes[name] = tensor.shape; sums[name] = tensor.scalars.map(Double.init) }
                continue
            }
            if let missing = Set(shapes.keys).symmetricDifference(tensors.keys).sorted().first {
                throw BundleError(path: path, problem: "tensor \"\(missing)\" is in one of \(firstPath) and this file but not the other",
                                  hint: "average checkpoints of one model, or models trained with the same settings")
            }
            for (name, tensor) in tensors {
                guard tensor.shape == shapes[name] else {
                    throw BundleError(path: path, problem: "tensor \"\(name)\" has shape \(tensor.shape), \(firstPath) has \(shapes[name]!)",
                                      hint: "average checkpoints of one model, or models trained with the same settings")
                }
                sums[name]!.withUnsafeMutableBufferPointer { sum in
                    for (k, value) in tensor.scalars.enumerated() { sum[k] += Double(value) }
                }
            }
        }
        let n = Double(paths.count)
        return shapes.keys.sorted().map { name in
            (name, Tensor(shape: shapes[name]!, scalars: sums[name]!.map { Float($0 / n) }))
        }
    }

    /// The settings of a model directory that must agree for its weights to be averaged with another's:
    /// config.json less `training` and `trainer` (how and how long it was trained).
    public static func settings(of directory: String) throws -> [String: Any] {
        let path = ModelBundle(directory: directory).configPath
        guard let data = FileManager.default.contents(atPath: path),
              var config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw BundleError(path: path, problem: "cannot read it as a model's config.json")
        }
        config["training"] = nil
        config["trainer"] = nil
        return config
    }

    /// Writes a model directory at `output`: the settings and vocabulary files of `source` (not its
    /// weights, checkpoints, metrics or lock) and `weights` as model.safetensors. An `output` that holds a
    /// model is refused unless `overwrite`.
    public static func writeBundle(from source: String, weights: [(name: String, tensor: Tensor)], averaged: [String],
                                   to output: String, overwrite: Bool) throws {
        let fm = FileManager.default
        let from = URL(fileURLWithPath: source).standardizedFileURL.path, to = URL(fileURLWithPath: output).standardizedFileURL.path
        guard from != to else { throw BundleError(path: output, problem: "is the model directory the weights come from", hint: "write the average into a new directory") }
        let bundle = ModelBundle(directory: output)
        if fm.fileExists(atPath: bundle.weightsPath) && !overwrite {
            throw BundleError(path: output, problem: "holds a model (model.safetensors)", hint: "pass --overwrite to replace it, or write into another directory")
        }
        try bundle.create()
        let skipped: Set<String> = ["model.safetensors", "checkpoints", MetricsLog.fileName, TrainingDirectory.lockFile]
        for item in try fm.contentsOfDirectory(atPath: source) where !skipped.contains(item) {
            let target = output + "/" + item
            if fm.fileExists(atPath: target) { try fm.removeItem(atPath: target) }
            try fm.copyItem(atPath: source + "/" + item, toPath: target)
        }
        try SafeTensors.write(weights, metadata: ["averaged": averaged.joined(separator: ",")], to: bundle.weightsPath)
    }
}
