// ParallelReader: streams two line-aligned files (source and target of a translation corpus) in
// lockstep. Different line counts are an error naming both files and both counts — checked before
// the first pair when both are regular files, and at the end otherwise (standard input). A pair is
// skipped (and counted) when either side is empty, over-long or invalid under `.skip`.

/// Reads line pairs from two aligned files.
///
///     let pairs = try ParallelReader(source: "train.en", target: "train.de")
///     while let (en, de) = try pairs.next() { … }
///     print(pairs.statistics)   // train.en + train.de: 29000 lines, 29000 used
public final class ParallelReader {
    public let source: LineReader
    public let target: LineReader
    /// Pair counts; `lines` counts pairs.
    public private(set) var statistics: ReadStatistics
    /// The line count of each file, when both are files (counted before the first pair): what progress
    /// reports count towards.
    public let totalLines: Int?

    /// Opens both files ("-" for at most one of them). Throws if both are files whose line counts
    /// differ.
    public convenience init(source: String, target: String, options: ReadOptions = ReadOptions()) throws(TextError) {
        try self.init(source: source, target: target, options: options, countFirst: true)
    }

    /// `countFirst: false` skips the up-front count (tests of the streaming check use it).
    init(source: String, target: String, options: ReadOptions, countFirst: Bool) throws(TextError) {
        guard !(source == "-" && target == "-") else {
            throw TextError(.invalidArgument, "source and target cannot both be standard input")
        }
        if countFirst && source != "-" && target != "-" {
            let sourceLines = try LineReader.countLines(path: source)
            let targetLines = try LineReader.countLines(path: target)
            if sourceLines != targetLines { throw Self.mismatch(source, sourceLines, target, targetLines) }
            totalLines = sourceLines
        } else {
            totalLines = nil
        }
        self.source = try LineReader(path: source, options: options)
        self.target = try LineReader(path: target, options: options)
        self.statistics = ReadStatistics(source: "\(source) + \(target)")
    }

    /// The next usable pair, or nil when both files end together.
    public func next() throws(TextError) -> (source: Line, target: Line)? {
        while true {
            let s = try source.nextRecord()
            let t = try target.nextRecord()
            switch (s, t) {
            case (nil, nil):
                return nil
            case (.some, nil), (nil, .some):
                // Count the rest of the longer side for the message.
                let longer = s == nil ? target : source
                while try longer.nextRecord() != nil {}
                throw Self.mismatch(source.path, source.currentLineNumber, target.path, target.currentLineNumber)
            case (.some(let s), .some(let t)):
                statistics.lines += 1
                statistics.invalidReplaced = source.statistics.invalidReplaced + target.statistics.invalidReplaced
                switch (s, t) {
                case (.text(let sourceText), .text(let targetText)):
                    statistics.used += 1
                    return (Line(text: sourceText, number: source.currentLineNumber),
                            Line(text: targetText, number: target.currentLineNumber))
                case (.invalid, _), (_, .invalid): statistics.invalidSkipped += 1
                case (.overlong, _), (_, .overlong): statistics.overlong += 1
                default: statistics.empty += 1
                }
            }
        }
    }

    private static func mismatch(_ a: String, _ aLines: Int, _ b: String, _ bLines: Int) -> TextError {
        func name(_ path: String) -> String { path == "-" ? "<stdin>" : path }
        return TextError(.lineCountMismatch,
                         "parallel files differ in length: \(name(a)) has \(aLines) lines, \(name(b)) has \(bLines) lines; they must be line-aligned")
    }
}
