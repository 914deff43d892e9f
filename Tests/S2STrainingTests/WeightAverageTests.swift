import Foundation
import Testing
import S2SCore
@testable import S2STraining
import S2STestSupport

/// Checkpoint averaging: the element-wise mean, independent of the inputs' order; different names,
/// shapes or settings refused; the new directory carries the source's settings and never overwrites a
/// model unasked.
@Suite struct WeightAverageTests {
    /// A model directory with `config.json`, a vocabulary file and weights `a` [2, 3] and `b` [2].
    func bundle(_ directory: TemporaryDirectory, _ name: String, a: [Float], b: [Float], hidden: Int = 3,
                training: String = "seed 1") throws -> String {
        let path = directory.file(name)
        try FileManager.default.createDirectory(atPath: path + "/source", withIntermediateDirectories: true)
        try #"{"format":"s2s-model","formatVersion":1,"kind":"translator","model":{"hidden":\#(hidden)},"training":{"note":"\#(training)"}}"#
            .write(toFile: path + "/config.json", atomically: true, encoding: .utf8)
        try "a\t3\n".write(toFile: path + "/source/vocab.txt", atomically: true, encoding: .utf8)
        try SafeTensors.write([("a", Tensor(shape: [2, hidden], scalars: a)), ("b", Tensor(shape: [2], scalars: b))],
                              to: path + "/model.safetensors")
        return path
    }

    @Test func meanIndependentOfOrder() throws {
        let directory = TemporaryDirectory("average")
        defer { directory.remove() }
        let x = try bundle(directory, "x", a: [1, 2, 3, 4, 5, 6], b: [0.1, 0.2])
        let y = try bundle(directory, "y", a: [3, 2, 1, 0, -1, -2], b: [0.3, 0.7], training: "seed 2")
        let z = try bundle(directory, "z", a: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6], b: [1e-7, 3])
        let files = [x, y, z].map { $0 + "/model.safetensors" }
        let mean = try WeightAverage.average(files)
        #expect(mean.map(\.name) == ["a", "b"])
        let expectedA = zip(zip([1.0, 2, 3, 4, 5, 6], [3.0, 2, 1, 0, -1, -2]), [Float(0.1), 0.2, 0.3, 0.4, 0.5, 0.6])
            .map { Float(($0.0 + $0.1 + Double($1)) / 3) }
        #expect(mean[0].tensor.scalars == expectedA)
        let expectedB = [(Double(Float(0.1)) + Double(Float(0.3)) + Double(Float(1e-7))) / 3, (Double(Float(0.2)) + Double(Float(0.7)) + 3) / 3]
        #expect(mean[1].tensor.scalars == expectedB.map { Float($0) })
        for order in [[2, 0, 1], [1, 2, 0], [0, 2, 1]] {
            let other = try WeightAverage.average(order.map { files[$0] })
            #expect(other.map(\.tensor.scalars) == mean.map(\.tensor.scalars))
        }
        // Settings agree once the training record is set aside.
        #expect(NSDictionary(dictionary: try WeightAverage.settings(of: x)).isEqual(to: try WeightAverage.settings(of: y)))
    }

    @Test func differentModelsAreRefused() throws {
        let directory = TemporaryDirectory("average-refused")
        defer { directory.remove() }
        let x = try bundle(directory, "x", a: [Float](repeating: 1, count: 6), b: [1, 1])
        let wide = try bundle(directory, "wide", a: [Float](repeating: 1, count: 8), b: [1, 1], hidden: 4)
        #expect(throws: BundleError.self) { try WeightAverage.average([x, wide].map { $0 + "/model.safetensors" }) }
        do {
            _ = try WeightAverage.average([x, wide].map { $0 + "/model.safetensors" })
        } catch let error as BundleError {
            #expect(error.problem.contains("tensor \"a\" has shape [2, 3]") && error.problem.contains("has [2, 4]"))
        }
        #expect(!NSDictionary(dictionary: try WeightAverage.settings(of: x)).isEqual(to: try WeightAverage.settings(of: wide)))
        let renamed = directory.file("renamed.safetensors")
        try SafeTensors.write([("a", Tensor(shape: [2, 3], scalars: [Float](repeating: 0, count: 6))), ("c", Tensor(shape: [2], scalars: [0, 0]))], to: renamed)
        #expect(throws: BundleError.self) { try WeightAverage.average([x + "/model.safetensors", renamed]) }
    }

    @Test func newDirectoryCarriesTheSettingsAndNeverOverwritesUnasked() throws {
        let directory = TemporaryDirectory("average-write")
        defer { directory.remove() }
        let x = try bundle(directory, "x", a: [Float](repeating: 2, count: 6), b: [1, 1])
        try FileManager.default.createDirectory(atPath: x + "/checkpoints/step-00000010", withIntermediateDirectories: true)
        try "{}".write(toFile: x + "/metrics.jsonl", atomically: true, encoding: .utf8)
        let weights = try WeightAverage.average([x + "/model.safetensors"])
        let output = directory.file("avg")
        try WeightAverage.writeBundle(from: x, weights: weights, averaged: ["x"], to: output, overwrite: false)
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: output + "/config.json") && fm.fileExists(atPath: output + "/source/vocab.txt"))
        #expect(!fm.fileExists(atPath: output + "/checkpoints") && !fm.fileExists(atPath: output + "/metrics.jsonl"))
        #expect(try SafeTensors.read(output + "/model.safetensors").tensors["a"]?.scalars == [Float](repeating: 2, count: 6))
        #expect(throws: BundleError.self) { try WeightAverage.writeBundle(from: x, weights: weights, averaged: [], to: output, overwrite: false) }
        try WeightAverage.writeBundle(from: x, weights: weights, averaged: [], to: output, overwrite: true)
        #expect(throws: BundleError.self) { try WeightAverage.writeBundle(from: x, weights: weights, averaged: [], to: x, overwrite: true) }
    }

    @Test func lastCheckpointsPreferSmoothedWeights() throws {
        let directory = TemporaryDirectory("average-last")
        defer { directory.remove() }
        let x = try bundle(directory, "x", a: [Float](repeating: 0, count: 6), b: [0, 0])
        for step in ["step-00000010", "step-00000020", "step-00000030"] {
            let path = x + "/checkpoints/" + step
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            for file in ["model.safetensors", "smoothed.safetensors"] { try "".write(toFile: path + "/" + file, atomically: true, encoding: .utf8) }
        }
        let files = try WeightAverage.lastCheckpoints(2, of: x)
        #expect(files.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent } == ["step-00000020", "step-00000030"])
        #expect(files.allSatisfy { $0.hasSuffix("/smoothed.safetensors") })
        #expect(try WeightAverage.lastCheckpoints(2, of: x, smoothed: false).allSatisfy { $0.hasSuffix("/model.safetensors") })
        #expect(throws: BundleError.self) { try WeightAverage.lastCheckpoints(4, of: x) }
    }
}
