import ArgumentParser
import Foundation
import S2SCore
import S2STraining

/// `s2s inspect DIR`: what a model bundle holds — kind, format version, settings, vocabularies,
/// parameter count, and every tensor's name and shape — or what a prepared corpus (`s2s prepare`, a
/// model's data/) holds, with its checksums verified and its input files compared with the text now.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model directory (kind, format, settings, vocabularies, tensors) or a prepared corpus.")

    @Argument(help: "A model directory written by a train-* command, or a prepared corpus (s2s prepare, a model's data/).")
    var directory: String

    @OptionGroup var runOptions: RunOptions

    func run() throws {
        if FileManager.default.fileExists(atPath: directory + "/" + PreparedCorpus.manifestName) { return try describeCorpus() }
        let bundle = ModelBundle(directory: directory)
        let configBytes: [UInt8]
        do { configBytes = try AtomicFile.read(bundle.configPath) } catch {
            throw ValidationError("\(directory): no config.json — not an s2s model directory")
        }
        guard let config = try? JSONSerialization.jsonObject(with: Data(configBytes)) as? [String: Any] else {
            throw ValidationError("\(bundle.configPath): not a JSON object")
        }
        print("model:          \(directory)")
        print("kind:           \(config["kind"] ?? "?")")
        print("format:         \(config["format"] ?? "?") version \(config["formatVersion"] ?? "?")")
        for key in config.keys.sorted() where !["kind", "format", "formatVersion"].contains(key) {
            print(describe(key, config[key]!, indent: ""))
        }
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() ?? []
        where file.hasSuffix(".txt") || file.hasSuffix(".vocab") {
            let lines = (try? String(contentsOfFile: bundle.path(file), encoding: .utf8))?.split(separator: "\n").count ?? 0
            print("vocabulary:     \(file) — \(lines) entries")
        }
        let (tensors, _) = try SafeTensors.read(bundle.weightsPath)
        let parameters = tensors.values.reduce(0) { $0 + $1.count }
        print("parameters:     \(parameters) in \(tensors.count) tensors (\(String(format: "%.1f", Double(parameters) * 4 / 1_048_576)) MiB as F32)")
        let width = tensors.keys.map(\.count).max() ?? 0
        for name in tensors.keys.sorted() {
            print("  " + name.padding(toLength: width, withPad: " ", startingAt: 0) + "  \(tensors[name]!.shape)")
        }
    }

    /// A prepared corpus: sides, inputs (and whether they changed), settings, statistics, checksums.
    private func describeCorpus() throws {
        let started = Stopwatch.now()
        let corpus = try PreparedCorpus.open(directory, verify: .everyByte)   // or throws naming the file
        let manifest = corpus.manifest
        print("prepared corpus: \(directory)")
        print("format:          \(manifest.format) version \(manifest.version)")
        print("sequences:       \(manifest.count) per side")
        for side in manifest.sides {
            let pipeline = PreparedCorpus.pipelineDirectory(directory, side: side.name)
            let vocabulary = FileManager.default.fileExists(atPath: pipeline)
                ? ", its text pipeline in \(pipeline)" : ""
            print("side \(side.name):".padding(toLength: 17, withPad: " ", startingAt: 0)
                  + "\(side.tokens) tokens (\(side.tokenBytes) bytes each), longest \(side.longest), pipeline \(side.pipeline)\(vocabulary)")
        }
        for input in manifest.inputs {
            let state: String
            do { state = try input.change().map { $0 + " since it was prepared" } ?? "unchanged" } catch { state = "\(error)" }
            print("input:           \(input.path) (\(input.bytes) bytes) — \(state)")
        }
        print("settings:        " + manifest.settings.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("statistics:      " + manifest.statistics.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(String(format: "checksums:       all match (read in %.1f s)", Stopwatch.now() - started))
    }

    private func describe(_ key: String, _ value: Any, indent: String) -> String {
        if let map = value as? [String: Any] {
            return "\(indent)\(key):\n" + map.keys.sorted().map { describe($0, map[$0]!, indent: indent + "  ") }.joined(separator: "\n")
        }
        return "\(indent)\(key): \(value)"
    }
}
