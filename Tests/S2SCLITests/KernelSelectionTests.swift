// `S2S_CPU` as a user sets it, on the release binary (as LessonQuickTests; CI builds it first and sets
// S2S_REQUIRE_RELEASE_BINARY=1): `--version` names the kernel level the process runs, a level the CPU
// lacks or an unknown name falls back with a warning, and a model trained on every level with the kernels'
// own product (AVX2, AVX-512) is the same file, byte for byte. (The generic level multiplies with OpenBLAS,
// whose sums differ; it must train all the same.)
import Foundation
import Testing
import S2SCore
import S2STestSupport

@Suite struct KernelSelectionTests {
    static let binary = Repository.root + "/.build/release/s2s"
    static let available = FileManager.default.isExecutableFile(atPath: binary)
        || ProcessInfo.processInfo.environment["S2S_REQUIRE_RELEASE_BINARY"] == "1"

    static func run(_ arguments: [String], cpu: String?) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["S2S_CPU"] = cpu
        process.environment = environment
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outputData, as: UTF8.self), String(decoding: errorData, as: UTF8.self))
    }

    @Test(.enabled(if: available)) func versionNamesTheLevelS2SCPUChooses() throws {
        let best = KernelLevel.best
        let version = try Self.run(["--version"], cpu: nil).output
        #expect(version.contains("kernels \(best) (CPU ") && version.contains("best \(best)") && version.contains("int8: ") && version.contains("; ICU "),
                 "\(version)")
        for level in KernelLevel.supported {
            let result = try Self.run(["--version"], cpu: level.description)
            #expect(result.status == 0 && (result.output.contains("kernels \(level) ") || result.output.contains("kernels \(level),")),
                    "\(result)")
            #expect(result.error.isEmpty)
        }
        let unknown = try Self.run(["--version"], cpu: "sse9")
        #expect(unknown.output.contains("kernels \(best) "))
        #expect(unknown.error.contains("S2S_CPU=sse9 is not a kernel level (generic, avx2 or avx512); using \(best)"))
        if best != .avx512 {
            let lacking = try Self.run(["--version"], cpu: "avx512")
            #expect(lacking.error.contains("this CPU does not support it; using \(best)"))
        }
    }

    /// Training (products, LSTM cells, Adam, clipping, the loss's softmax) and generation on each level.
    @Test(.enabled(if: available)) func everyLevelTrainsTheSameModel() throws {
        let root = TemporaryDirectory("kernel-levels")
        defer { root.remove() }
        let text = root.write("text.txt", String(repeating: "to be or not to be, that is the question\n", count: 20))
        var models: [(KernelLevel, Data, String)] = []
        for level in KernelLevel.supported {
            let dir = root.file("model-\(level)")
            let trained = try Self.run(["train-lm", "--train", text, "--valid", text, "--model-dir", dir, "--max-steps", "8",
                                        "--hidden-size", "20", "--embedding-size", "6", "--layers", "2", "--batch-size", "3",
                                        "--bptt", "9", "--threads", "2", "--validate-every", "4"], cpu: level.description)
            #expect(trained.status == 0, "\(trained.error)")
            let sample = try Self.run(["generate", "-m", dir, "--prompt", "to be", "--max-tokens", "40", "--seed", "5"],
                                      cpu: level.description)
            models.append((level, try Data(contentsOf: URL(fileURLWithPath: dir + "/model.safetensors")), sample.output))
        }
        let own = models.filter { Kernels($0.0)!.hasGEMM }
        #expect(KernelLevel.best == .generic || own.count >= 1)
        for (level, bytes, sample) in own.dropFirst() {
            #expect(bytes == own[0].1, "model trained on \(level) differs from \(own[0].0)")
            #expect(sample == own[0].2, "sample on \(level) differs from \(own[0].0)")
        }
    }
}
