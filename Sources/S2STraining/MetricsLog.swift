// metrics.jsonl: one JSON object per line, appended and written through to the file as each line is
// complete, so `tail -f`, pandas (`read_json(lines=True)`) and jq can follow a run. Keys are sorted;
// non-finite numbers (NaN, ±∞), which JSON cannot represent, are written as null.
import S2SCore

/// A value in a metrics record.
public enum MetricValue: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
                         ExpressibleByStringLiteral, ExpressibleByBooleanLiteral {
    case int(Int)
    case double(Double)
    /// Written with Float's shortest representation ("0.1", not "0.10000000149011612").
    case float(Float)
    case string(String)
    case bool(Bool)
    case null

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    /// The JSON text of this value.
    public var json: String {
        switch self {
        case let .int(value): return String(value)
        case let .double(value): return value.isFinite ? String(value) : "null"
        case let .float(value): return value.isFinite ? String(value) : "null"
        case let .string(value): return MetricValue.quoted(value)
        case let .bool(value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Appends records to a JSON-lines file.
///
///     let log = try MetricsLog(path: "runs/exp1/metrics.jsonl")
///     try log.append(["step": 100, "split": "train", "loss": .double(loss), "lr": .double(lr)])
///     // {"loss":2.31,"lr":0.001,"split":"train","step":100}
public final class MetricsLog {
    private let file: AppendOnlyFile
    public var path: String { file.path }

    /// Opens `path` for appending (creating it; an existing file is continued, as on resume).
    public init(path: String) throws {
        file = try AppendOnlyFile(path: path)
    }

    /// The file's name in a model directory.
    public static let fileName = "metrics.jsonl"

    /// Opens `<directory>/metrics.jsonl`.
    public convenience init(directory: String) throws {
        try self.init(path: directory + "/" + Self.fileName)
    }

    /// Writes one record as one line.
    public func append(_ record: [String: MetricValue]) throws {
        try file.append(Array((MetricsLog.line(record) + "\n").utf8))
    }

    /// The JSON object of `record`, keys sorted, no newline.
    public static func line(_ record: [String: MetricValue]) -> String {
        "{" + record.sorted { $0.key < $1.key }
            .map { MetricValue.quoted($0.key) + ":" + $0.value.json }
            .joined(separator: ",") + "}"
    }
}
