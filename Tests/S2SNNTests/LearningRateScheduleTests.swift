import Foundation
import Testing
import S2SNN

@Suite struct LearningRateScheduleTests {
    @Test func constantWithLinearWarmup() {
        let schedule = LearningRateSchedule.constant(1, warmupSteps: 4)
        #expect((1...6).map { schedule.learningRate(step: $0) } == [0.25, 0.5, 0.75, 1, 1, 1])
        #expect(LearningRateSchedule.constant(0.3).learningRate(step: 1) == 0.3)
    }

    @Test func stepDecayLikeStepLR() {
        let schedule = LearningRateSchedule.stepDecay(1, factor: 0.5, every: 10)
        #expect([1, 9, 10, 19, 20, 35].map { schedule.learningRate(step: $0) } == [1, 1, 0.5, 0.5, 0.25, 0.125])
    }

    @Test func stepDecayOpenNMTStyle() {
        // OpenNMT: lr · 0.5^⌊max(step − 50 + 10, 0)/10⌋ — first halved at step 50, then every 10.
        let schedule = LearningRateSchedule.stepDecay(2, factor: 0.5, every: 10, start: 50)
        #expect([1, 49, 50, 59, 60, 70].map { schedule.learningRate(step: $0) } == [2, 2, 1, 1, 0.5, 0.25])
    }

    @Test func plateauFollowsTorchSemantics() {
        // patience 2: the third observation in a row without improvement reduces.
        var schedule = LearningRateSchedule.reduceOnPlateau(1, ReduceOnPlateau(factor: 0.5, patience: 2))
        let metrics: [Double] = [10, 9, 9, 9.5, 9, 8, 8.9999, 8, 8]
        let reduced = metrics.map { schedule.observe(metric: $0) }
        #expect(reduced == [false, false, false, false, true, false, false, false, true])
        #expect(schedule.learningRate(step: 100) == 0.25)
    }

    @Test func relativeThresholdIgnoresTinyImprovements() {
        var plateau = ReduceOnPlateau(factor: 0.1, patience: 0, threshold: 0.01)
        plateau.reset(learningRate: 1)
        plateau.observe(100)
        let tiny = plateau.observe(99.5)        // < 1 % better: not an improvement, patience 0 → reduce
        #expect(tiny && plateau.best == 100)
        let real = plateau.observe(98.9)        // > 1 % better than 100
        #expect(!real && plateau.best == 98.9)
    }

    @Test func maxModeAbsoluteThresholdCooldownAndMinimum() {
        var plateau = ReduceOnPlateau(mode: .max, factor: 0.5, patience: 0, threshold: 0.1,
                                      thresholdMode: .absolute, cooldown: 1, minLearningRate: 0.3)
        plateau.reset(learningRate: 1)
        var rates: [Double] = []
        let reduced = [0.5, 0.55, 0.4, 0.4, 0.4, 0.4, 0.7].map { metric in
            defer { rates.append(plateau.learningRate) }
            return plateau.observe(metric)
        }
        // 0.5 first: improvement. 0.55: not > 0.5 + 0.1, patience 0 → 0.5, cooldown 1. 0.4: ignored in
        // cooldown. 0.4: → max(0.25, 0.3). 0.4: cooldown. 0.4: at the minimum, no change. 0.7: improvement.
        #expect(reduced == [false, true, false, true, false, false, false])
        #expect(rates == [1, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3])
        #expect(plateau.best == 0.7)
    }

    @Test func nonFiniteMetricIsNeverAnImprovement() {
        var plateau = ReduceOnPlateau(patience: 1)
        plateau.reset(learningRate: 1)
        plateau.observe(.nan)
        #expect(plateau.best == nil && plateau.badObservations == 1)
        plateau.observe(3)
        #expect(plateau.best == 3 && plateau.badObservations == 0)
    }

    @Test func savesAndRestoresMidPlateau() throws {
        var schedule = LearningRateSchedule.reduceOnPlateau(1, ReduceOnPlateau(factor: 0.5, patience: 1), warmupSteps: 10)
        for metric in [5.0, 5, 5, 4] { schedule.observe(metric: metric) }
        let data = try JSONEncoder().encode(schedule)
        var restored = try JSONDecoder().decode(LearningRateSchedule.self, from: data)
        #expect(restored == schedule)
        for metric in [4.0, 4, 4, 3] {
            let (a, b) = (restored.observe(metric: metric), schedule.observe(metric: metric))
            #expect(a == b)
        }
        #expect(restored == schedule)
        #expect(schedule.learningRate(step: 5) == 0.5 * 0.25)
    }

    @Test func annealsToZeroOverTheRun() throws {
        let linear = LearningRateSchedule.anneal(2, .linear), cosine = LearningRateSchedule.anneal(2, .cosine)
        #expect([0, 0.25, 0.5, 1, 1.5].map { linear.learningRate(step: 7, progress: $0) } == [2, 1.5, 1, 0, 0])
        let halfCosine = [0, 0.25, 0.5, 0.75, 1].map { cosine.learningRate(step: 7, progress: $0) }
        for (rate, expected) in zip(halfCosine, [2, 1 + 0.5.squareRoot(), 1, 1 - 0.5.squareRoot(), 0]) {
            #expect(abs(rate - expected) < 1e-12)
        }
        #expect(linear.needsProgress && !LearningRateSchedule.constant(1).needsProgress)
        // Warmup still ramps the first updates; a validation metric changes nothing.
        var warm = LearningRateSchedule.anneal(1, .linear, warmupSteps: 4)
        #expect(warm.learningRate(step: 2, progress: 0.5) == 0.25)
        #expect(!warm.observe(metric: 3) && !warm.observe(metric: 4))
        #expect(try JSONDecoder().decode(LearningRateSchedule.self, from: JSONEncoder().encode(cosine)) == cosine)
    }
}
