import Testing
@testable import S2SCore

@Suite struct TapeTests {
    final class Activation {}

    /// Backward runs the closures last-recorded first and drops each once it has run, so what only a
    /// later op held is freed before the earlier ops' backward runs.
    @Test func backwardReleasesEachClosureOnceItHasRun() {
        let tape = Tape()
        weak var heldOnlyBySecond: Activation?
        var order: [String] = []
        var releasedBeforeFirstRan = false
        tape.record("first") {
            order.append("first")
            releasedBeforeFirstRan = heldOnlyBySecond == nil
        }
        do {
            let activation = Activation()
            heldOnlyBySecond = activation
            tape.record("second") { order.append("second"); _ = activation }
        }
        #expect(heldOnlyBySecond != nil)  // alive while recorded
        tape.backward(from: Variable(Tensor(scalar: 0), requiresGrad: true))
        #expect(order == ["second", "first"])
        #expect(releasedBeforeFirstRan)
        #expect(tape.count == 0)
    }
}
