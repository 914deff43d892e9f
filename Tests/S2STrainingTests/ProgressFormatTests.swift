import Testing
import S2STraining

@Suite struct ProgressFormatTests {
    @Test func compactCounts() {
        let values: [Double] = [0, 7.4, 999, 999.6, 1234, 9_994, 9_996, 12_345, 99_960, 123_456, 1_500_000, 2.5e9]
        #expect(values.map(ProgressFormat.count) ==
                ["0", "7", "999", "1.00k", "1.23k", "9.99k", "10.0k", "12.3k", "100k", "123k", "1.50M", "2.50G"])
        #expect(ProgressFormat.count(.nan) == "-")
    }

    @Test func durations() {
        #expect([0, 45.2, 59.6, 125, 3599, 3720, 86_399, 183_600].map(ProgressFormat.duration) ==
                ["0s", "45s", "1m00s", "2m05s", "59m59s", "1h02m", "23h59m", "2d03h"])
        #expect(ProgressFormat.duration(-1) == "--" && ProgressFormat.duration(.infinity) == "--")
    }

    @Test func learningRatesAndNumbers() {
        #expect([1, 0.001, 5e-5, 0.000123456, 2.5e-10].map(ProgressFormat.learningRate) ==
                ["1", "0.001", "5e-5", "0.000123", "2.5e-10"])
        #expect([3.21449, 24.93, 1234.4, 123_456, .nan].map(ProgressFormat.number) ==
                ["3.214", "24.93", "1234", "1.23e+05", "nan"])
    }

    @Test func remainingTime() {
        #expect(ProgressFormat.remaining(elapsed: 60, step: 100, totalSteps: 400) == 180)
        #expect(ProgressFormat.remaining(elapsed: 60, step: 0, totalSteps: 400) == nil)
    }

    let progress = TrainingProgress(epoch: 2, step: 1200, totalSteps: 5000, loss: 3.21449, perplexity: 24.93,
                                    learningRate: 0.001, tokensPerSecond: 12_345, elapsed: 125, eta: 3720)

    @Test func logLine() {
        #expect(ProgressFormat.line(progress) ==
                "epoch 2 step 1200/5000 loss 3.214 ppl 24.93 lr 0.001 12.3k tok/s elapsed 2m05s ETA 1h02m")
        var classifier = progress
        (classifier.perplexity, classifier.accuracy, classifier.totalSteps, classifier.eta) = (nil, 0.4123, nil, nil)
        #expect(ProgressFormat.line(classifier) == "epoch 2 step 1200 loss 3.214 acc 41.2% lr 0.001 12.3k tok/s elapsed 2m05s")
    }

    @Test func barFitsTheWidthAndDropsLeastImportantFields() {
        #expect(ProgressFormat.bar(progress, width: 120) ==
                "[####----------------] 24% epoch 2 step 1200/5000 loss 3.214 ppl 24.93 lr 0.001 12.3k tok/s elapsed 2m05s ETA 1h02m")
        #expect(ProgressFormat.bar(progress, width: 60) == "step 1200/5000 loss 3.214 ppl 24.93 12.3k tok/s ETA 1h02m")
        #expect(ProgressFormat.bar(progress, width: 30) == "step 1200/5000 loss 3.214")
        for width in [1, 10, 20, 40, 80, 100, 200] {
            #expect(ProgressFormat.bar(progress, width: width).count <= max(width - 1, 1))
        }
    }
}
