// OpenNMT-py's server configuration (`onmt_server --config conf.json`) read by `s2s serve --opennmt-config`,
// so an OpenNMT-py server's clients switch by changing a URL: every model of `models` is served under its
// integer `id` (the id a request's items carry) with its `opt` as its translation settings. A model may be an
// OpenNMT-py checkpoint (`.pt`, imported at start-up through a scratch directory, removed once loaded) or an
// s2s model directory.
//
//     {"models_root": "./available_models",
//      "models": [{"id": 100, "model": "model_0.pt", "timeout": 600, "load": true, "opt": {"beam_size": 5}}]}
import Foundation
import S2SDecoding
import S2STasks
import S2STraining

enum OpenNMTServerConfig {
    struct File: Decodable {
        var models_root: String?
        var models: [Entry]
    }

    struct Entry: Decodable {
        var id: Int
        var model: String
        var opt: Options?
    }

    /// The `opt` keys s2s maps (the others — gpu, batch_size, tokenizer, … — are OpenNMT-py's own).
    struct Options: Decodable {
        var beam_size: Int?
        var n_best: Int?
        var length_penalty: String?
        var alpha: Double?
        var min_length: Int?
        var max_length: Int?
        var max_length_ratio: Double?
        var block_ngram_repeat: Int?
        var replace_unk: Bool?
    }

    /// The models of `path`, each under its id, with its options (OpenNMT-py's translate defaults for what
    /// `opt` leaves out: beam 5, one hypothesis, length penalty avg with alpha 1, max_length 250,
    /// max_length_ratio 1.25). Errors name the file.
    static func load(_ path: String, threads: Int) throws -> [ServedModel] {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw ServeError.badRequest("\(path): not an OpenNMT-py server configuration (\(error))")
        }
        let base = (path as NSString).deletingLastPathComponent
        let root = file.models_root.map { $0.hasPrefix("/") ? $0 : (base.isEmpty ? $0 : base + "/" + $0) } ?? base
        let scratch = FileManager.default.temporaryDirectory.path + "/s2s-serve-opennmt-\(getpid())"
        var seen = Set<Int>()
        // An imported checkpoint is read into memory at load: its scratch copy goes once all are loaded.
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try file.models.map { entry in
            guard seen.insert(entry.id).inserted else { throw ServeError.badRequest("\(path): two models have id \(entry.id)") }
            let location = entry.model.hasPrefix("/") ? entry.model : (root.isEmpty ? entry.model : root + "/" + entry.model)
            var directory = location
            if location.hasSuffix(".pt") {
                directory = scratch + "/\(entry.id)"
                try? FileManager.default.removeItem(atPath: directory)
                try OpenNMTImport.run(checkpoint: location, into: directory)
            }
            var model = try ServedModel(directory: directory, threads: threads)
            guard case .translator = model.task else { throw ServeError.badRequest("\(path): model \(entry.id) (\(location)) is not a translator") }
            model = ServedModel(renaming: model, to: "\(entry.id)")
            model.openNMTId = entry.id
            model.translationOptions = try options(entry.opt, model: entry.id, file: path)
            return model
        }
    }

    static func options(_ opt: Options?, model: Int, file: String) throws -> TranslationOptions {
        var options = TranslationOptions()
        options.beamSize = opt?.beam_size ?? 5
        options.nBest = opt?.n_best ?? 1
        options.minLength = opt?.min_length ?? 0
        let maxLength = opt?.max_length ?? 250
        guard maxLength >= 1 else { throw ServeError.badRequest("\(file): model \(model): max_length \(maxLength)") }
        options.maxLength = maxLength
        // OpenNMT-py turns the ratio off at ≤ 0 (max_length alone); a ratio of max_length does the same
        // for every source of one token or more.
        let ratio = opt?.max_length_ratio ?? 1.25
        options.maxLengthRatio = ratio > 0 ? ratio : Double(maxLength)
        options.blockNgramRepeat = opt?.block_ngram_repeat ?? 0
        options.replaceUnknown = opt?.replace_unk ?? false
        let alpha = opt?.alpha ?? 1   // OpenNMT-py's default
        switch opt?.length_penalty ?? "avg" {
        case "none": options.lengthPenalty = .none
        case "avg" where alpha == 1: options.lengthPenalty = .average
        case "avg": throw ServeError.badRequest("\(file): model \(model): length_penalty avg with alpha \(alpha) (OpenNMT-py's length^alpha) is not supported; s2s's avg is alpha 1")
        case "wu": options.lengthPenalty = .wu(alpha: alpha)
        case let other: throw ServeError.badRequest("\(file): model \(model): length_penalty \(other) (none, avg or wu)")
        }
        guard options.beamSize >= 1, options.nBest >= 1, options.nBest <= options.beamSize else {
            throw ServeError.badRequest("\(file): model \(model): beam_size \(options.beamSize), n_best \(options.nBest)")
        }
        return options
    }
}
