// Translation: train the built-in dates translator ("the fourth of july, 1976" → "1976-07-04") for a
// few hundred steps, load the model directory it wrote, and translate.
import S2STasks

/// Returns whether "the third of march 1999" comes out as "1999-03-03".
func translateDates(directory: String, steps: Int) throws -> Bool {
    // Train: the built-in job's settings with a step budget, one data-parallel shard per core.
    var options = TranslationTrainingOptions.dates
    options.trainer.maxSteps = steps
    options.trainer.validateEvery = steps    // validate (and keep the weights) once, at the end
    options.trainer.shards = 2
    let files = try TranslationTrainingJob.Files.dates(directory: directory + "/corpus")   // generated on first use
    var job = TranslationTrainingJob(files: files, modelDirectory: directory + "/model", options: options)
    job.mode = .overwrite                    // replace an earlier run's model in --work-dir
    let result = try job.run { event in
        if case .message(let line) = event { print("  " + line) }   // .step events: loss, speed, … after every step
    }
    print(String(format: "trained %d steps; held-out exact match %.1f%%", result.steps, 100 * (result.test?["exact"] ?? 0)))

    // Translate: one line → its best translation, or many lines with options → results.
    let translator = try Translator(contentsOf: directory + "/model")
    let answer = try translator.translate("the third of march 1999")
    print("the third of march 1999 → \(answer)")
    var search = TranslationOptions()
    search.beamSize = 4
    search.nBest = 2
    let lines = ["saturday, july 4, 1976", "twenty-one dec two thousand and five", ""]
    for (line, result) in zip(lines, try translator.translate(lines, options: search)) {
        let hypotheses = result.hypotheses.map { "\($0.text) (\(String(format: "%.3f", $0.score)))" }
        print("\"\(line)\" → " + hypotheses.joined(separator: " | "))
    }
    return answer == "1999-03-03"
}
