import Testing
import S2SCore
import S2SNN

@Suite struct EmbeddingLayerTests {
    @Test func initialisesLikeTorchAndKeepsPaddingZero() {
        var rng = Generator(seed: 1)
        let embedding = Embedding(vocabularySize: 50, dimension: 40, rng: &rng)
        #expect(embedding.namedParameters.map(\.name) == ["weight"] && embedding.weight.shape == [50, 40])
        let table = embedding.weight.value
        #expect((0..<40).allSatisfy { table[0, $0] == 0 })
        let rest = table.scalars.dropFirst(40)
        let mean = rest.reduce(0, +) / Float(rest.count)
        let variance = rest.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(rest.count)
        #expect(abs(mean) < 0.1 && abs(variance - 1) < 0.1, "N(0, 1): mean \(mean), variance \(variance)")

        let tape = Tape()
        let x = embedding(ids: [0, 3, 3, 7], shape: [2, 2], tape: tape)
        #expect(x.shape == [2, 2, 40])
        tape.backward(from: x)
        #expect((0..<40).allSatisfy { embedding.weight.grad![0, $0] == 0 && embedding.weight.grad![3, $0] == 2 })
    }
}

/// Dropout as the layers apply it (`Tape.dropout`): the input itself on an inference tape.
@Suite struct DropoutLayerTests {
    @Test func dropsOnlyWhenTraining() {
        let x = Variable(Tensor(repeating: 1, shape: [1000]))
        #expect(Tape(recording: false).dropout(x, probability: 0.5) === x)
        let y = Tape(training: true, rng: Generator(seed: 3)).dropout(x, probability: 0.5).value
        let zeros = y.scalars.filter { $0 == 0 }.count
        #expect(zeros > 430 && zeros < 570, "\(zeros) zeros of 1000")
    }
}
