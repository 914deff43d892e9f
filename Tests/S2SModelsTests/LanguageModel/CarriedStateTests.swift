import Testing
import S2SCore
@testable import S2SModels

@Suite struct CarriedStateTests {
    func tensor(_ shape: [Int], start: Float) -> Tensor {
        Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { start + Float($0) })
    }

    @Test func rowsAreReadAndWrittenInPlace() throws {
        let state = CarriedState(layers: 2, streams: 4, hidden: 3, cellState: true)
        let h = tensor([2, 2, 3], start: 1), c = tensor([2, 2, 3], start: 100)
        state.write(rows: 1..<3, h: h, c: c)
        let (readH, readC) = state.read(rows: 1..<3)
        #expect(readH == h && readC == c)
        #expect(state.read(rows: 0..<1).h.scalars.allSatisfy { $0 == 0 })
        // Layer 1 of stream 2 sits at [1, 2, :] of the whole state.
        let whole = state.tensors[0].tensor
        #expect(whole.shape == [2, 4, 3] && whole[1, 2, 0] == h[1, 1, 0])
    }

    @Test func nonFiniteRowsRestartFromZero() {
        let state = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: true)
        var h = tensor([1, 2, 2], start: 1)
        h[0, 1, 1] = .nan
        state.write(rows: 0..<2, h: h, c: tensor([1, 2, 2], start: 5))
        let (readH, readC) = state.read(rows: 0..<2)
        #expect(readH.scalars == [1, 2, 0, 0] && readC?.scalars == [5, 6, 0, 0])
    }

    @Test func checkpointRoundTripAndErrors() throws {
        let state = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: true)
        state.write(rows: 0..<2, h: tensor([1, 2, 2], start: 1), c: tensor([1, 2, 2], start: 9))
        let saved = Dictionary(uniqueKeysWithValues: state.tensors.map { ($0.name, $0.tensor) })
        let restored = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: true)
        try restored.load(saved)
        #expect(restored.read(rows: 0..<2).c == state.read(rows: 0..<2).c)
        #expect(throws: LanguageModelError.self) { try restored.load([:]) }
        #expect(throws: LanguageModelError.self) { try CarriedState(layers: 1, streams: 3, hidden: 2, cellState: true).load(saved) }
        restored.reset()
        #expect(restored.read(rows: 0..<2).h.scalars.allSatisfy { $0 == 0 })
    }

    /// A GRU or RNN carries h alone: no c is read, written or checkpointed, and a checkpoint of an
    /// LSTM run (with carried.c) still restores h.
    @Test func withoutACellStateOnlyHIsCarried() throws {
        let state = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: false)
        state.write(rows: 0..<2, h: tensor([1, 2, 2], start: 1), c: nil)
        #expect(state.read(rows: 0..<2).c == nil && state.read(rows: 0..<2).h.scalars == [1, 2, 3, 4])
        #expect(state.tensors.map(\.name) == ["carried.h"])
        let restored = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: false)
        try restored.load(Dictionary(uniqueKeysWithValues: state.tensors.map { ($0.name, $0.tensor) }))
        #expect(restored.read(rows: 0..<2).h == state.read(rows: 0..<2).h)
        let lstm = CarriedState(layers: 1, streams: 2, hidden: 2, cellState: true)
        #expect(throws: LanguageModelError.self) { try lstm.load(Dictionary(uniqueKeysWithValues: state.tensors.map { ($0.name, $0.tensor) })) }
    }
}
