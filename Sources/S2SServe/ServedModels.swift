// The models a server holds: each directory given to `s2s serve -m`, loaded through the task layer
// (Translator, Classifier, TextGenerator) by the kind its config.json names, and served under its
// directory's last path component ("Models/en-de" → "en-de").
import Foundation
import S2STasks
import S2STraining

/// One model a server serves, under a name.
///
///     let model = try ServedModel(directory: "Models/en-de")               // served as "en-de"
///     let other = ServedModel(name: "digits", translator: translator)      // one already loaded
public struct ServedModel {
    enum Task: Sendable {
        case translator(Translator)
        case classifier(Classifier)
        case generator(TextGenerator)
    }

    public let name: String
    let task: Task
    /// The integer id OpenNMT-py's clients name it by (`s2s serve --opennmt-config`); nil: its position.
    public var openNMTId: Int?
    /// A translator's own search settings (from an OpenNMT-py configuration); nil: the server's.
    public var translationOptions: TranslationOptions?
    /// config.json's "model" object: sizes, attention, vocabulary sizes (shown by GET /models).
    let settings: [String: Any]

    /// "translator", "classifier" or "language-model", as config.json names it.
    public var kind: String {
        switch task {
        case .translator: TranslationBundleConfig.kind
        case .classifier: ClassificationBundle.kind
        case .generator: LanguageModelBundleConfig.kind
        }
    }

    public init(name: String, translator: Translator) {
        self.init(name: name, task: .translator(translator), settings: translator.bundle.config.model)
    }

    public init(name: String, classifier: Classifier) {
        self.init(name: name, task: .classifier(classifier), settings: classifier.bundle.config.model)
    }

    public init(name: String, generator: TextGenerator) {
        self.init(name: name, task: .generator(generator), settings: generator.bundle.config.model)
    }

    /// `model` under another name.
    init(renaming model: ServedModel, to name: String) {
        self.name = name; task = model.task; settings = model.settings
        openNMTId = model.openNMTId; translationOptions = model.translationOptions
    }

    private init(name: String, task: Task, settings: some Encodable) {
        self.name = name
        self.task = task
        let data = (try? JSONEncoder().encode(settings)) ?? Data()
        self.settings = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    }

    /// Loads `directory` as the kind its config.json says, named after the directory's last path
    /// component; throws `BundleError` naming what is wrong. A classifier uses `threads` cores a batch.
    public init(directory: String, threads: Int = 1) throws {
        let trimmed = directory.count > 1 && directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let name = URL(fileURLWithPath: trimmed).lastPathComponent
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
            self.init(name: name, translator: try Translator(contentsOf: directory))
        case ClassificationBundle.kind:
            var options = ClassificationOptions()
            options.threads = threads
            self.init(name: name, classifier: try Classifier(contentsOf: directory, options: options))
        case LanguageModelBundleConfig.kind:
            self.init(name: name, generator: try TextGenerator(contentsOf: directory))
        default:
            throw BundleError(path: bundle.configPath, problem: "a \(header.kind) model cannot be served")
        }
    }
}

extension ServedModel: @unchecked Sendable {}   // `settings` is read-only JSON (plain values)

/// The models by name, in the order they were given.
struct ServedModels: Sendable {
    let all: [ServedModel]

    /// Refuses two models of the same name.
    init(_ models: [ServedModel]) throws {
        var seen = Set<String>()
        for model in models where !seen.insert(model.name).inserted {
            throw ServeError.badRequest("two models are called \"\(model.name)\": serve models from directories with different names")
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
            throw ofKind.isEmpty ? ServeError.notFound("this server serves no \(kind) model")
                                 : ServeError.badRequest("name the model: \(kind) models served: \(Self.list(ofKind))")
        }
        return ofKind[0]
    }

    private static func list(_ models: [ServedModel]) -> String {
        models.isEmpty ? "none" : models.map(\.name).joined(separator: ", ")
    }
}
