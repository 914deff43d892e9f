import Foundation
import Testing
import S2SCore
@testable import S2STraining
import S2STestSupport

@Suite struct TensorBoardWriterTests {
    @Test func writesEventsThatParseBack() throws {
        let temporary = TemporaryDirectory("tb")
        defer { temporary.remove() }
        let board = try TensorBoardWriter(directory: temporary.file("nested"), clock: { 1_700_000_000.25 })   // creates "nested"
        try board.addScalar(tag: "train/loss", value: 2.5, step: 100)
        try board.addScalar(tag: "train/lr", value: 1e-3, step: 100)
        try board.addScalar(tag: "valid/ppl", value: 12.75, step: 1 << 40)
        try board.flush()

        let name = (board.path as NSString).lastPathComponent
        #expect(name == "events.out.tfevents.1700000000.\(TensorBoardWriter.hostname())")
        let events = try readRecords(try AtomicFile.read(board.path)).map(DecodedEvent.init)
        #expect(events.count == 4)
        #expect(events[0].fileVersion == "brain.Event:2" && events[0].wallTime == 1_700_000_000.25 && events[0].step == nil)
        #expect(events[1].step == 100 && events[1].wallTime == 1_700_000_000.25)
        #expect(events[1].scalars.map(\.tag) == ["train/loss"] && events[1].scalars.map(\.value) == [2.5])
        #expect(events[2].scalars.map(\.value) == [1e-3])
        #expect(events[3].step == 1 << 40 && events[3].scalars.map(\.tag) == ["valid/ppl"])
    }

    @Test func bufferedUntilFlushAndNewFileOnNameClash() throws {
        let temporary = TemporaryDirectory("tb"), directory = temporary.file("nested")
        defer { temporary.remove() }
        let first = try TensorBoardWriter(directory: directory, clock: { 42 })
        try first.addScalar(tag: "x", value: 1, step: 1)
        #expect(try readRecords(try AtomicFile.read(first.path)).count == 1)   // only the header so far
        try first.flush()
        #expect(try readRecords(try AtomicFile.read(first.path)).count == 2)

        let second = try TensorBoardWriter(directory: directory, clock: { 42 })
        #expect(second.path == first.path + ".1")
    }

    @Test func protobufVarintsAndNegativeSteps() throws {
        var encoder = ProtobufEncoder()
        encoder.int64(2, 300)
        #expect(encoder.bytes == [0x10, 0xAC, 0x02])
        var negative = ProtobufEncoder()
        negative.int64(2, -1)
        #expect(negative.bytes.count == 11)
        #expect(try decodeFields(negative.bytes).first?.value == .varint(UInt64.max))
    }
}
