import ArgumentParser
import Foundation
import S2STraining

/// `s2s average`: the mean of several weight files of one model as a new model directory — the last
/// checkpoints of a run (one -m), or the models of runs with the same settings (several -m).
struct AverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average the weights of a run's last checkpoints (or of several models) into a new model directory.",
        discussion: """
            With one -m: the last --last checkpoints of that run (their smoothed weights when the run kept \
            them, unless --raw). With several -m: their model.safetensors; their settings (config.json less the \
            training record, text pipelines included) must agree. The result does not depend on the order \
            of the inputs, decodes like any model and costs nothing extra at inference. \
            Examples:
              s2s average -m Models/en-de --last 2 --output Models/en-de-avg
              s2s average -m Models/en-de-seed1 -m Models/en-de-seed2 --output Models/en-de-mean
            """)

    @OptionGroup var runOptions: RunOptions

    @Option(name: [.customShort("m"), .customLong("model")], help: "A model directory (repeat to average several models).")
    var models: [String] = []

    @Option(help: "With one -m: how many of its newest checkpoints to average.")
    var last = 2

    @Flag(help: "Average the checkpoints' raw weights even when they hold smoothed ones.")
    var raw = false

    @Option(help: "The new model directory.")
    var output: String

    @Flag(help: "Replace a model already in --output.")
    var overwrite = false

    func validate() throws {
        guard !models.isEmpty else { throw ValidationError("give a model directory with -m (several to average models)") }
        guard last >= 1 else { throw ValidationError("--last must be at least 1") }
    }

    func run() throws {
        let files: [String]
        if models.count == 1 {
            files = try WeightAverage.lastCheckpoints(last, of: models[0], smoothed: !raw)
        } else {
            let first = try WeightAverage.settings(of: models[0])
            for model in models.dropFirst() where !NSDictionary(dictionary: try WeightAverage.settings(of: model)).isEqual(to: first) {
                throw BundleError(path: model, problem: "its settings (config.json) differ from \(models[0])'s",
                                  hint: "average models trained with the same model and text settings")
            }
            files = models.map { ModelBundle(directory: $0).weightsPath }
        }
        let weights = try WeightAverage.average(files)
        try WeightAverage.writeBundle(from: models[0], weights: weights, averaged: files, to: output, overwrite: overwrite)
        print("averaged \(files.count) weight files into \(output):")
        for file in files { print("  \(file)") }
    }
}
