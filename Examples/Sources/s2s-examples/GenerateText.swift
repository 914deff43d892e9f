// Language model: train a tiny character-level LSTM on a few lines (or on tiny Shakespeare), then write
// text after a prompt, piece by piece — through a callback, and as an AsyncSequence.
import Foundation
import S2STasks

func generateText(directory: String, corpus: String?) async throws {
    let text = try corpus ?? writeRhymes(in: directory)
    var options = LanguageModelTrainingOptions()  // characters by default
    options.model = .init(vocabularySize: 0, embeddingSize: 32, hiddenSize: 128, layers: 1, dropout: 0)
    options.batchSize = 8                         // streams
    options.bptt = 32
    options.trainer.epochs = nil
    options.trainer.maxSteps = 300
    options.trainer.validateEvery = 100
    var job = LanguageModelTrainingJob(train: text, valid: text, modelDirectory: directory + "/model", options: options)
    job.mode = .overwrite
    let result = try job.run()
    print("trained \(result.steps) steps; validation loss \(String(format: "%.3f", result.bestValidationLoss ?? .nan)) nats/char")

    let generator = try TextGenerator(contentsOf: directory + "/model")
    var generation = GenerationOptions()
    generation.maxTokens = 80
    generation.temperature = 0.5
    let prompt = corpus == nil ? "twinkle" : "ROMEO:"
    // Each piece is handed over as soon as it is made: the prompt first, then the new text.
    print("-- callback:")
    try generator.generate(prompt: prompt, options: generation) { piece in print(piece, terminator: "") }
    // The same pieces as an AsyncSequence, made on a background thread (the same seed: the same text).
    print("-- AsyncSequence:")
    for try await piece in generator.pieces(prompt: prompt, options: generation) { print(piece, terminator: "") }
}

/// Writes a nursery rhyme, twenty times over, as the training (and validation) text.
func writeRhymes(in directory: String) throws -> String {
    let rhyme = "twinkle twinkle little star\nhow i wonder what you are\nup above the world so high\nlike a diamond in the sky\n"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/rhymes.txt"
    try String(repeating: rhyme, count: 20).write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
