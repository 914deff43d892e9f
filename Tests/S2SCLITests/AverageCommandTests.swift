import Foundation
import Testing
import S2SCore
import S2STasks
import S2STraining
@testable import S2SCLI
import S2STestSupport

/// `s2s average` on a real (tiny) run: the average of its one checkpoint is the model it saved, as a new
/// directory that loads and translates the same; two models with different settings are refused.
@Suite struct AverageCommandTests {
    @Test func averageOfTheLastCheckpointIsTheSavedModel() throws {
        let directory = TemporaryDirectory("average-command")
        defer { directory.remove() }
        try TinyTranslator.train(into: directory, steps: 30)
        let model = directory.file("model"), output = directory.file("average")
        try AverageCommand.parse(["-m", model, "--last", "1", "--output", output]).run()
        let original = try SafeTensors.read(model + "/model.safetensors").tensors
        let averaged = try SafeTensors.read(output + "/model.safetensors").tensors
        #expect(Set(original.keys) == Set(averaged.keys))
        for (name, tensor) in original { #expect(averaged[name]?.scalars == tensor.scalars, "\(name)") }
        let source = TinyTranslator.pair("4711").source
        #expect(try Translator(contentsOf: output).translate(source) == (try Translator(contentsOf: model).translate(source)))
        // Asked for more checkpoints than the run kept, or into a directory with a model: refused.
        #expect(throws: BundleError.self) { try AverageCommand.parse(["-m", model, "--last", "9", "--output", directory.file("x")]).run() }
        #expect(throws: BundleError.self) { try AverageCommand.parse(["-m", model, "--last", "1", "--output", output]).run() }
    }

    @Test func modelsWithDifferentSettingsAreRefused() throws {
        let directory = TemporaryDirectory("average-settings")
        defer { directory.remove() }
        for (name, hidden) in [("a", 8), ("b", 16)] {
            let path = directory.file(name)
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try #"{"kind":"translator","model":{"encoderHiddenSize":\#(hidden)}}"#.write(toFile: path + "/config.json", atomically: true, encoding: .utf8)
        }
        do {
            try AverageCommand.parse(["-m", directory.file("a"), "-m", directory.file("b"), "--output", directory.file("c")]).run()
            Issue.record("averaged models with different settings")
        } catch let error as BundleError {
            #expect(error.problem.contains("settings (config.json) differ"))
        }
    }
}
