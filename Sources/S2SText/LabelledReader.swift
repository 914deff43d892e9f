// LabelledReader: streams labelled examples for classifiers, in either `label<TAB>text` TSV or
// fastText's `__label__x text` form (several labels allowed), on top of `LineReader`.

/// One labelled example.
public struct LabelledLine: Sendable, Equatable {
    /// The labels (at least one), without `__label__`.
    public var labels: [String]
    public var text: String
    public var number: Int
    /// The first label.
    public var label: String { labels[0] }
}

/// Reads labelled examples.
///
///     let reader = try LabelledReader(path: "train.tsv", format: .tsv)
///     while let example = try reader.next() { print(example.label, example.text) }
///
///     // fastText: "__label__positive __label__short great flight" -> ["positive", "short"], "great flight"
public final class LabelledReader {
    public enum Format: String, Sendable, CaseIterable {
        /// `label<TAB>text`; the text is everything after the first TAB.
        case tsv
        /// `__label__a [__label__b …] text`.
        case fastText = "fasttext"
    }

    public let format: Format
    public let lines: LineReader
    /// Line counts; examples whose text is empty after the label count as `empty`.
    public var statistics: ReadStatistics {
        var statistics = lines.statistics
        statistics.empty += emptyText
        statistics.used -= emptyText
        return statistics
    }
    private var emptyText = 0

    public init(path: String, format: Format, options: ReadOptions = ReadOptions()) throws(TextError) {
        self.format = format
        self.lines = try LineReader(path: path, options: options)
    }

    /// The next example; throws on a line without a label.
    public func next() throws(TextError) -> LabelledLine? {
        while let line = try lines.next() {
            let (labels, text) = try parse(line)
            if text.allSatisfy(\.isWhitespace) {
                emptyText += 1
                continue
            }
            return LabelledLine(labels: labels, text: text, number: line.number)
        }
        return nil
    }

    private func parse(_ line: Line) throws(TextError) -> ([String], String) {
        switch format {
        case .tsv:
            guard let tab = line.text.firstIndex(of: "\t") else {
                throw TextError(.malformed, file: lines.path, line: line.number, "expected label<TAB>text, found no TAB")
            }
            let label = line.text[..<tab].trimmingWhitespace()
            guard !label.isEmpty else {
                throw TextError(.malformed, file: lines.path, line: line.number, "empty label before the TAB")
            }
            return ([String(label)], String(line.text[line.text.index(after: tab)...]))
        case .fastText:
            // Scalar-wise: a space followed by a combining mark is one Character.
            var labels: [String] = []
            let scalars = line.text.unicodeScalars
            var i = scalars.startIndex
            while true {
                while i < scalars.endIndex && (scalars[i] == " " || scalars[i] == "\t") { i = scalars.index(after: i) }
                var end = i
                while end < scalars.endIndex && scalars[end] != " " && scalars[end] != "\t" { end = scalars.index(after: end) }
                let word = String(scalars[i..<end])
                guard word.hasPrefix("__label__") else { break }
                let label = word.dropFirst("__label__".count)
                guard !label.isEmpty else {
                    throw TextError(.malformed, file: lines.path, line: line.number, "empty __label__")
                }
                labels.append(String(label))
                i = end
            }
            let rest = String(scalars[i...])
            guard !labels.isEmpty else {
                throw TextError(.malformed, file: lines.path, line: line.number, "expected __label__<name> before the text")
            }
            return (labels, String(rest))
        }
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        let start = firstIndex(where: { !$0.isWhitespace }) ?? endIndex
        let end = lastIndex(where: { !$0.isWhitespace }).map(index(after:)) ?? start
        return self[start..<end]
    }
}
