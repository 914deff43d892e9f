// A translator training run as a program sees it: the result, and the events its progress handler
// receives — log lines, one `.step` per optimizer step, and `.finished` last.
import Testing
import S2STasks
import S2STestSupport
import S2STraining

@Suite struct TranslationTrainingJobAPITests {
    @Test func progressSendsMessagesEveryStepAndFinishedLast() throws {
        let trained = try TinyTranslator.shared.get()
        #expect(trained.result.stopReason == .maxSteps)
        #expect(trained.result.steps == TinyTranslator.steps)
        #expect(trained.result.bestStep == TinyTranslator.steps)
        #expect(trained.result.bestValidationBLEU == nil)   // the validation loss picked the weights, not BLEU

        let events = trained.events
        let steps = events.compactMap { event -> Int? in
            guard case .step(let progress) = event else { return nil }
            return progress.step
        }
        let messages = events.compactMap { event -> String? in
            guard case .message(let line) = event else { return nil }
            return line
        }
        #expect(steps == Array(1...TinyTranslator.steps))
        #expect(messages.contains { $0.hasPrefix("training data:") })
        #expect(messages.contains { $0.hasPrefix("validation at step \(TinyTranslator.steps)") })
        #expect(messages.last?.hasPrefix("stopped (maxSteps) at step \(TinyTranslator.steps): best validation loss 0.") == true)
        #expect(events.last == .finished)
        #expect(events.filter { $0 == .finished }.count == 1)
    }
}
