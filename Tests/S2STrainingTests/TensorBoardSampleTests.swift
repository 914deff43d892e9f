// The sample event file that Tools/reference/check_tensorboard.py reads with TensorBoard's own
// EventAccumulator: written on every run and read back record by record here (framing, both CRCs,
// every tag, step and value). With S2S_TENSORBOARD_SAMPLE_DIR set, it is left there for the script:
//   S2S_TENSORBOARD_SAMPLE_DIR=tb-sample swift test --filter TensorBoardSample
import Foundation
import Testing
import S2SCore
@testable import S2STraining
import S2STestSupport

@Suite struct TensorBoardSampleTests {
    /// What the sample holds, in writing order: the script's EXPECTED table (a non-ASCII tag, a step
    /// past 2³²).
    static let expected: [(tag: String, step: Int64, value: Float)] = {
        var scalars: [(tag: String, step: Int64, value: Float)] = []
        for step in 1...5 {
            scalars.append(("train/loss", Int64(step), 5 / Float(step)))
            scalars.append(("train/lr", Int64(step), 0.001 * Float(step)))
        }
        return scalars + [("valid/ppl", 5, 12.75), ("valid/ünïcode", 1 << 33, -1.5)]
    }()

    @Test func sampleReadsBack() throws {
        let keep = ProcessInfo.processInfo.environment["S2S_TENSORBOARD_SAMPLE_DIR"]
        let temporary = TemporaryDirectory("tb-sample")
        defer { temporary.remove() }
        let board = try TensorBoardWriter(directory: keep ?? temporary.path)
        for (tag, step, value) in Self.expected { try board.addScalar(tag: tag, value: value, step: Int(step)) }
        try board.flush()

        let events = try readRecords(try AtomicFile.read(board.path)).map(DecodedEvent.init)
        #expect(events.first?.fileVersion == "brain.Event:2")
        let scalars = events.dropFirst().flatMap { event in event.scalars.map { (tag: $0.tag, step: event.step, value: $0.value) } }
        #expect(scalars.count == Self.expected.count)
        for (read, written) in zip(scalars, Self.expected) {
            #expect(read.tag == written.tag && read.step == written.step && read.value == written.value,
                    "read \(read), wrote \(written)")
        }
        if keep != nil { print("wrote \(board.path)") }
    }
}
