// Accuracy, per-label precision/recall/F1, macro-F1 and the confusion matrix on a hand-checked example.
import Testing
@testable import S2STasks
import S2SModels

@Suite struct ClassificationReportTests {
    @Test func handCheckedScores() {
        // gold:      0 0 0 1 1 2 2 2
        // predicted: 0 0 1 1 2 2 2 0
        let report = ClassificationReport(gold: [0, 0, 0, 1, 1, 2, 2, 2], predicted: [0, 0, 1, 1, 2, 2, 2, 0], classes: 3)
        #expect(report.confusion == [[2, 1, 0], [0, 1, 1], [1, 0, 2]])
        #expect(report.count == 8 && report.correct == 5 && report.accuracy == 5.0 / 8)
        // label 0: P 2/3, R 2/3; label 1: P 1/2, R 1/2; label 2: P 2/3, R 2/3.
        #expect(abs(report.scores(0).f1 - 2.0 / 3) < 1e-12)
        #expect(abs(report.scores(1).precision - 0.5) < 1e-12 && report.scores(1).support == 2)
        #expect(abs(report.macroF1 - (2.0 / 3 + 0.5 + 2.0 / 3) / 3) < 1e-12)
    }

    @Test func labelNeverPredictedCountsAsZero() {
        let report = ClassificationReport(gold: [0, 1, 1], predicted: [0, 0, 0], classes: 2)
        #expect(report.scores(1).precision == 0 && report.scores(1).f1 == 0)
        #expect(abs(report.macroF1 - 0.25) < 1e-12)   // label 0: P 1/3, R 1, F1 0.5; label 1: 0
    }
}
