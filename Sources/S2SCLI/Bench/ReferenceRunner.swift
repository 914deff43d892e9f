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
    /// CPU seconds (all threads) of the measurement, when the script reports them.
    var cpuSeconds: Double? = nil
}

enum ReferenceRunner {
    /// The Python the references run with unless --python says: the virtualenv Tools/reference/setup.sh
    /// makes at the repository's root, when it is there, else python3 from PATH.
    static var defaultPython: String {
        FileManager.default.isExecutableFile(atPath: ".venv/bin/python") ? ".venv/bin/python" : "python3"
    }

    /// Runs `python script args… --json`; returns its results by name, or a reason it could not run.
    static func run(python: String, script: String, arguments: [String]) -> Result<[String: ReferenceResult], ReferenceError> {
        ReferenceLines.run(python: python, script: script, arguments: arguments).map { lines in
            var results: [String: ReferenceResult] = [:]
            for object in lines {
                guard let name = object["name"] as? String else { continue }
                results[name] = ReferenceResult(name: name, seconds: object["seconds"] as? Double ?? .nan,
                                                tokensPerSecond: object["tokens_per_s"] as? Double ?? .nan,
                                                gflops: object["gflops"] as? Double ?? .nan,
                                                peakRSSMiB: object["peak_rss_mib"] as? Double,
                                                cpuSeconds: object["cpu_seconds"] as? Double)
            }
            return results
        }
    }
}

/// Runs a reference script and returns its JSON lines as dictionaries (the script gets `--json`).
enum ReferenceLines {
    static func run(python: String, script: String, arguments: [String]) -> Result<[[String: Any]], ReferenceError> {
        guard FileManager.default.fileExists(atPath: script) else {
            return .failure(ReferenceError("reference script \(script) not found (run from the repository root)"))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script] + arguments + ["--json"]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch { return .failure(ReferenceError("cannot start \(python): \(error)")) }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errorText = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let lastLine = errorText.split(separator: "\n").last.map(String.init) ?? "exit \(process.terminationStatus)"
            return .failure(ReferenceError("\(python) \(script) failed: \(lastLine)"))
        }
        return .success(String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
    }
}

struct ReferenceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
