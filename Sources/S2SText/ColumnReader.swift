// ColumnReader: streams one TAB-separated column of a file, e.g. one side of a Tatoeba
// `english<TAB>french` pair file, on top of `LineReader`.

/// Reads one TAB-separated column of each line, e.g. the English side of a Tatoeba `eng<TAB>fra` file.
///
///     let english = try ColumnReader(path: "eng-fra.tsv", column: 1)
///     while let line = try english.next() { … }
public final class ColumnReader {
    /// 1-based column.
    public let column: Int
    public let lines: LineReader
    public var statistics: ReadStatistics {
        var statistics = lines.statistics
        statistics.empty += emptyFields
        statistics.used -= emptyFields
        return statistics
    }
    private var emptyFields = 0

    public init(path: String, column: Int, options: ReadOptions = ReadOptions()) throws(TextError) {
        guard column >= 1 else { throw TextError(.invalidArgument, "column numbers start at 1, got \(column)") }
        self.column = column
        self.lines = try LineReader(path: path, options: options)
    }

    /// The next non-empty field; throws when a line has fewer columns.
    public func next() throws(TextError) -> Line? {
        while let line = try lines.next() {
            let fields = line.text.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= column else {
                throw TextError(.malformed, file: lines.path, line: line.number,
                                "expected at least \(column) TAB-separated fields, found \(fields.count)")
            }
            let field = fields[column - 1]
            if field.allSatisfy(\.isWhitespace) {
                emptyFields += 1
                continue
            }
            return Line(text: String(field), number: line.number)
        }
        return nil
    }
}
