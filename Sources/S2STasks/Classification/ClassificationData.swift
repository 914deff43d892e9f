// Reads a labelled corpus for the classifier commands — `label<TAB>text` TSV or fastText `__label__x
// text` lines, detected from the first line — keeping only the wanted labels and counting what it drops,
// so nothing disappears silently. Errors name file:line (from `LabelledReader`).
import S2SText

/// The formats a labelled file may have.
public enum LabelledFormat: String, CaseIterable, Codable, Sendable {
    /// fastText when the first non-empty line starts with `__label__`, otherwise TSV.
    case auto
    case tsv
    case fasttext
}

/// One example: its label, its text and where it came from.
public struct LabelledExample: Equatable, Sendable {
    public var label: String
    public var text: String
    public var line: Int

    /// An example with its label, its text and its 1-based line number.
    public init(label: String, text: String, line: Int) { self.label = label; self.text = text; self.line = line }
}

/// The examples of one file.
///
///     let data = try ClassificationData.read(path: "train.tsv", keep: ["positive", "negative"])
///     data.examples.count           // lines kept
///     data.dropped                  // ["neutral": 2457]
public struct ClassificationData: Sendable {
    public let path: String
    public var examples: [LabelledExample]
    /// Lines whose label is not in `keep`, by label.
    public var dropped: [String: Int]
    /// What the reader saw (lines, empty lines skipped, …).
    public var statistics: ReadStatistics

    /// Reads `path` ("-" = stdin, read as TSV under `.auto`). With `keep`, examples of other labels are
    /// dropped and counted. fastText lines with several labels count under their first.
    public static func read(path: String, format: LabelledFormat = .auto, keep: Set<String>? = nil) throws(TextError) -> ClassificationData {
        let resolved = try resolve(format, path: path)
        let reader = try LabelledReader(path: path, format: resolved, options: .trainingData)
        var examples: [LabelledExample] = [], dropped: [String: Int] = [:]
        while let line = try reader.next() {
            if let keep, !keep.contains(line.label) { dropped[line.label, default: 0] += 1; continue }
            examples.append(LabelledExample(label: line.label, text: line.text, line: line.number))
        }
        return ClassificationData(path: path, examples: examples, dropped: dropped, statistics: reader.statistics)
    }

    /// The reader's format for `format` (`.auto`: as `detect` finds it).
    static func resolve(_ format: LabelledFormat, path: String) throws(TextError) -> LabelledReader.Format {
        try format == .auto ? detect(path) : (format == .fasttext ? .fastText : .tsv)
    }

    /// fastText when the first non-empty line starts with `__label__`.
    public static func detect(_ path: String) throws(TextError) -> LabelledReader.Format {
        guard path != "-" else { return .tsv }
        let lines = try LineReader(path: path, options: .trainingData)
        guard let first = try lines.next() else { return .tsv }
        return first.text.hasPrefix("__label__") ? .fastText : .tsv
    }

    /// The labels present, sorted (a deterministic class order when none is given).
    public var labels: [String] { Set(examples.map(\.label)).sorted() }

    /// One line for stderr: what was read, kept and dropped.
    public var summary: String {
        var text = "\(statistics)"
        if !dropped.isEmpty {
            let parts = dropped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            text += "; dropped \(dropped.values.reduce(0, +)) lines with other labels (\(parts.joined(separator: ", ")))"
        }
        return text + "; \(examples.count) examples"
    }
}
