import Testing
import Foundation
@testable import S2SCore
import S2STestSupport

@Suite struct SafeTensorsTests {
    let tensors: [(name: String, tensor: Tensor)] = [
        ("weight_ih_l0", Tensor(shape: [2, 3], scalars: [1, -2, 3.5, 0, .greatestFiniteMagnitude, -1e-30])),
        ("bias", Tensor(shape: [2], scalars: [0.25, -0.5])),
        ("scalar", Tensor(scalar: 7)),
    ]

    @Test func roundTripsThroughAFile() throws {
        let directory = TemporaryDirectory("safetensors")
        defer { directory.remove() }
        let path = directory.file("a.safetensors")
        try SafeTensors.write(tensors, metadata: ["format": "s2s"], to: path)
        let (read, metadata) = try SafeTensors.read(path)
        #expect(metadata == ["format": "s2s"])
        #expect(read.count == tensors.count)
        for (name, tensor) in tensors { #expect(read[name] == tensor) }
        let bytes = try AtomicFile.read(path)
        let headerLength = bytes[0..<8].enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(headerLength % 8 == 0, "data must start 8-byte aligned")
        #expect(bytes == (try SafeTensors.encode(tensors, metadata: ["format": "s2s"])))   // streamed = encoded
    }

    @Test func aFailedStreamedWriteLeavesTheOldFileAndNoTemporary() throws {
        let directory = TemporaryDirectory("safetensors")
        defer { directory.remove() }
        let path = directory.file("file")
        try AtomicFile.write([1, 2, 3], to: path)
        struct Interrupted: Error {}
        #expect(throws: Interrupted.self) {
            try AtomicFile.write(to: path) { file in
                try [UInt8](repeating: 9, count: 100).withUnsafeBytes { try file.write($0) }
                throw Interrupted()
            }
        }
        #expect(try AtomicFile.read(path) == [1, 2, 3])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["file"])
    }

    @Test func truncatedFileIsAClearError() throws {
        let bytes = try SafeTensors.encode(tensors)
        #expect(throws: SafeTensors.Error.self) { try SafeTensors.decode(Array(bytes.prefix(bytes.count - 3))) }
        #expect(throws: SafeTensors.Error.self) { try SafeTensors.decode(Array(bytes.prefix(5))) }
        do {
            _ = try SafeTensors.decode(Array(bytes.prefix(bytes.count - 3)), source: "model.safetensors")
        } catch let error as SafeTensors.Error {
            #expect(error.description.contains("model.safetensors") && error.description.contains("truncated"))
        }
    }

    @Test func garbageHeaderIsAClearError() {
        var bytes = [UInt8](repeating: 0, count: 8)
        bytes[0] = 4
        bytes += Array("{no}".utf8)
        #expect(throws: SafeTensors.Error.self) { try SafeTensors.decode(bytes) }
    }

    @Test func readsOtherDTypes() throws {
        // A header written by hand, as Python would for int64 and float16 tensors.
        let header = #"{"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"half":{"dtype":"F16","shape":[2],"data_offsets":[16,20]}}"#
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        bytes += json
        withUnsafeBytes(of: Int64(3).littleEndian) { bytes += $0 }
        withUnsafeBytes(of: Int64(-5).littleEndian) { bytes += $0 }
        bytes += [0x00, 0x3C, 0x00, 0xC0]  // 1.0, -2.0 in IEEE half
        let (read, _) = try SafeTensors.decode(bytes)
        #expect(read["ids"]?.scalars == [3, -5])
        #expect(read["half"]?.scalars == [1, -2])
    }
}
