// The recurrent network's shape, spelled the same in every train command. Every option is optional:
// unset ones keep the task's default (its training options' `model`; the commands' descriptions list them).
import ArgumentParser
import S2SCore
import S2SModels

struct RecurrentShapeOptions: ParsableArguments {
    @Option(help: "Recurrent cell: lstm (the default), gru, rnn (tanh) or rnn-relu.")
    var cell: RecurrentCell?
    @Option(help: "Stacked recurrent layers (in the translator's encoder and decoder each).")
    var layers: Int?
    @Option(help: "Token embedding size (the translator's source and target embeddings).")
    var embeddingSize: Int?
    @Option(help: "Recurrent units per layer and direction (the translator's decoder has twice its encoder's).")
    var hiddenSize: Int?
    @Option(help: "Dropout probability (on embeddings, between layers and before the output).")
    var dropout: Float?

    func validate() throws {
        for (name, value) in [("layers", layers), ("embedding-size", embeddingSize), ("hidden-size", hiddenSize)] {
            if let value, value < 1 { throw ValidationError("--\(name) must be at least 1") }
        }
        if let dropout, !(0..<1).contains(dropout) { throw ValidationError("--dropout must be in [0, 1)") }
    }

    func apply(to config: inout TranslationConfig) {
        if let cell { config.cell = cell }
        if let layers { config.layers = layers }
        if let embeddingSize { config.sourceEmbeddingSize = embeddingSize; config.targetEmbeddingSize = embeddingSize }
        if let hiddenSize { config.encoderHiddenSize = hiddenSize }
        if let dropout { config.dropout = dropout }
    }

    /// The language model's or the classifier's shape with every option given applied.
    func apply<Config: RecurrentShape>(to config: inout Config) {
        if let cell { config.cell = cell }
        if let layers { config.layers = layers }
        if let embeddingSize { config.embeddingSize = embeddingSize }
        if let hiddenSize { config.hiddenSize = hiddenSize }
        if let dropout { config.dropout = dropout }
    }
}

extension RecurrentCell: ExpressibleByArgument {}
