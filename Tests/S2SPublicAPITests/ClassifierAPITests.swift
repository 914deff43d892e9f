// Classifier through the public API: a label and one probability per label for each line (none for
// an empty one), and accuracy, macro-F1 and the confusion matrix for labelled lines.
import Testing
import S2STasks
import S2STestSupport

@Suite struct ClassifierAPITests {
    let classifier: Classifier
    init() throws { classifier = try TinyClassifier.shared.get() }

    @Test func aLabelAndProbabilitiesThatSumToOne() throws {
        #expect(classifier.labels == ["negative", "positive"])
        let result = try classifier.classify("great service , thanks")
        #expect(result.label == "positive")
        #expect(result.probabilities.count == 2)
        #expect(abs(result.probabilities.reduce(0, +) - 1) < 1e-4)
        #expect(result.probabilities[1] > 0.5)
        #expect(result.top(1, labels: classifier.labels)[0].label == "positive")
        #expect(try classifier.classify("terrible delay , lost bag").label == "negative")
    }

    @Test func emptyLinesGetNoLabel() throws {
        let results = try classifier.classify(["", "lost my bag , no help", " \t "])
        #expect(results.count == 3)
        #expect(results[0].label == nil && results[0].probabilities.isEmpty)
        #expect(results[2].label == nil && results[2].probabilities.isEmpty)
        #expect(results[1].label == "negative")
        #expect(results[1] == (try classifier.classify("lost my bag , no help")))
    }

    @Test func evaluateScoresLabelledLines() throws {
        // The eight training lines, and one more labelled against what the model says.
        let wrong = LabelledExample(label: "negative", text: "thanks , friendly crew", line: 9)
        let report = try classifier.evaluate(TinyClassifier.examples + [wrong])
        #expect(report.count == 9)
        #expect(report.correct == 8)
        #expect(report.confusion == [[4, 1], [0, 4]])   // gold negative predicted positive once
        #expect(report.macroF1 > 0.88 && report.macroF1 < 0.9)
    }
}
