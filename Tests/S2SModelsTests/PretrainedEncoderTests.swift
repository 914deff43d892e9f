// A classifier started from a language model (ULMFiT-style): the shape it takes, the weights it copies
// (the forward direction of a bidirectional encoder; nothing else), and what it refuses.
import Testing
import S2SCore
@testable import S2SModels

@Suite struct PretrainedEncoderTests {
    func languageModel(layers: Int, cell: RecurrentCell = .lstm) -> LanguageModel {
        var rng = Generator(seed: 7)
        return LanguageModel(config: LanguageModelConfig(vocabularySize: 20, cell: cell, embeddingSize: 6, hiddenSize: 5,
                                                         layers: layers, dropout: 0), rng: &rng)
    }

    func values(_ model: ClassificationModel) -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.variable.value) })
    }

    @Test(arguments: [RecurrentCell.lstm, .gru])
    func aBidirectionalClassifierTakesTheForwardDirection(cell: RecurrentCell) throws {
        let lm = languageModel(layers: 1, cell: cell)
        let config = try ClassificationModel.config(ClassificationConfig(vocabularySize: 5, classes: 3, hiddenSize: 9, dropout: 0.3),
                                                    startingFrom: lm.config)
        #expect(config == ClassificationConfig(vocabularySize: 20, classes: 3, cell: cell, embeddingSize: 6, hiddenSize: 5, layers: 1,
                                           bidirectional: true, dropout: 0.3))
        var rng = Generator(seed: 1)
        let model = ClassificationModel(config: config, rng: &rng)
        let fresh = values(model)
        let copied = try model.startEncoder(from: lm)
        #expect(copied == lm.encoder.namedParameters.map(\.name))
        #expect(copied.contains("rnn.weight_hh_l0") && copied.contains("embedding.weight"))
        let after = values(model)
        for (name, variable) in lm.encoder.namedParameters { #expect(after["encoder." + name] == variable.value, "\(name)") }
        // Everything else keeps its initialisation: the reverse direction, the pooling scorer, the output layer.
        let untouched = fresh.keys.filter { name in !copied.contains { "encoder." + $0 == name } }
        #expect(untouched.contains("encoder.rnn.weight_ih_l0_reverse") && untouched.contains("output.weight"))
        for name in untouched { #expect(after[name] == fresh[name], "\(name)") }
        #expect(after["encoder.rnn.weight_ih_l0_reverse"] != after["encoder.rnn.weight_ih_l0"])
    }

    @Test func aTwoLayerLanguageModelStartsAOneDirectionClassifier() throws {
        let lm = languageModel(layers: 2)
        #expect(throws: PretrainedEncoderError.self) {
            try ClassificationModel.config(ClassificationConfig(vocabularySize: 5, classes: 2), startingFrom: lm.config)
        }
        let config = try ClassificationModel.config(ClassificationConfig(vocabularySize: 5, classes: 2, bidirectional: false),
                                                    startingFrom: lm.config)
        #expect(config.layers == 2)
        var rng = Generator(seed: 1)
        let model = ClassificationModel(config: config, rng: &rng)
        #expect(try model.startEncoder(from: lm).count == lm.encoder.namedParameters.count)
        let after = values(model)
        for (name, variable) in lm.encoder.namedParameters { #expect(after["encoder." + name] == variable.value, "\(name)") }
    }

    @Test func anotherShapeIsRefusedNamingTheParameter() {
        var rng = Generator(seed: 1)
        let model = ClassificationModel(config: ClassificationConfig(vocabularySize: 20, classes: 2, embeddingSize: 6, hiddenSize: 4), rng: &rng)
        let before = values(model)
        do {
            try model.startEncoder(from: languageModel(layers: 1))
            Issue.record("a hidden size of 4 took a language model of 5")
        } catch {
            #expect(error.name == "rnn.weight_ih_l0")
            #expect(error.description == "encoder parameter rnn.weight_ih_l0: shape [20, 6] in the language model, [16, 6] in the classifier")
        }
        #expect(values(model) == before)   // not even the embedding, whose shape matched
    }
}
