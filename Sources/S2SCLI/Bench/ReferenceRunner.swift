// Runs a PyTorch reference benchmark script (Tools/reference/*.py) and reads its JSON lines, so s2s and
// the reference are measured on the same machine in the same invocation.
import Foundation

struct ReferenceResult {
    let name: String
    let seconds: Double
    let tokensPerSecond: Double
    let gflops: Double
    /// The reference process's peak resident set size so far, when the script reports it.
    var peakRSSMiB: Double? = nil
}

enum ReferenceRunner {
    /// Runs `python script args… --json`; returns its results by name, or a reason it could not run.
    static func run(python: String, script: String, arguments: [String]) -> Result<[String: ReferenceResult], ReferenceError> {
        guard FileManager.default.fileExists(atPath: script) else {
            return .failure(ReferenceError("reference script \(script) not found (run from the repository root)"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments + ["--json"]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            return .failure(ReferenceError("cannot start \(python): \(error)"))
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let lastLine = errorText.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            return .failure(ReferenceError("\(python) \(script) failed: \(lastLine)"))
        }
        var results: [String: ReferenceResult] = [:]
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let name = object["name"] as? String else { continue }
            results[name] = ReferenceResult(name: name, seconds: object["seconds"] as? Double ?? .nan,
                                            tokensPerSecond: object["tokens_per_s"] as? Double ?? .nan,
                                            gflops: object["gflops"] as? Double ?? .nan,
                                            peakRSSMiB: object["peak_rss_mib"] as? Double)
        }
        return .success(results)
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
