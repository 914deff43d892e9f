// A model bundle is a directory: config.json (format, version, model kind, hyper-parameters, text
// settings), model.safetensors (the weights, PyTorch-style names), vocabulary files, and while
// training, checkpoints/. Every file is written atomically; loading checks format, version and every
// tensor's name and shape, and explains what is wrong and what to do.
import Foundation
import S2SCore

public struct BundleError: Error, CustomStringConvertible {
    public let path: String
    public let problem: String
    public let hint: String?
    public init(path: String, problem: String, hint: String? = nil) { self.path = path; self.problem = problem; self.hint = hint }
    public var description: String { "\(path): \(problem)" + (hint.map { "\n  hint: \($0)" } ?? "") }
}

/// The fields every config.json starts with.
public struct BundleHeader: Codable, Sendable, Equatable {
    public var format: String
    public var formatVersion: Int
    public var kind: String
    public init(kind: String) { format = ModelBundle.format; formatVersion = ModelBundle.formatVersion; self.kind = kind }
}

public struct ModelBundle: Sendable {
    public static let format = "s2s-model"
    public static let formatVersion = 1

    public let directory: String
    public init(directory: String) { self.directory = directory }

    public var configPath: String { directory + "/config.json" }
    public var weightsPath: String { directory + "/model.safetensors" }
    public func path(_ file: String) -> String { directory + "/" + file }

    public func create() throws {
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
        catch { throw BundleError(path: directory, problem: "cannot create the model directory: \(error.localizedDescription)") }
    }

    /// Writes `config` (which must encode a `BundleHeader`'s fields at its top level) as config.json.
    public func writeConfig<Config: Encodable>(_ config: Config) throws {
        try AtomicFile.write(try JSON.encode(config), to: configPath)
    }

    /// Reads config.json after checking it is an s2s bundle of `kind` in a version this build reads.
    public func readConfig<Config: Decodable>(_ type: Config.Type, kind: String) throws -> Config {
        guard FileManager.default.fileExists(atPath: configPath) else {
            throw BundleError(path: directory, problem: "no config.json: not an s2s model directory",
                              hint: "pass the directory a train-* command wrote (its --model-dir)")
        }
        let bytes = try AtomicFile.read(configPath)
        let header: BundleHeader
        do { header = try JSON.decode(BundleHeader.self, from: bytes) } catch {
            throw BundleError(path: configPath, problem: "not an s2s config (no format/formatVersion/kind): \(error)")
        }
        guard header.format == Self.format else {
            throw BundleError(path: configPath, problem: "format is \"\(header.format)\", expected \"\(Self.format)\"")
        }
        guard header.formatVersion <= Self.formatVersion else {
            throw BundleError(path: configPath, problem: "format version \(header.formatVersion) is newer than this s2s reads (\(Self.formatVersion))",
                              hint: "upgrade s2s")
        }
        guard header.kind == kind else {
            throw BundleError(path: configPath, problem: "this is a \(header.kind) model, not a \(kind) model",
                              hint: "use the command for \(header.kind) models")
        }
        do { return try JSON.decode(type, from: bytes) } catch {
            throw BundleError(path: configPath, problem: "cannot read the \(kind) settings: \(error)")
        }
    }

    /// Writes parameters to `file` (default model.safetensors) atomically.
    public func writeWeights(_ parameters: [(name: String, variable: Variable)], file: String = "model.safetensors",
                             metadata: [String: String] = [:]) throws {
        try SafeTensors.write(parameters.map { ($0.name, $0.variable.value) }, metadata: metadata, to: path(file))
    }

    /// Loads `file` into `parameters`, requiring exactly the same names and shapes.
    public func readWeights(into parameters: [(name: String, variable: Variable)], file: String = "model.safetensors") throws {
        try Self.load(path: path(file), into: parameters)
    }

    public static func load(path: String, into parameters: [(name: String, variable: Variable)]) throws {
        let tensors: [String: Tensor]
        do { tensors = try SafeTensors.read(path).tensors } catch let error as SafeTensors.Error {
            throw BundleError(path: path, problem: error.problem, hint: "the file is damaged; use a checkpoint from checkpoints/ or retrain")
        }
        let mismatch = "the weights and config.json come from different runs or settings; restore the matching config.json or retrain"
        for (name, variable) in parameters {
            guard let tensor = tensors[name] else {
                throw BundleError(path: path, problem: "tensor \"\(name)\" is missing", hint: mismatch)
            }
            guard tensor.shape == variable.shape else {
                throw BundleError(path: path, problem: "tensor \"\(name)\" has shape \(tensor.shape), the model needs \(variable.shape)",
                                  hint: mismatch)
            }
        }
        let expected = Set(parameters.map(\.name))
        if let extra = tensors.keys.sorted().first(where: { !expected.contains($0) }) {
            throw BundleError(path: path, problem: "unexpected tensor \"\(extra)\"", hint: mismatch)
        }
        for (name, variable) in parameters { variable.value = tensors[name]! }
    }
}

/// JSON as s2s writes it: sorted keys, pretty-printed, so files diff well and hash stably.
public enum JSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + [0x0A]
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
