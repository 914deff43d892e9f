// The 2017 CBMM LSTM tutorial's own test set (bcs-lstm-tutorial/testTweets_preprocessed.json): 20,000
// tweets stored as 20 token ids each, with the tutorial's vocab.txt (line k = id k). `s2s test-classify
// --tutorial DIR` decodes them back to text so a binary s2s model can be scored on them as an
// out-of-domain check (they are general tweets, not airline tweets).
import Foundation
import S2SText

/// The tutorial's test tweets, decoded back to text.
///
///     let examples = try TutorialTestSet.read(directory: "corpora/sentiment/bcs-lstm-tutorial", limit: 1000)
public enum TutorialTestSet {
    static let dataFile = "testTweets_preprocessed.json"
    static let vocabularyFile = "vocab.txt"
    /// The tutorial's padding and unknown-word ids.
    static let padID = 1, unknownID = 2
    /// Its labels: "0" negative, "1" positive.
    static let labelNames = ["0": "negative", "1": "positive"]
    /// What an unknown word becomes: a word no s2s vocabulary holds, so it encodes as <unk>.
    static let unknownWord = "unktoken"

    /// The examples (text decoded from ids, padding dropped), the first `limit` only when given.
    ///
    ///     let examples = try TutorialTestSet.read(directory: "../shared/corpora/sentiment/bcs-lstm-tutorial")
    ///     examples[1]   // LabelledExample(label: "negative", text: "…", line: 2)
    public static func read(directory: String, limit: Int? = nil) throws(TextError) -> [LabelledExample] {
        let vocabularyPath = directory + "/" + vocabularyFile, dataPath = directory + "/" + dataFile
        guard let vocabularyText = try? String(contentsOfFile: vocabularyPath, encoding: .utf8) else {
            throw TextError(.io, file: vocabularyPath, "cannot read the tutorial's vocabulary")
        }
        var words = vocabularyText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if words.last == "" { words.removeLast() }
        guard let data = FileManager.default.contents(atPath: dataPath) else {
            throw TextError(.io, file: dataPath, "cannot read the tutorial's test set")
        }
        guard let rows = try? JSONSerialization.jsonObject(with: data) as? [[Any]] else {
            throw TextError(.malformed, file: dataPath, "expected a JSON list of [[ids], \"0\"|\"1\"] entries")
        }
        var examples: [LabelledExample] = []
        for (index, row) in rows.prefix(limit ?? rows.count).enumerated() {
            guard row.count == 2, let ids = row[0] as? [Int], let raw = row[1] as? String, let label = labelNames[raw] else {
                throw TextError(.malformed, file: dataPath, line: index + 1, "entry \(index + 1) is not [[ids], \"0\"|\"1\"]")
            }
            var tokens: [String] = []
            for id in ids where id != padID {
                guard words.indices.contains(id) else {
                    throw TextError(.malformed, file: dataPath, "entry \(index + 1) has id \(id), outside the \(words.count)-word vocabulary")
                }
                tokens.append(id == unknownID ? unknownWord : words[id])
            }
            examples.append(LabelledExample(label: label, text: tokens.joined(separator: " "), line: index + 1))
        }
        return examples
    }
}
