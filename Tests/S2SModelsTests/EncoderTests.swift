import Testing
import S2SCore
import S2SNN
@testable import S2SModels

@Suite struct EncoderTests {
    @Test func timeMajorLayout() {
        let (ids, lengths, steps) = timeMajor([[5, 6, 7], [8]])
        #expect(ids == [5, 8, 6, 0, 7, 0] && lengths == [3, 1] && steps == 3)
    }

    @Test func shapesNamesAndPaddingIndependence() {
        var rng = Generator(seed: 1)
        let encoder = Encoder(vocabularySize: 20, embeddingSize: 6, hiddenSize: 5, layers: 2, bidirectional: true,
                              dropout: 0.1, rng: &rng)
        #expect(encoder.namedParameters.first?.name == "embedding.weight")
        #expect(encoder.namedParameters.contains { $0.name == "rnn.weight_hh_l1_reverse" })
        let tape = Tape(recording: false)
        let (ids, lengths, T) = timeMajor([[3, 4, 5], [6, 7]])
        let (outputs, h, _) = encoder(ids: ids, lengths: lengths, tape: tape)
        #expect(outputs.shape == [T, 2, 10] && h.shape == [4, 2, 5])
        // Sequence 1 alone gives the same final state as in the padded batch.
        let alone = encoder(ids: [6, 7], lengths: [2], tape: tape)
        for k in 0..<5 { #expect(abs(alone.h.value[3, 0, k] - h.value[3, 1, k]) < 1e-6) }
    }
}
