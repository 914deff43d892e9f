// Classifier: train a tiny sentence classifier on a few labelled lines (or the airline tweets), then
// label new lines with probabilities and score labelled ones.
import Foundation
import S2STasks

func classifyText(directory: String, corpus: (train: String, valid: String)?) throws {
    let (train, valid) = try corpus ?? writeLabelledLines(in: directory)
    var options = ClassificationTrainingOptions()
    options.minCount = 1
    options.model = .init(vocabularySize: 0, classes: 0, embeddingSize: 16, hiddenSize: 16, dropout: 0)
    options.batchSize = 8
    options.learningRateDecay = 1                 // a constant learning rate
    options.trainer.epochs = corpus == nil ? 20 : 1
    options.trainer.patience = nil                // no early stopping
    options.trainer.metric = "loss"               // keep the weights with the lowest validation loss
    options.trainer.higherIsBetter = false
    var job = ClassificationTrainingJob(train: train, valid: valid, modelDirectory: directory + "/model", options: options)
    job.mode = .overwrite
    let result = try job.run()
    print("labels \(result.labels); validation accuracy \(String(format: "%.2f", result.validation.accuracy))")

    // Classify: the most probable label and one probability per label (an empty line gets no label).
    let classifier = try Classifier(contentsOf: directory + "/model")
    for line in ["thanks , great crew", "my flight was delayed and my bag lost", ""] {
        let result = try classifier.classify(line)
        let probabilities = zip(classifier.labels, result.probabilities).map { "\($0) \(String(format: "%.2f", $1))" }
        print("\"\(line)\" → \(result.label ?? "no label") [\(probabilities.joined(separator: ", "))]")
    }
    // Score labelled lines: accuracy, macro-F1, confusion matrix.
    let report = try classifier.evaluate(ClassificationData.read(path: valid).examples)
    print(String(format: "validation file: accuracy %.2f, macro-F1 %.2f", report.accuracy, report.macroF1))
}

/// Writes a few `label<TAB>text` lines (fastText's `__label__x text` works too) for training and validation.
func writeLabelledLines(in directory: String) throws -> (train: String, valid: String) {
    let examples = ["positive\tgreat flight , friendly crew", "positive\tthanks for the quick help",
                    "positive\tlove the new seats", "positive\tgreat service , thanks",
                    "negative\tdelayed again , terrible service", "negative\tlost my bag , no help",
                    "negative\tcancelled flight and rude staff", "negative\tterrible delay , never again"]
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let path = directory + "/labelled.tsv"
    try Array(repeating: examples.joined(separator: "\n"), count: 4).joined(separator: "\n")
        .write(toFile: path, atomically: true, encoding: .utf8)
    return (path, path)
}
