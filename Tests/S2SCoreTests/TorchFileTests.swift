// The torch.save reader against a file torch wrote (Tools/reference/torch_file_fixture.py: tensors of four
// dtypes, a transposed view, a parameter, an OrderedDict, an argparse Namespace, numbers, strings) and
// the same values as JSON; and files it must refuse, naming the problem: truncated, not a zip, a
// compressed entry, an opcode torch does not write.
import Foundation
import Testing
import S2SCore
import S2STestSupport

@Suite struct TorchFileTests {
    static let path = Repository.fixtures("S2SCoreTests") + "/torch_file.pt"

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.fixtures("S2SCoreTests") + "/torch_file.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Whether a read value equals its JSON form (tensors as {"shape", "values"}).
    static func same(_ value: PickleValue, _ json: Any) -> Bool {
        switch value {
        case .tensor(let shape, let values):
            guard let object = json as? [String: Any], let s = object["shape"] as? [Int], let v = object["values"] as? [Double] else { return false }
            return s == shape && v.count == values.count && zip(v, values).allSatisfy { Float($0) == $1 || ($0.isNaN && $1.isNaN) }
        case .none: return json is NSNull
        case .bool(let b): return (json as? Bool) == b
        case .int(let i): return (json as? NSNumber)?.int64Value == Int64(i)
        case .float(let d): return (json as? NSNumber)?.doubleValue == d
        case .string(let s): return (json as? String) == s
        case .list(let items), .tuple(let items):
            guard let array = json as? [Any], array.count == items.count else { return false }
            return zip(items, array).allSatisfy { same($0, $1) }
        case .dict, .object:
            guard let entries = value.entries, let object = json as? [String: Any], object.count == entries.count else { return false }
            return entries.allSatisfy { entry in object[entry.key].map { same(entry.value, $0) } ?? false }
        default: return false
        }
    }

    /// Where `pattern` first occurs in `bytes`.
    static func find(_ pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        (0...(bytes.count - pattern.count)).first { start in pattern.indices.allSatisfy { bytes[start + $0] == pattern[$0] } }
    }

    @Test func readsWhatTorchWrote() throws {
        let value = try TorchFile.read(Self.path)
        let expected = try Self.expected()
        let entries = try #require(value.entries)
        #expect(entries.map(\.key).sorted() == expected.keys.sorted())
        for (key, item) in entries {
            #expect(Self.same(item, expected[key]!), "\(key): \(item)")
        }
        // The transposed view is gathered by its strides, not read as stored.
        guard case .tensor(let shape, let values)? = value["transposed"] else { Issue.record("no tensor"); return }
        #expect(shape == [4, 3] && values[1] == 0.0 && values[3] == -0.375)
        #expect(value["opt"]?["rnn_type"]?.string == "LSTM" && value["opt"]?["layers"]?.int == 2)
        #expect(value["model"]?.entries?.map(\.key) == ["layer.weight", "layer.bias"], "an OrderedDict keeps its order")
    }

    @Test func refusesWhatIsNotATorchFile() throws {
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path)))
        func problem(_ bytes: [UInt8]) -> String? {
            do { _ = try TorchFile.read(bytes: bytes, name: "model.pt"); return nil } catch let error as TorchFileError {
                #expect(error.file == "model.pt")
                return error.problem
            } catch { return "\(error)" }
        }
        #expect(problem(Array(good.dropLast(200)))?.contains("truncated") == true)
        #expect(problem(Array("not a checkpoint at all, just some text that is long enough".utf8))?.contains("not a torch.save file") == true)
        #expect(problem([])?.contains("too short") == true)

        // The central directory's first entry, marked deflated.
        var compressed = good
        let directory = try #require(Self.find([0x50, 0x4B, 1, 2], in: good))
        compressed[directory + 10] = 8
        #expect(problem(compressed)?.contains("compressed") == true)

        // An opcode torch never writes, right after the pickle's PROTO.
        var foreign = good
        let pickle = try #require(Self.find([0x80, 0x02], in: good))
        foreign[pickle + 2] = 0xFE
        #expect(problem(foreign)?.contains("opcode 0xFE") == true)
    }
}
