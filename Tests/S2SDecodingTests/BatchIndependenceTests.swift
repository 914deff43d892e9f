import Testing
import S2SCore
@testable import S2SDecoding

/// A sentence decoded alone, or among 31 others in any order, must come out bit for bit the same:
/// tokens, scores and attention (trimmed to its own source length).
@Test(arguments: [1, 4])
func decodingDoesNotDependOnTheBatch(beamSize: Int) {
    let count = 32
    var rng = Generator(seed: 99)
    let sourceLengths = (0..<count).map { _ in 1 + rng.integer(below: 12) }
    let maxLengths = sourceLengths.map { 2 * $0 + 1 }
    let model = ToyModel.random(vocabularySize: 50, seed: 13, sourceLengths: sourceLengths)
    let search = BeamSearch(beamSize: beamSize, nBest: beamSize, lengthPenalty: .wu(alpha: 0.6), blockNgramRepeat: 3)

    var order = Array(0..<count)
    rng.shuffle(&order)
    let batch = search.decode(model, initialState: model.initialState(order),
                              maxLengths: order.map { maxLengths[$0] }, sourceLengths: order.map { sourceLengths[$0] })
    let greedyBatch = search.greedy(model, initialState: model.initialState(order),
                                    maxLengths: order.map { maxLengths[$0] }, sourceLengths: order.map { sourceLengths[$0] })
    for (position, sentence) in order.enumerated() {
        let alone = search.decode(model, initialState: model.initialState([sentence]),
                                  maxLengths: [maxLengths[sentence]], sourceLengths: [sourceLengths[sentence]])[0]
        #expect(batch[position] == alone, "sentence \(sentence) differs in the batch")
        #expect(alone[0].attention?.shape == [alone[0].tokens.count, sourceLengths[sentence]])
        let greedyAlone = search.greedy(model, initialState: model.initialState([sentence]),
                                        maxLengths: [maxLengths[sentence]], sourceLengths: [sourceLengths[sentence]])[0]
        #expect(greedyBatch[position] == greedyAlone)
    }
}
