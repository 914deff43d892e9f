// A translation corpus s2s generates itself: dates written out in English ("the twenty-third of
// march, nineteen eighty-four", "monday, march 23, 1984", "23 mar two thousand and five") → ISO dates
// ("1984-03-23"). Deterministic from a seed; the held-out splits share no source line with training.
// It is the built-in job of `s2s train-translate` (no data flags): small enough to train on two cores
// in a few minutes, structured enough that attention must find the day, the month and the year.
import Foundation
import S2SCore

/// Spelled-out dates and their ISO forms.
///
///     var rng = Generator(seed: 7)
///     let (source, target) = DateCorpus.example(rng: &rng)   // ("the fourth of july, nineteen seventy-six", "1976-07-04")
///     try DateCorpus.write(directory: "Corpora/dates", seed: 1)
public enum DateCorpus {
    /// Lines per split written by `write` (train, valid, test).
    public static let defaultSizes = (train: 30_000, valid: 500, test: 1_000)
    /// Where `s2s train-translate` (no data flags) keeps the corpus, relative to the working directory.
    public static let defaultDirectory = "Corpora/dates"
    /// The seed the built-in job's corpus is generated from.
    public static let defaultSeed: UInt64 = 20_240_101
    /// Years covered.
    public static let years = 1900...2099

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]
    static let monthAbbreviations = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sept", "oct", "nov", "dec"]
    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    static let units = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                        "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    static let unitOrdinals = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
                               "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
                               "seventeenth", "eighteenth", "nineteenth"]
    static let tenOrdinals = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth",
                              "eightieth", "ninetieth"]

    /// 1...99 in words: "seven", "forty-two".
    public static func cardinal(_ n: Int) -> String {
        precondition((1...99).contains(n))
        if n < 20 { return units[n] }
        return n % 10 == 0 ? tens[n / 10] : tens[n / 10] + "-" + units[n % 10]
    }

    /// 1...99 as an ordinal: "first", "twenty-third".
    public static func ordinal(_ n: Int) -> String {
        precondition((1...99).contains(n))
        if n < 20 { return unitOrdinals[n] }
        return n % 10 == 0 ? tenOrdinals[n / 10] : tens[n / 10] + "-" + unitOrdinals[n % 10]
    }

    /// "23rd", "1st", "11th".
    static func numericOrdinal(_ n: Int) -> String {
        let suffix = (11...13).contains(n % 100) ? "th" : ["th", "st", "nd", "rd", "th", "th", "th", "th", "th", "th"][n % 10]
        return "\(n)\(suffix)"
    }

    /// A year in one of the ways people say it: 1984 "nineteen eighty-four", 1905 "nineteen oh five",
    /// 1900 "nineteen hundred", 2005 "two thousand (and) five", 2021 "twenty twenty-one" or
    /// "two thousand (and) twenty-one"; `style` picks among them.
    public static func spokenYear(_ year: Int, style: Int) -> String {
        let century = year / 100, rest = year % 100
        if year >= 2000 && (rest < 10 || style % 2 == 0) {
            guard rest > 0 else { return "two thousand" }
            return "two thousand " + (style % 3 == 0 ? "and " : "") + cardinal(rest)
        }
        let head = cardinal(century)
        if rest == 0 { return head + " hundred" }
        return head + " " + (rest < 10 ? "oh " + units[rest] : cardinal(rest))
    }

    /// Day of the week (0 = Monday) of a Gregorian date.
    static func weekday(year: Int, month: Int, day: Int) -> Int {
        var y = year, m = month
        if m < 3 { m += 12; y -= 1 }
        let h = (day + 13 * (m + 1) / 5 + y + y / 4 - y / 100 + y / 400) % 7   // Zeller: 0 = Saturday
        return (h + 5) % 7
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// One random date written in one of the formats, and its ISO form.
    public static func example(rng: inout Generator) -> (source: String, target: String) {
        let year = years.lowerBound + rng.integer(below: years.count)
        let month = 1 + rng.integer(below: 12)
        let day = 1 + rng.integer(below: daysIn(month: month, year: year))
        let target = String(format: "%04d-%02d-%02d", year, month, day)
        let spoken = rng.uniform() < 0.75
        let yearText = spoken ? spokenYear(year, style: rng.integer(below: 6)) : "\(year)"
        let monthText = rng.uniform() < 0.8 ? months[month - 1] : monthAbbreviations[month - 1]
        let dayOrdinal = spoken ? ordinal(day) : numericOrdinal(day)
        let source: String
        switch rng.integer(below: 6) {
        case 0: source = "the \(dayOrdinal) of \(monthText), \(yearText)"
        case 1: source = "\(dayOrdinal) of \(monthText) \(yearText)"
        case 2: source = "\(monthText) \(dayOrdinal), \(yearText)"
        case 3: source = "\(monthText) the \(dayOrdinal) \(yearText)"
        case 4: source = "\(spoken ? cardinal(day) : "\(day)") \(monthText) \(yearText)"
        default: source = "\(monthText) \(day), \(yearText)"
        }
        guard rng.uniform() < 0.2 else { return (source, target) }
        return (weekdays[weekday(year: year, month: month, day: day)] + ", " + source, target)
    }

    /// Train, valid and test pairs; no valid or test source also occurs in train or in the other split.
    public static func splits(seed: UInt64, sizes: (train: Int, valid: Int, test: Int) = defaultSizes)
        -> (train: [(String, String)], valid: [(String, String)], test: [(String, String)]) {
        var rng = Generator(seed: seed)
        var heldOut = Set<String>()
        func draw(_ count: Int, heldOut isHeldOut: Bool) -> [(String, String)] {
            var out: [(String, String)] = []
            while out.count < count {
                let pair = example(rng: &rng)
                guard !heldOut.contains(pair.source) else { continue }
                if isHeldOut { heldOut.insert(pair.source) }
                out.append(pair)
            }
            return out
        }
        let test = draw(sizes.test, heldOut: true)
        let valid = draw(sizes.valid, heldOut: true)
        let train = draw(sizes.train, heldOut: false)
        return (train, valid, test)
    }

    /// Writes {train,valid,test}.{src,tgt} into `directory` (created if needed), each atomically.
    /// Returns the paths of the six files by split name and side, e.g. "train.src".
    @discardableResult
    public static func write(directory: String, seed: UInt64, sizes: (train: Int, valid: Int, test: Int) = defaultSizes) throws -> [String: String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let (train, valid, test) = splits(seed: seed, sizes: sizes)
        var paths: [String: String] = [:]
        for (name, pairs) in [("train", train), ("valid", valid), ("test", test)] {
            for (side, lines) in [("src", pairs.map(\.0)), ("tgt", pairs.map(\.1))] {
                let path = directory + "/\(name).\(side)"
                try AtomicFile.write(Array((lines.joined(separator: "\n") + "\n").utf8), to: path)
                paths["\(name).\(side)"] = path
            }
        }
        return paths
    }
}
