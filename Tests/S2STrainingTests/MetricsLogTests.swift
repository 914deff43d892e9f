import Foundation
import Testing
import S2SCore
import S2STraining
import S2STestSupport

@Suite struct MetricsLogTests {
    @Test func sortedKeysAndNullForNonFinite() {
        let line = MetricsLog.line(["step": 100, "loss": 2.5, "ppl": .double(.infinity), "acc": .double(.nan),
                                    "lr": .float(0.1), "split": "train", "best": true, "note": .null])
        #expect(line == #"{"acc":null,"best":true,"loss":2.5,"lr":0.1,"note":null,"ppl":null,"split":"train","step":100}"#)
    }

    @Test func escapesStrings() throws {
        let line = MetricsLog.line(["text": .string("a \"quote\" \\ tab\t new\nline \u{01} é")])
        #expect(line == #"{"text":"a \"quote\" \\ tab\t new\nline \u0001 é"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(parsed?["text"] == "a \"quote\" \\ tab\t new\nline \u{01} é")
    }

    @Test func appendsLinesAcrossReopens() throws {
        let temporary = TemporaryDirectory("metrics"), directory = temporary.path
        defer { temporary.remove() }
        let log = try MetricsLog(directory: directory)
        try log.append(["step": 1, "loss": 3.25])
        #expect(String(decoding: try AtomicFile.read(log.path), as: UTF8.self) == "{\"loss\":3.25,\"step\":1}\n")
        try MetricsLog(directory: directory).append(["step": 2, "loss": .double(1e-5)])
        let lines = String(decoding: try AtomicFile.read(log.path), as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["step"] != nil)
        }
        #expect(lines[1] == #"{"loss":1e-05,"step":2}"#)
    }
}
