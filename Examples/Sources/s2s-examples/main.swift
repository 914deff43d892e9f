// s2s as a library, in three short parts: train a translator, a language model and a classifier for a
// few seconds each, then use them. Every call is public API (`import S2STasks`) — the same calls the
// s2s commands make.
//
//     swift run -c release --package-path Examples s2s-examples \
//         [--work-dir DIR] [--dates-steps N] [--shakespeare input.txt] [--tweets train.tsv dev.tsv]
//
// Without --work-dir the models go to a temporary directory removed at the end. Exits 1 if the
// translator gets "the third of march 1999" wrong (or anything throws), so CI notices a broken library.
import Foundation

var arguments = ArraySlice(CommandLine.arguments.dropFirst())
var workDirectory: String?, datesSteps = 400, shakespeare: String?, tweets: (train: String, valid: String)?
while let flag = arguments.popFirst() {
    switch (flag, arguments.count) {
    case ("--work-dir", 1...): workDirectory = arguments.popFirst()
    case ("--dates-steps", 1...) where Int(arguments.first!) != nil: datesSteps = Int(arguments.popFirst()!)!
    case ("--shakespeare", 1...): shakespeare = arguments.popFirst()
    case ("--tweets", 2...): tweets = (arguments.popFirst()!, arguments.popFirst()!)
    default:
        print("usage: s2s-examples [--work-dir DIR] [--dates-steps N] [--shakespeare input.txt] [--tweets train.tsv dev.tsv]")
        exit(2)
    }
}
let root = workDirectory ?? FileManager.default.temporaryDirectory.appendingPathComponent("s2s-examples-\(UUID().uuidString)").path

var status: Int32 = 0
do {
    print("== Translation: spelled-out dates → ISO dates")
    if try !translateDates(directory: root + "/dates", steps: datesSteps) {
        print("FAILED: \"the third of march 1999\" should translate to 1999-03-03")
        status = 1
    }
    print("\n== Language model: generated text, streamed")
    try await generateText(directory: root + "/lm", corpus: shakespeare)
    print("\n== Classifier: labels and probabilities")
    try classifyText(directory: root + "/classifier", corpus: tweets)
} catch {
    print("FAILED: \(error)")
    status = 1
}
if workDirectory == nil { try? FileManager.default.removeItem(atPath: root) }
exit(status)
