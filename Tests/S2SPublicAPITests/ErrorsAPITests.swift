// The errors a program can catch by type: a directory that holds no model (or another kind of model)
// is a `BundleError` naming it, and so is a training run into a directory another run is using or
// that holds a trained model (unless the run overwrites it).
import Foundation
import Testing
import S2STasks
import S2STraining
import S2STestSupport

@Suite struct ErrorsAPITests {
    @Test func loadingADirectoryWithoutAModelNamesIt() throws {
        let directory = TemporaryDirectory("api-no-model")
        defer { directory.remove() }
        let missing = directory.file("missing")
        let loads: [(String, (String) throws -> Void)] = [
            ("translator", { _ = try Translator(contentsOf: $0) }),
            ("generator", { _ = try TextGenerator(contentsOf: $0) }),
            ("classifier", { _ = try Classifier(contentsOf: $0) }),
            ("translator by URL", { _ = try Translator(contentsOf: URL(fileURLWithPath: $0)) }),
        ]
        for (name, load) in loads {
            for path in [directory.path, missing] {
                let error = #expect(throws: BundleError.self, "\(name): \(path)") { try load(path) }
                #expect(error?.path == path)
                #expect(error.map { "\($0)".contains(path) } == true)
            }
        }
    }

    @Test func loadingAnotherKindOfModelSaysWhichKindItIs() throws {
        let directory = TemporaryDirectory("api-kind")
        defer { directory.remove() }
        let file = TinyClassifier.writeExamples(into: directory)
        let model = directory.file("model")
        try ClassificationTrainingJob(train: file, valid: file, modelDirectory: model, options: TinyClassifier.options(steps: 1)).run()
        _ = try Classifier(contentsOf: model)
        let error = #expect(throws: BundleError.self) { try Translator(contentsOf: model) }
        #expect(error?.path == model + "/config.json")
        #expect(error?.problem.contains("classifier model") == true)
    }

    @Test func aSecondRunIntoADirectoryInUseThrows() throws {
        let directory = TemporaryDirectory("api-in-use")
        defer { directory.remove() }
        let file = TinyClassifier.writeExamples(into: directory)
        let job = ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"),
                                            options: TinyClassifier.options(steps: 2))
        // While the first run trains (its progress handler runs on its thread), a second one starts.
        let secondRun = Locked<(any Error)?>(nil)
        try job.run { event in
            guard case .step(let progress) = event, progress.step == 1 else { return }
            do { try job.run() } catch { secondRun.update { $0 = error } }
        }
        let error = try #require(secondRun.value as? BundleError, "\(String(describing: secondRun.value))")
        #expect(error.path == directory.file("model"))
        #expect(error.problem.contains("another training run"))
    }

    @Test func aNewRunRefusesATrainedDirectoryUnlessItOverwrites() throws {
        let directory = TemporaryDirectory("api-trained")
        defer { directory.remove() }
        let file = TinyClassifier.writeExamples(into: directory)
        var job = ClassificationTrainingJob(train: file, valid: file, modelDirectory: directory.file("model"),
                                            options: TinyClassifier.options(steps: 1))
        try job.run()
        let error = #expect(throws: BundleError.self) { try job.run() }
        #expect(error?.path == directory.file("model"))
        #expect(error?.problem.contains("a trained model") == true)
        job.mode = .overwrite
        #expect(try job.run().bestStep == 1)
    }
}
