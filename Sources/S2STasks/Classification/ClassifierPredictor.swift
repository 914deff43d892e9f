// Batched, multi-core inference for the classifier: lines → tokens → ids → probabilities, one row per
// line in input order. The lines are cut into one contiguous part per thread; each thread tokenizes its
// part with its own TextProcessor (they are not thread-safe), sorts it by length (less padding), and runs
// the model in batches, its first recurrent layer's input projection looked up in `EmbeddingProjections`.
// An ensemble runs every member on the same batches and averages their probabilities.
// Chunks are whole batches of work (milliseconds), so thread wake-ups cost nothing next to them; BLAS
// should run one thread per core (`BLAS.setThreads(1)`). A predictor is a snapshot of the model's
// weights: make a new one after they change.
import S2SCore
import S2SModels
import S2SText

/// Classifies text with a trained `ClassificationModel` (or an ensemble of them: the mean of their
/// probabilities) and the text pipeline it was trained with.
///
///     let predictor = try ClassifierPredictor(model: model, text: text, threads: 2)
///     let rows = try predictor.probabilities(lines: ["@united thanks!", ""])   // 2 rows of C probabilities
///     rows[0].indices.max { rows[0][$0] < rows[0][$1] }                        // the predicted class id
public final class ClassifierPredictor {
    /// The models averaged (one unless an ensemble); all read `text` and have the same classes.
    public let models: [ClassificationModel]
    /// Sentences per forward pass.
    public let batchSize: Int
    /// Longest sequence in tokens: longer lines are classified on their first `maxTokens` tokens, so
    /// memory and time stay bounded on any line (nil = no limit).
    public let maxTokens: Int?
    /// One text processor per thread.
    private let processors: [TextProcessor]
    /// Each model's first-layer input projections under the weights at creation.
    private let projections: [EmbeddingProjections]

    /// `text` is used by the first thread; the others get copies built from its settings and files.
    public convenience init(model: ClassificationModel, text: TextProcessor, threads: Int = 1, batchSize: Int = 256,
                            maxTokens: Int? = nil) throws(TextError) {
        try self.init(models: [model], text: text, threads: threads, batchSize: batchSize, maxTokens: maxTokens)
    }

    /// An ensemble: every model reads the lines through `text`; a row is the mean of their probabilities.
    public init(models: [ClassificationModel], text: TextProcessor, threads: Int = 1, batchSize: Int = 256,
                maxTokens: Int? = nil) throws(TextError) {
        precondition(threads >= 1 && batchSize >= 1, "ClassifierPredictor: threads and batch size must be at least 1")
        precondition((maxTokens ?? 1) >= 1, "ClassifierPredictor: maxTokens must be at least 1")
        precondition(!models.isEmpty && models.allSatisfy { $0.config.classes == models[0].config.classes },
                     "ClassifierPredictor: at least one model, all with the same classes")
        self.models = models
        self.batchSize = batchSize
        self.maxTokens = maxTokens
        var processors = [text]
        for _ in 1..<threads {
            processors.append(try TextProcessor(settings: text.settings, codes: text.codes, vocabulary: text.vocabulary))
        }
        self.processors = processors
        projections = models.map { EmbeddingProjections($0) }
    }

    public var threads: Int { processors.count }

    /// Probabilities (C per line) for every line, in order; an empty line gets the prediction of an empty
    /// sentence. A tokenizer error names the line as `firstLineNumber` + its index.
    public func probabilities(lines: [String], firstLineNumber: Int = 1) throws(TextError) -> [[Float]] {
        try classify(lines: lines, firstLineNumber: firstLineNumber).probabilities
    }

    /// `probabilities(lines:firstLineNumber:)` and the indices (into `lines`) of the lines cropped to
    /// `maxTokens`, for a warning.
    public func classify(lines: [String], firstLineNumber: Int = 1) throws(TextError) -> (probabilities: [[Float]], cropped: [Int]) {
        let parts = Self.partition(lines.count, into: threads)
        let results = parts.map { _ in PartResult() }
        ParallelMap.forEach(count: parts.count, threads: threads) { part in
            let range = parts[part], text = self.processors[part]
            do throws(TextError) {
                var sequences: [[Int]] = []
                sequences.reserveCapacity(range.count)
                for index in range {
                    do throws(TextError) {
                        let ids = try text.encode(lines[index])
                        if let maxTokens = self.maxTokens, ids.count > maxTokens {
                            sequences.append(Array(ids.prefix(maxTokens)))
                            results[part].cropped.append(index)
                        } else {
                            sequences.append(ids)
                        }
                    } catch {
                        var located = error
                        located.line = firstLineNumber + index
                        throw located
                    }
                }
                results[part].rows = self.sortedBatches(sequences)
            } catch {
                results[part].error = error
            }
        }
        if let error = results.compactMap(\.error).first { throw error }
        return (results.flatMap(\.rows), results.flatMap(\.cropped))
    }

    /// Probabilities for token-id sequences (already encoded), in order.
    public func probabilities(sequences: [[Int]]) -> [[Float]] {
        let parts = Self.partition(sequences.count, into: threads)
        let results = parts.map { _ in PartResult() }
        ParallelMap.forEach(count: parts.count, threads: threads) { part in
            results[part].rows = self.sortedBatches(Array(sequences[parts[part]]))
        }
        return results.flatMap(\.rows)
    }

    /// Runs the models over `sequences` in batches of similar length; rows come back in input order.
    private func sortedBatches(_ sequences: [[Int]]) -> [[Float]] {
        let order = sequences.indices.sorted { (sequences[$0].count, $0) < (sequences[$1].count, $1) }
        var rows = [[Float]](repeating: [], count: sequences.count)
        let C = models[0].config.classes
        for start in stride(from: 0, to: order.count, by: batchSize) {
            let batch = Array(order[start..<min(order.count, start + batchSize)])
            let inputs = batch.map { sequences[$0] }
            var probabilities = models[0].probabilities(inputs, projections: projections[0])
            if models.count > 1 {   // the mean, summed in member order
                for (model, projections) in zip(models, projections).dropFirst() {
                    let more = model.probabilities(inputs, projections: projections)
                    for k in 0..<probabilities.count { probabilities.scalars[k] += more.scalars[k] }
                }
                for k in 0..<probabilities.count { probabilities.scalars[k] /= Float(models.count) }
            }
            for (row, index) in batch.enumerated() {
                rows[index] = Array(probabilities.scalars[row * C..<(row + 1) * C])
            }
        }
        return rows
    }

    /// `count` items cut into at most `parts` contiguous, non-empty ranges.
    static func partition(_ count: Int, into parts: Int) -> [Range<Int>] {
        let used = max(1, min(parts, count))
        let size = (count + used - 1) / used
        return stride(from: 0, to: count, by: max(1, size)).map { $0..<min(count, $0 + size) }
    }
}

/// One thread's output (a box per thread, so threads never write the same array).
private final class PartResult: @unchecked Sendable {
    var rows: [[Float]] = []
    var cropped: [Int] = []
    var error: TextError?
}

extension Array where Element == Float {
    /// The index of the largest value (the first on ties); nil when empty.
    ///
    ///     [0.2, 0.7, 0.1].argmax   // 1
    public var argmax: Int? {
        guard !isEmpty else { return nil }
        var best = 0
        for i in indices where self[i] > self[best] { best = i }
        return best
    }
}
