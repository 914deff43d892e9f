// `s2s train-* --distributed` under a real mpirun (Open MPI): 2 ranks × 1 thread against 1 process ×
// 2 threads, bit for bit; a rank killed mid-run ends the job, and --resume finishes it as if nothing
// had happened; ranks with other settings are refused; and (as root, with Tools/mpi/hosts.sh) the
// same across two network namespaces. They run the release binary. They skip when mpirun or the
// binary is missing; CI installs Open MPI and sets S2S_REQUIRE_MPI=1, so there a skip is a failure.
import Foundation
import Testing
import S2STestSupport

@Suite(.serialized) struct DistributedTests {
    static let binary = Repository.root + "/.build/release/s2s"
    static let mpirun = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let required = ProcessInfo.processInfo.environment["S2S_REQUIRE_MPI"] == "1"
    static let available = required || (mpirun != nil && FileManager.default.isExecutableFile(atPath: binary))
    /// Network namespaces can be made here (root, with the rights a container may lack).
    static let namespacesWork: Bool = {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") else { return false }
        guard let add = try? run("/usr/sbin/ip", ["netns", "add", "s2s-probe"]), add.status == 0 else { return false }
        _ = try? run("/usr/sbin/ip", ["netns", "del", "s2s-probe"])
        return true
    }()

    /// Root may run mpirun in tests; ranks waiting in a collective yield the core instead of spinning,
    /// so the other test suites running beside these keep their CPU.
    static let mpiEnvironment = ["OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
                                 "OMPI_MCA_mpi_yield_when_idle": "1"]

    /// A small character language model: seconds per run in a release build.
    static func lmArguments(_ text: String, _ model: String, threads: Int, steps: Int) -> [String] {
        ["train-lm", "--train", text, "--valid", text, "--model-dir", model, "--hidden-size", "24", "--embedding-size", "8",
         "--layers", "2", "--batch-size", "8", "--bptt", "16", "--epochs", "1000", "--max-steps", "\(steps)",
         "--validate-every", "4", "--threads", "\(threads)", "--learning-rate", "0.01"]
    }

    /// The killed run's step limit is not the resumed run's, and train-lm's default rate falls to zero over
    /// the step limit; the plateau rule's rate does not depend on it, so both runs follow the same rates.
    static let fixedHorizon = ["--learning-rate-schedule", "plateau"]

    static func text(in directory: TemporaryDirectory) -> String {
        directory.write("rhyme.txt", String(repeating: TinyLanguageModel.rhyme, count: 40))
    }

    /// Runs `executable` with `arguments`; returns its status and its stdout + stderr.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(
            Self.mpiEnvironment.merging(environment) { $1 }) { $1 }
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    /// `mpirun -np N s2s …` (ranks may share a core: --oversubscribe).
    static func mpi(_ ranks: Int, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try run(try #require(mpirun), ["--oversubscribe", "-np", "\(ranks)", binary] + arguments)
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    static func latest(_ model: String) throws -> String {
        try String(contentsOfFile: model + "/checkpoints/LATEST", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The weights, the carried LSTM state (a language model's; `carriedState: false` for the other
    /// tasks) and the kept model of two runs are the same bytes.
    static func expectSameRun(_ a: String, _ b: String, _ what: String, carriedState: Bool = true) throws {
        #expect(try bytes(a + "/model.safetensors") == bytes(b + "/model.safetensors"), "\(what): model.safetensors")
        let (ca, cb) = (try latest(a), try latest(b))
        #expect(ca == cb, "\(what): latest checkpoints \(ca) vs \(cb)")
        for file in ["model.safetensors", "optimizer.safetensors"] + (carriedState ? ["model_state.safetensors"] : []) {
            #expect(try bytes("\(a)/checkpoints/\(ca)/\(file)") == bytes("\(b)/checkpoints/\(cb)/\(file)"), "\(what): checkpoint \(file)")
        }
    }

    @Test(.enabled(if: available, "needs Open MPI (mpirun) and the release build"))
    func twoRanksEqualOneProcessWithTwoThreads() throws {
        let directory = TemporaryDirectory("mpi-equal")
        defer { directory.remove() }
        let text = Self.text(in: directory)
        let (alone, ranks) = (directory.file("alone"), directory.file("ranks"))
        let single = try Self.run(Self.binary, Self.lmArguments(text, alone, threads: 2, steps: 12))
        #expect(single.status == 0, "\(single.output)")
        let distributed = try Self.mpi(2, Self.lmArguments(text, ranks, threads: 1, steps: 12) + ["--distributed"])
        #expect(distributed.status == 0, "\(distributed.output)")
        try Self.expectSameRun(alone, ranks, "2 ranks × 1 thread vs 1 process × 2 threads")
        #expect(distributed.output.contains("2 ranks: ") && distributed.output.contains(" ms per step: forward and backward ")
                && distributed.output.contains("gradient exchange"), "\(distributed.output)")
    }

    @Test(.enabled(if: available, "needs Open MPI (mpirun) and the release build"))
    func killedRankEndsTheJobAndResumeFinishesIt() throws {
        let directory = TemporaryDirectory("mpi-kill")
        defer { directory.remove() }
        let text = Self.text(in: directory), model = directory.file("killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.mpirun))
        process.arguments = ["--oversubscribe", "-np", "2", Self.binary] + Self.lmArguments(text, model, threads: 1, steps: 1_000_000)
            + ["--distributed"] + Self.fixedHorizon
        process.environment = ProcessInfo.processInfo.environment.merging(Self.mpiEnvironment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for a checkpoint, then kill rank 1 the hard way.
        let deadline = Date().addingTimeInterval(120)
        while (try? Self.latest(model)) == nil && Date() < deadline && process.isRunning { usleep(20_000) }
        let victim = try #require(Self.rankProcess(1, modelDirectory: model), "rank 1's process")
        kill(victim, SIGKILL)
        let killed = Date()
        while process.isRunning && Date().timeIntervalSince(killed) < 60 { usleep(50_000) }
        let seconds = Date().timeIntervalSince(killed)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(seconds < 30, "the job went on for \(seconds) s after rank 1 died")
        #expect(process.terminationStatus != 0)

        // Resume to 12 steps past the kept checkpoint; an uninterrupted run to the same step must agree.
        let step = Int(try Self.latest(model).dropFirst("step-".count))!
        let target = step + 12
        let resumed = try Self.mpi(2, Self.lmArguments(text, model, threads: 1, steps: target) + ["--distributed", "--resume"] + Self.fixedHorizon)
        #expect(resumed.status == 0, "\(resumed.output)")
        let whole = directory.file("whole")
        let uninterrupted = try Self.mpi(2, Self.lmArguments(text, whole, threads: 1, steps: target) + ["--distributed"] + Self.fixedHorizon)
        #expect(uninterrupted.status == 0, "\(uninterrupted.output)")
        try Self.expectSameRun(model, whole, "resumed after a kill vs uninterrupted")
    }

    @Test(.enabled(if: available, "needs Open MPI (mpirun) and the release build"))
    func ranksWithOtherSettingsAreRefusedBeforeTheFirstStep() throws {
        let directory = TemporaryDirectory("mpi-refuse")
        defer { directory.remove() }
        let text = Self.text(in: directory), model = directory.file("refused")
        let base = Self.lmArguments(text, model, threads: 1, steps: 12) + ["--distributed"]
        let result = try Self.run(try #require(Self.mpirun), ["--oversubscribe", "-np", "1", Self.binary] + base + ["--dropout", "0"]
                                  + [":", "-np", "1", Self.binary] + base + ["--dropout", "0.3"])
        #expect(result.status != 0)
        #expect(result.output.contains("rank 1 was started with another model settings than rank 0"), "\(result.output)")
        #expect((try? Self.latest(model)) == nil, "a checkpoint was written")
    }

    @Test(.enabled(if: available && namespacesWork, "needs network namespaces (root), Open MPI and the release build"))
    func twoRanksAcrossTwoNetworkNamespaces() throws {
        let hosts = Repository.root + "/Tools/mpi/hosts.sh"
        let up = try Self.run(hosts, ["up"])
        #expect(up.status == 0, "\(up.output)")
        defer { _ = try? Self.run(hosts, ["down"]) }
        let directory = TemporaryDirectory("mpi-netns")
        defer { directory.remove() }
        let text = Self.text(in: directory)
        let (alone, ranks) = (directory.file("alone"), directory.file("ranks"))
        #expect(try Self.run(Self.binary, Self.lmArguments(text, alone, threads: 2, steps: 12)).status == 0)
        let distributed = try Self.run(Repository.root + "/Tools/mpi/mpirun-two-hosts.sh",
                                       [Self.binary] + Self.lmArguments(text, ranks, threads: 1, steps: 12) + ["--distributed"])
        #expect(distributed.status == 0, "\(distributed.output)")
        try Self.expectSameRun(alone, ranks, "2 ranks across namespaces vs 1 process × 2 threads")
    }

    /// The pid of the s2s process of `rank` training into `modelDirectory` (from /proc).
    static func rankProcess(_ rank: Int, modelDirectory: String) -> pid_t? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        for entry in entries {
            guard let pid = Int32(entry),
                  let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/cmdline")),
                  let environment = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(entry)/environ")) else { continue }
            let arguments = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if arguments.first?.hasSuffix("/s2s") == true, arguments.contains(modelDirectory),
               variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") {
                return pid
            }
        }
        return nil
    }
}
