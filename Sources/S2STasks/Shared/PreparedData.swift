// What every task checks before it trains from a prepared corpus it finds (S2STraining/Prepared): that
// it was made from these text files, unchanged, with these settings — then the task's own checks (its
// pipelines) — and otherwise that it is prepared again, saying why. And the text pipelines a prepared
// corpus keeps beside its ids, which a new run reuses instead of learning them again.
import Foundation
import S2SText
import S2STraining

enum PreparedData {
    /// Where in a model directory a job keeps its prepared training data (without a --data-cache).
    static let modelDirectoryName = "data"

    /// Where a job keeps its prepared data: `dataCache`, or the model directory's data/.
    static func directory(_ dataCache: String?, bundle: ModelBundle) -> String {
        dataCache ?? bundle.directory + "/" + modelDirectoryName
    }

    /// `body` (reuse or prepare the data in `cache`) holding the cache's lock; with a --data-cache (`shared`,
    /// perhaps on a filesystem all ranks see) rank 0 runs it first, so the others find what it made.
    static func preparing<T>(_ cache: String, shared: Bool, distributed: DistributedRun, _ body: () throws -> T) throws -> T {
        try distributed.rankZeroFirst(when: shared) { try PreparedCorpus.withLock(cache, body) }
    }

    /// `use(corpus)` of the prepared corpus in `directory` when it was made from `inputs`, unchanged,
    /// with `settings` and passes `use`'s own checks; nil when there is none, or (logged: "preparing
    /// `what` again: the reason") when it must be made again.
    static func reuse<T>(_ directory: String, inputs: [String], settings: [String: String], what: String,
                         log: (String) -> Void, _ use: (PreparedCorpus) throws -> T) throws -> T? {
        guard FileManager.default.fileExists(atPath: directory + "/" + PreparedCorpus.manifestName) else { return nil }
        do {
            let corpus = try PreparedCorpus.open(directory)
            try corpus.requireInputs(inputs)
            try corpus.requireSettings(settings)
            return try use(corpus)
        } catch let error as PreparedCorpusError {
            log("preparing \(what) again: \(error)")
            return nil
        }
    }

    /// The text pipeline of side `side` kept in a prepared corpus (a `PreparedCorpusError` when it is
    /// missing or damaged, so the corpus is prepared again).
    static func pipeline(in corpus: PreparedCorpus, side: String) throws -> TextProcessor {
        let path = PreparedCorpus.pipelineDirectory(corpus.directory, side: side)
        let processor: TextProcessor
        switch Result(catching: { () throws(TextError) in try TextProcessor(directory: path) }) {
        case .success(let loaded): processor = loaded
        case .failure(let error): throw PreparedCorpusError(file: path, "its text pipeline cannot be read (\(error))")
        }
        try corpus.requirePipelines([side: processor.pipeline.fingerprint])
        return processor
    }

    /// Saves `pipelines` (side name → pipeline) into a corpus being written (`PreparedCorpusWriter.finish`'s `extras`).
    static func save(_ pipelines: [(String, TextProcessor)], into directory: String) throws {
        for (side, processor) in pipelines { try processor.save(directory: PreparedCorpus.pipelineDirectory(directory, side: side)) }
    }
}

extension ReadStatistics {
    /// The counts as a prepared corpus's manifest records them.
    var recorded: [String: Int] {
        ["lines": lines, "used": used, "empty": empty, "overlong": overlong, "cropped": cropped,
         "invalidSkipped": invalidSkipped, "invalidReplaced": invalidReplaced]
    }

    /// The counts a manifest recorded, for the log line the text path printed.
    init(source: String, recorded: [String: Int]) {
        self.init(source: source)
        lines = recorded["lines"] ?? 0; used = recorded["used"] ?? 0; empty = recorded["empty"] ?? 0
        overlong = recorded["overlong"] ?? 0; cropped = recorded["cropped"] ?? 0
        invalidSkipped = recorded["invalidSkipped"] ?? 0; invalidReplaced = recorded["invalidReplaced"] ?? 0
    }
}

extension TextError {
    /// The error as found at `line` of `file` (a worker of a parallel pass sees only the line's text).
    func at(_ file: String, line: Int) -> TextError {
        var located = self
        (located.file, located.line) = (file, line)
        return located
    }
}

/// Token counts of a parallel pass: one `PipelineBuilder` per side for each worker of `ParallelBlocks` (a
/// tokenizer keeps ICU state, so none is shared), summed into one per side at the end.
///
///     let counts = try PipelineCounts(workers: 2, sides: [try PipelineBuilder(settings: settings)])
///     try counts.add(line, side: 0, worker: k)          // inside worker k's part of a block
///     let builder = counts.merged()[0]
final class PipelineCounts: @unchecked Sendable {   // worker k touches only workers[k]
    private final class Worker { var sides: [PipelineBuilder]; init(_ sides: [PipelineBuilder]) { self.sides = sides } }
    private let workers: [Worker]

    /// `workers` workers, each with fresh builders of `sides`' settings.
    init(workers: Int, sides: [PipelineBuilder]) throws {
        self.workers = try (0..<max(1, workers)).map { _ in
            Worker(try sides.map { try PipelineBuilder(settings: $0.settings, bpeMerges: $0.bpeMerges) })
        }
    }

    var count: Int { workers.count }

    func add(_ line: String, side: Int, worker: Int) throws(TextError) { try workers[worker].sides[side].add(line) }

    /// Every side's counts over all workers.
    func merged() -> [PipelineBuilder] {
        var sides = workers[0].sides
        for worker in workers.dropFirst() { for side in sides.indices { sides[side].merge(worker.sides[side]) } }
        return sides
    }
}
