// The models a server holds: each directory given to `s2s serve -m`, loaded through the task layer
// (Translator, Classifier, TextGenerator) by the kind its config.json names, and served under its
// directory's last path component ("Models/en-de" → "en-de").
import Foundation
import S2STasks
import S2STraining

/// One loaded model.
struct ServedModel {
    enum Task: Sendable {
        case translator(Translator)
        case classifier(Classifier)
        case generator(TextGenerator)
    }

    let name: String
    let directory: String
    let task: Task
    /// config.json's "model" object: sizes, attention, vocabulary sizes (shown by GET /models).
    let settings: [String: Any]

    var kind: String {
        switch task {
        case .translator: TranslationBundleConfig.kind
        case .classifier: ClassificationBundle.kind
        case .generator: LanguageModelBundleConfig.kind
        }
    }

    /// Loads `directory` as the kind its config.json says; throws `BundleError` naming what is wrong.
    init(directory: String, classifierThreads: Int) throws {
        let trimmed = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        name = URL(fileURLWithPath: trimmed).lastPathComponent
        self.directory = directory
        let bundle = ModelBundle(directory: directory)
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: bundle.configPath)) } catch {
            throw BundleError(path: bundle.configPath, problem: "cannot read it: is \(directory) a model directory?")
        }
        let header: BundleHeader
        do { header = try JSONDecoder().decode(BundleHeader.self, from: data) } catch {
            throw BundleError(path: bundle.configPath, problem: "not an s2s config (no format/formatVersion/kind)")
        }
        switch header.kind {
        case TranslationBundleConfig.kind:
            task = .translator(try Translator(contentsOf: directory))
        case ClassificationBundle.kind:
            var options = ClassificationOptions()
            options.threads = classifierThreads
            task = .classifier(try Classifier(contentsOf: directory, options: options))
        case LanguageModelBundleConfig.kind:
            task = .generator(try TextGenerator(contentsOf: directory))
        default:
            throw BundleError(path: bundle.configPath, problem: "a \(header.kind) model cannot be served")
        }
        let config = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        settings = config?["model"] as? [String: Any] ?? [:]
    }
}

extension ServedModel: @unchecked Sendable {}   // `settings` is read-only JSON (plain values)

/// The models by name, in the order they were given.
struct ServedModels: Sendable {
    let all: [ServedModel]

    /// Loads every directory; two directories with the same last component are refused.
    init(directories: [String], classifierThreads: Int) throws {
        var models: [ServedModel] = []
        for directory in directories {
            let model = try ServedModel(directory: directory, classifierThreads: classifierThreads)
            if let other = models.first(where: { $0.name == model.name }) {
                throw BundleError(path: directory, problem: "served as \"\(model.name)\", a name \(other.directory) already has",
                                  hint: "serve models from directories with different names")
            }
            models.append(model)
        }
        all = models
    }

    /// The model called `name`, of `kind`; with no name, the only model of that kind. 404 otherwise.
    func model(named name: String?, kind: String) throws -> ServedModel {
        let ofKind = all.filter { $0.kind == kind }
        if let name {
            if let model = ofKind.first(where: { $0.name == name }) { return model }
            let other = all.first { $0.name == name }
            throw ServeError.notFound(other.map { "model \"\(name)\" is a \($0.kind), not a \(kind)" }
                                      ?? "no model \"\(name)\"; \(kind) models served: \(Self.list(ofKind))")
        }
        guard ofKind.count == 1 else {
            throw ofKind.isEmpty ? ServeError.notFound("this server has no \(kind) model")
                                 : ServeError.badRequest("name the model: \(kind) models served: \(Self.list(ofKind))")
        }
        return ofKind[0]
    }

    private static func list(_ models: [ServedModel]) -> String {
        models.isEmpty ? "none" : models.map(\.name).joined(separator: ", ")
    }
}
