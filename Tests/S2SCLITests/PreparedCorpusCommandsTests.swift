// Training a translator from a prepared corpus, through the release binary: `s2s prepare` then
// `train-translate --data-cache` gives the model bytes that training from the text gives; `s2s inspect`
// describes the corpus, refuses a corrupted one naming the file, and notices a changed text file; a
// run killed with SIGKILL mid-epoch and resumed equals the uninterrupted run; 2 ranks × 1 thread on a
// shared prepared corpus equal 1 process × 2 threads. They skip without the release binary (CI builds
// it and sets S2S_REQUIRE_RELEASE_BINARY=1, so there a skip is a failure).
import Foundation
import Testing
import S2STestSupport

@Suite(.serialized) struct PreparedCorpusCommandsTests {
    static let binary = DistributedTests.binary
    static let available = ProcessInfo.processInfo.environment["S2S_REQUIRE_RELEASE_BINARY"] == "1"
        || FileManager.default.isExecutableFile(atPath: binary)

    /// The first `count` Multi30k training pairs and 20 validation pairs, written into `directory`.
    static func corpus(_ directory: TemporaryDirectory, pairs count: Int) throws -> [String: String] {
        var files: [String: String] = [:]
        for (name, source, lines) in [("train.en", "train.en", count), ("train.de", "train.de", count), ("val.en", "val.en", 20), ("val.de", "val.de", 20)] {
            let text = try String(contentsOfFile: Corpora.path("translation/multi30k/" + source), encoding: .utf8)
            files[name] = directory.write(name, text.split(separator: "\n", omittingEmptySubsequences: false).prefix(lines).joined(separator: "\n") + "\n")
        }
        return files
    }

    static func textFlags(_ files: [String: String]) -> [String] {
        ["--train-src", files["train.en"]!, "--train-tgt", files["train.de"]!, "--bpe-merges", "200", "--lowercase", "--dedup"]
    }

    /// A small translator: tens of milliseconds a step in a release build.
    static func train(_ files: [String: String], _ model: String, threads: Int, steps: Int, _ extra: [String] = []) -> [String] {
        ["train-translate"] + textFlags(files) + ["--valid-src", files["val.en"]!, "--valid-tgt", files["val.de"]!, "--model-dir", model,
         "--embedding-size", "16", "--hidden-size", "16", "--batch-size", "8", "--validate-every", "4", "--max-steps", "\(steps)",
         "--threads", "\(threads)"] + extra
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try DistributedTests.run(binary, arguments)
    }

    @Test(.enabled(if: available, "needs the release build"))
    func preparedOnceTrainedFromTheCacheAsFromTheText() throws {
        let directory = TemporaryDirectory("prepared-cli")
        defer { directory.remove() }
        let files = try Self.corpus(directory, pairs: 600)
        let (fromText, fromCache, cache) = (directory.file("text"), directory.file("cache-model"), directory.file("big.prepared"))
        let plain = try Self.run(Self.train(files, fromText, threads: 2, steps: 8))
        #expect(plain.status == 0, "\(plain.output)")

        let prepared = try Self.run(["prepare"] + Self.textFlags(files) + ["--out", cache, "--threads", "2"])
        #expect(prepared.status == 0 && prepared.output.contains("pairs in \(cache)"), "\(prepared.output)")
        let inspected = try Self.run(["inspect", cache])
        #expect(inspected.status == 0 && inspected.output.contains("sequences:       600 per side")
                && inspected.output.contains("— unchanged") && inspected.output.contains("checksums:       all match"), "\(inspected.output)")

        let cached = try Self.run(Self.train(files, fromCache, threads: 2, steps: 8, ["--data-cache", cache]))
        #expect(cached.status == 0 && cached.output.contains("text pipelines and training pairs: the prepared corpus in \(cache)"), "\(cached.output)")
        #expect(!cached.output.contains("prepared 600 into"), "the cache is not prepared again")
        #expect(try DistributedTests.bytes(fromText + "/model.safetensors") == DistributedTests.bytes(fromCache + "/model.safetensors"))

        // A flipped byte: inspect refuses naming the file; training prepares the corpus again, saying why.
        let ids = cache + "/target.ids"
        var bytes = try DistributedTests.bytes(ids)
        bytes[bytes.count / 2] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: ids))
        let refused = try Self.run(["inspect", cache])
        #expect(refused.status != 0 && refused.output.contains("\(ids): corrupted"), "\(refused.output)")
        let again = try Self.run(Self.train(files, fromCache, threads: 2, steps: 8, ["--data-cache", cache, "--overwrite"]))
        #expect(again.status == 0 && again.output.contains("preparing the training data again: \(ids): corrupted"), "\(again.output)")
        #expect(try DistributedTests.bytes(fromText + "/model.safetensors") == DistributedTests.bytes(fromCache + "/model.safetensors"))

        // A text file edited since (same length, other words): noticed.
        var english = try String(contentsOfFile: files["train.en"]!, encoding: .utf8)
        english = english.replacingOccurrences(of: "dog", with: "cat")
        try english.write(toFile: files["train.en"]!, atomically: false, encoding: .utf8)
        let changed = try Self.run(["inspect", cache])
        #expect(changed.output.contains("\(files["train.en"]!) (") && changed.output.contains("since it was prepared"), "\(changed.output)")
    }

    @Test(.enabled(if: available, "needs the release build"))
    func killedMidEpochAndResumedEqualsTheUninterruptedRun() throws {
        let directory = TemporaryDirectory("prepared-kill")
        defer { directory.remove() }
        let files = try Self.corpus(directory, pairs: 4000)   // 500 batches an epoch: the kill lands mid-epoch
        let model = directory.file("killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = Self.train(files, model, threads: 2, steps: 1_000_000)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while (try? DistributedTests.latest(model)) == nil && Date() < deadline && process.isRunning { usleep(20_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let step = Int(try DistributedTests.latest(model).dropFirst("step-".count))!
        #expect(step % 500 != 0, "killed at an epoch's end (step \(step))")

        let target = step + 12
        let resumed = try Self.run(Self.train(files, model, threads: 2, steps: target, ["--resume"]))
        #expect(resumed.status == 0 && resumed.output.contains("training pairs: the prepared corpus in"), "\(resumed.output)")
        let whole = directory.file("whole")
        let uninterrupted = try Self.run(Self.train(files, whole, threads: 2, steps: target))
        #expect(uninterrupted.status == 0, "\(uninterrupted.output)")
        try DistributedTests.expectSameRun(model, whole, "resumed after SIGKILL vs uninterrupted", carriedState: false)
    }

    @Test(.enabled(if: DistributedTests.available, "needs Open MPI (mpirun) and the release build"))
    func twoRanksOnASharedPreparedCorpusEqualOneProcessWithTwoThreads() throws {
        let directory = TemporaryDirectory("prepared-mpi")
        defer { directory.remove() }
        let files = try Self.corpus(directory, pairs: 600)
        let cache = directory.file("shared.prepared")
        let (alone, ranks) = (directory.file("alone"), directory.file("ranks"))
        let single = try Self.run(Self.train(files, alone, threads: 2, steps: 12, ["--data-cache", cache]))
        #expect(single.status == 0, "\(single.output)")
        let distributed = try DistributedTests.mpi(2, Self.train(files, ranks, threads: 1, steps: 12, ["--data-cache", cache, "--distributed"]))
        #expect(distributed.status == 0 && distributed.output.contains("the prepared corpus in \(cache)"), "\(distributed.output)")
        try DistributedTests.expectSameRun(alone, ranks, "2 ranks × 1 thread vs 1 process × 2 threads on a prepared corpus", carriedState: false)
    }

    @Test(.enabled(if: available, "needs the release build"))
    func theLanguageModelAndTheClassifierShareAPreparedCacheToo() throws {
        let directory = TemporaryDirectory("prepared-lm-classify")
        defer { directory.remove() }
        let text = DistributedTests.text(in: directory), cache = directory.file("lm.prepared")
        func lm(_ model: String) -> [String] {
            DistributedTests.lmArguments(text, directory.file(model), threads: 2, steps: 4) + ["--data-cache", cache]
        }
        let first = try Self.run(lm("a")), second = try Self.run(lm("b"))
        #expect(first.status == 0 && first.output.contains("training text: prepared"), "\(first.output)")
        #expect(second.status == 0 && second.output.contains("text pipeline and training text: the prepared corpus in \(cache)"), "\(second.output)")
        #expect(try DistributedTests.bytes(directory.file("a") + "/model.safetensors") == DistributedTests.bytes(directory.file("b") + "/model.safetensors"))

        let tweets = try String(contentsOfFile: Corpora.path("sentiment/airline/train.tsv"), encoding: .utf8)
        let train = directory.write("train.tsv", tweets.split(separator: "\n").prefix(400).joined(separator: "\n") + "\n")
        let classifierCache = directory.file("tweets.prepared")
        func classify(_ model: String) -> [String] {
            ["train-classify", "--train", train, "--valid", Corpora.path("sentiment/airline/dev.tsv"), "--model-dir", directory.file(model),
             "--max-steps", "3", "--hidden-size", "16", "--embedding-size", "16", "--threads", "2", "--data-cache", classifierCache]
        }
        let one = try Self.run(classify("c")), two = try Self.run(classify("d"))
        #expect(one.status == 0 && one.output.contains("training examples: prepared 400 into"), "\(one.output)")
        #expect(two.status == 0 && two.output.contains("text pipeline and training examples: the prepared corpus in \(classifierCache)"), "\(two.output)")
        #expect(try DistributedTests.bytes(directory.file("c") + "/model.safetensors") == DistributedTests.bytes(directory.file("d") + "/model.safetensors"))
    }
}
