// A small TensorBoard event-file writer for scalars: `events.out.tfevents.<unix-time>.<hostname>` in a
// directory, TFRecord-framed, each record a hand-encoded `tensorflow.Event` protobuf. The first event
// carries file_version "brain.Event:2"; every scalar is an Event { wall_time, step, summary { value {
// tag, simple_value } } }. Events are buffered in memory and written by `flush()` (and on deinit).
import Foundation
import S2SCore

/// Writes scalar summaries that TensorBoard reads (`tensorboard --logdir <directory>`).
///
///     let board = try TensorBoardWriter(directory: "runs/exp1")
///     try board.addScalar(tag: "train/loss", value: 2.31, step: 100)
///     try board.flush()                 // e.g. at each report interval, and at the end
///
/// Not thread-safe: use one writer from one task.
public final class TensorBoardWriter {
    /// The event file being written.
    public var path: String { file.path }
    private let file: AppendOnlyFile
    private var buffer: [UInt8] = []
    private let clock: () -> Double

    /// Field numbers of tensorflow.Event, Summary and Summary.Value (tensorflow/core/util/event.proto,
    /// tensorflow/core/framework/summary.proto).
    enum Field {
        static let wallTime = 1, step = 2, fileVersion = 3, summary = 5
        static let summaryValue = 1
        static let valueTag = 1, valueSimpleValue = 2
    }

    /// Creates `directory` if needed and a new event file in it (a numeric suffix is added if a file
    /// of the same second and host exists).
    /// - Parameter clock: seconds since 1970 for `wall_time` (tests pass a fixed clock).
    public init(directory: String, clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileError(path: directory, problem: "cannot create the TensorBoard directory: \(error.localizedDescription)")
        }
        self.clock = clock
        let base = "\(directory)/events.out.tfevents.\(Int(clock())).\(TensorBoardWriter.hostname())"
        var attempt = 0
        while true {
            do {
                file = try AppendOnlyFile(path: attempt == 0 ? base : "\(base).\(attempt)", exclusive: true)
                break
            } catch let error as FileError where error.problem == "already exists" && attempt < 100 {
                attempt += 1
            }
        }
        var event = ProtobufEncoder()
        event.double(Field.wallTime, clock())
        event.string(Field.fileVersion, "brain.Event:2")
        buffer = TFRecord.frame(event.bytes)
        try flush()
    }

    deinit { try? flush() }

    /// Records `value` under `tag` at `step` (buffered until `flush`; written early past 1 MiB).
    public func addScalar(tag: String, value: Float, step: Int) throws {
        var summaryValue = ProtobufEncoder()
        summaryValue.string(Field.valueTag, tag)
        summaryValue.float(Field.valueSimpleValue, value)
        var summary = ProtobufEncoder()
        summary.message(Field.summaryValue, summaryValue)
        var event = ProtobufEncoder()
        event.double(Field.wallTime, clock())
        event.int64(Field.step, Int64(step))
        event.message(Field.summary, summary)
        buffer += TFRecord.frame(event.bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// Writes the buffered events to the file.
    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try file.append(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    static func hostname() -> String {
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count - 1) == 0 else { return "localhost" }
        let host = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return host.isEmpty ? "localhost" : host
    }
}
