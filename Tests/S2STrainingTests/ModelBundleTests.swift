import Testing
import Foundation
import S2SCore
@testable import S2STraining
import S2STestSupport

@Suite struct ModelBundleTests {
    struct Config: Codable { var format = ModelBundle.format; var formatVersion = ModelBundle.formatVersion; var kind = "toy"; var hidden = 8 }

    func bundle(in directory: TemporaryDirectory) throws -> ModelBundle {
        let b = ModelBundle(directory: directory.path)
        try b.create()
        return b
    }

    @Test func wrongShapeMissingAndExtraTensorsAreExplained() throws {
        let directory = TemporaryDirectory("bundle")
        defer { directory.remove() }
        let b = try bundle(in: directory)
        let model = ToyModel(seed: 1)
        try b.writeWeights(model.parameters)
        try b.readWeights(into: ToyModel(seed: 2).parameters)  // same architecture: fine

        let wrong = [("hidden.weight", Variable(Tensor(zeros: [9, 4])))] + Array(model.parameters.dropFirst())
        #expect { try b.readWeights(into: wrong) } throws: { error in
            "\(error)".contains("\"hidden.weight\" has shape [8, 4], the model needs [9, 4]") && "\(error)".contains("hint")
        }
        #expect { try b.readWeights(into: Array(model.parameters.dropLast())) } throws: { "\($0)".contains("unexpected tensor") }
        #expect { try b.readWeights(into: model.parameters + [("extra", Variable(Tensor(zeros: [1])))]) } throws: {
            "\($0)".contains("\"extra\" is missing")
        }
    }

    @Test func truncatedWeightsAreAClearError() throws {
        let directory = TemporaryDirectory("bundle")
        defer { directory.remove() }
        let b = try bundle(in: directory)
        let model = ToyModel(seed: 1)
        try b.writeWeights(model.parameters)
        let bytes = try AtomicFile.read(b.weightsPath)
        try AtomicFile.write(Array(bytes.prefix(bytes.count / 2)), to: b.weightsPath)
        #expect { try b.readWeights(into: model.parameters) } throws: { error in
            "\(error)".contains("model.safetensors") && "\(error)".contains("truncated")
        }
    }

    @Test func configChecksFormatVersionAndKind() throws {
        let directory = TemporaryDirectory("bundle")
        defer { directory.remove() }
        let b = try bundle(in: directory)
        try b.writeConfig(Config())
        #expect(try b.readConfig(Config.self, kind: "toy").hidden == 8)
        #expect { try b.readConfig(Config.self, kind: "translator") } throws: { "\($0)".contains("this is a toy model") }
        try b.writeConfig(Config(formatVersion: ModelBundle.formatVersion + 1))
        #expect { try b.readConfig(Config.self, kind: "toy") } throws: { "\($0)".contains("newer than this s2s reads") }
        #expect { try ModelBundle(directory: "/nonexistent").readConfig(Config.self, kind: "toy") } throws: {
            "\($0)".contains("not an s2s model directory")
        }
    }
}
