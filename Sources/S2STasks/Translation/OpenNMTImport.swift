// An OpenNMT-py 3.x RNN checkpoint (`onmt_train … -encoder_type rnn|brnn -decoder_type rnn`) as an s2s
// translator bundle. s2s's translator is the same network under the same names (bi-LSTM or GRU encoder
// without a bridge, input-feeding decoder, global attention, a linear generator), so the import reads the
// checkpoint's options, refuses what s2s does not compute (copy attention, coverage, a context gate, a
// bridge, sparsemax, a Transformer, …) naming it, renames the two embeddings, and reorders the rows of the
// embeddings and the generator from OpenNMT-py's vocabulary order (`<unk> <blank> <s> </s> …`) to s2s's
// (`<pad> <unk> <s> </s> …`). The text pipelines take the already-tokenized input OpenNMT-py took:
// space-separated tokens (`TokenizerSettings.Unit.spaces`).
import Foundation
import S2SCore
import S2SModels
import S2SText
import S2STraining

/// Imports OpenNMT-py RNN translation checkpoints.
///
///     let summary = try OpenNMTImport.run(checkpoint: "model_step_10000.pt", into: "Models/onmt-en-de")
///     let translator = try Translator(modelDirectory: "Models/onmt-en-de")
public enum OpenNMTImport {
    /// What an import made.
    public struct Summary: Sendable {
        public var config: TranslationConfig
        public var sourceVocabulary: Int, targetVocabulary: Int
        /// The OpenNMT-py options read, as "name value" (for the log and config.json).
        public var options: [String: String]
    }

    /// Reads `checkpoint` and writes a translator bundle into `directory` (which must not hold a model
    /// unless `overwrite`). Throws naming the file and what cannot be imported.
    @discardableResult
    public static func run(checkpoint: String, into directory: String, overwrite: Bool = false) throws -> Summary {
        let value = try TorchFile.read(checkpoint)
        func refuse(_ problem: String) -> TorchFileError { TorchFileError(file: checkpoint, problem) }
        guard let opt = value["opt"], let vocab = value["vocab"], let model = value["model"]?.entries else {
            throw refuse("not an OpenNMT-py checkpoint: it needs \"model\", \"vocab\" and \"opt\" entries")
        }
        let (config, options) = try configuration(opt, refuse: refuse)

        // Vocabularies: OpenNMT-py's token lists, s2s's specials first.
        func tokens(_ side: String) throws -> [String] {
            guard let list = vocab[side]?.array?.compactMap(\.string), !list.isEmpty else {
                throw refuse("its vocab has no \(side) token list (OpenNMT-py 3.x checkpoints hold one)")
            }
            return list
        }
        let (sourceTokens, targetTokens) = (try tokens("src"), try tokens("tgt"))
        let specials = ["<blank>", "<unk>", "<s>", "</s>"]   // OpenNMT-py's names for s2s's <pad> <unk> <s> </s>
        func vocabulary(_ tokens: [String], side: String) throws -> (Vocabulary, rows: [Int]) {
            var index: [String: Int] = [:]
            for (i, token) in tokens.enumerated() where index[token] == nil { index[token] = i }
            let rows = specials.compactMap { index[$0] }
            guard rows.count == 4 else {
                throw refuse("its \(side) vocabulary lacks one of \(specials.joined(separator: " "))")
            }
            let rest = tokens.enumerated().filter { !specials.contains($0.element) }
            do {
                return (try Vocabulary(tokens: rest.map(\.element)), rows + rest.map(\.offset))
            } catch {
                throw refuse("its \(side) vocabulary cannot be an s2s vocabulary: \(error)")
            }
        }
        let (source, sourceRows) = try vocabulary(sourceTokens, side: "source")
        let (target, targetRows) = try vocabulary(targetTokens, side: "target")
        var full = config
        (full.sourceVocabularySize, full.targetVocabularySize) = (source.count, target.count)

        // Tensors under s2s's names, rows in s2s's vocabulary order.
        var tensors: [String: Tensor] = [:]
        for (name, item) in model {
            guard case .tensor(let shape, let values) = item else { continue }
            tensors[name] = Tensor(shape: shape, scalars: values)
        }
        for (name, item) in value["generator"]?.entries ?? [] {
            guard case .tensor(let shape, let values) = item else { continue }
            let plain = name.hasPrefix("0.") ? String(name.dropFirst(2)) : name   // OpenNMT-py 2's Sequential(Linear, LogSoftmax)
            tensors["generator." + plain] = Tensor(shape: shape, scalars: values)
        }
        let renamed = ["encoder.embeddings.make_embedding.emb_luts.0.weight": "encoder.embedding.weight",
                       "decoder.embeddings.make_embedding.emb_luts.0.weight": "decoder.embedding.weight"]
        for (from, to) in renamed {
            guard let tensor = tensors.removeValue(forKey: from) else { throw refuse("no \(from): not an RNN model with word embeddings") }
            tensors[to] = tensor
        }
        func reorder(_ name: String, _ rows: [Int]) throws {
            guard let tensor = tensors[name] else { throw refuse("no \(name)") }
            let width = tensor.shape.dropFirst().reduce(1, *)
            guard tensor.shape.first == rows.count else {
                throw refuse("\(name) has \(tensor.shape.first ?? 0) rows for a vocabulary of \(rows.count)")
            }
            var scalars = [Float](repeating: 0, count: tensor.scalars.count)
            for (to, from) in rows.enumerated() { scalars[(to * width)..<((to + 1) * width)] = tensor.scalars[(from * width)..<((from + 1) * width)] }
            tensors[name] = Tensor(shape: tensor.shape, scalars: scalars)
        }
        try reorder("encoder.embedding.weight", sourceRows)
        try reorder("decoder.embedding.weight", targetRows)
        if config.tieTargetEmbedding { tensors["generator.weight"] = nil } else { try reorder("generator.weight", targetRows) }
        try reorder("generator.bias", targetRows)

        // The bundle: settings, pipelines, then the weights checked against the model s2s builds.
        let bundle = ModelBundle(directory: directory)
        if !overwrite, FileManager.default.fileExists(atPath: bundle.weightsPath) {
            throw BundleError(path: directory, problem: "already holds a model", hint: "pass --overwrite to replace it, or import into another --model-dir")
        }
        let settings = TokenizerSettings(unit: .spaces)
        let text = TranslationText(source: try TextProcessor(settings: settings, codes: nil, vocabulary: source),
                                   target: try TextProcessor(settings: settings, codes: nil, vocabulary: target), lowercase: false)
        var record = options
        record["importedFrom"] = checkpoint
        try TranslationBundle.writeSettings(
            TranslationBundleConfig(model: full, lowercase: false, sourcePipeline: text.source.pipeline, targetPipeline: text.target.pipeline,
                                    training: record, trainer: nil), text: text, to: bundle)
        var rng = Generator(seed: 1)
        let built = try TranslationModel(config: full, rng: &rng, initialize: false)
        for (name, variable) in built.namedParameters {
            guard let tensor = tensors.removeValue(forKey: name) else { throw refuse("no tensor for s2s's \(name) (\(describe(options)))") }
            guard tensor.shape == variable.shape else {
                throw refuse("\(name) has shape \(tensor.shape), the model its options describe needs \(variable.shape)")
            }
            variable.value = tensor
        }
        if let extra = tensors.keys.sorted().first { throw refuse("holds \(extra), which s2s's translator has no place for (\(describe(options)))") }
        try bundle.writeWeights(built.namedParameters, metadata: ["importedFrom": (checkpoint as NSString).lastPathComponent])
        return Summary(config: full, sourceVocabulary: source.count, targetVocabulary: target.count, options: options)
    }

    private static func describe(_ options: [String: String]) -> String {
        options.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// The translator OpenNMT-py's options describe, or the first option s2s cannot compute.
    static func configuration(_ opt: PickleValue, refuse: (String) -> TorchFileError) throws -> (TranslationConfig, [String: String]) {
        func string(_ key: String) -> String? { opt[key]?.string }
        func int(_ key: String) -> Int? { opt[key]?.int }
        func flag(_ key: String) -> Bool { opt[key]?.bool ?? false }
        let modelType = string("model_type") ?? "text", encoderType = string("encoder_type") ?? "rnn", decoderType = string("decoder_type") ?? "rnn"
        guard modelType == "text" else { throw refuse("model_type \(modelType): only text models are imported") }
        guard ["rnn", "brnn"].contains(encoderType) else {
            throw refuse("encoder_type \(encoderType): only RNN encoders (rnn, brnn) are imported, not Transformers or CNNs")
        }
        guard decoderType == "rnn" else { throw refuse("decoder_type \(decoderType): only the RNN decoder (rnn) is imported") }
        if flag("copy_attn") { throw refuse("copy_attn: copy attention is not supported") }
        if flag("coverage_attn") { throw refuse("coverage_attn: coverage attention is not supported") }
        if flag("bridge") { throw refuse("bridge: the encoder-to-decoder bridge layer is not supported") }
        if let gate = string("context_gate") { throw refuse("context_gate \(gate): context gates are not supported") }
        if let function = string("global_attention_function"), function != "softmax" {
            throw refuse("global_attention_function \(function): only softmax attention is supported")
        }
        if (int("input_feed") ?? 1) != 1 { throw refuse("input_feed 0: s2s's decoder always feeds the attention output back") }
        if let features = opt["src_feats"]?.array, !features.isEmpty { throw refuse("source features are not supported") }
        let cell: RecurrentCell
        switch string("rnn_type") ?? "LSTM" {
        case "LSTM": cell = .lstm
        case "GRU": cell = .gru
        case let other: throw refuse("rnn_type \(other): only LSTM and GRU are imported")
        }
        let encoderLayers = int("enc_layers") ?? int("layers") ?? 1, decoderLayers = int("dec_layers") ?? int("layers") ?? 1
        guard encoderLayers == decoderLayers, encoderLayers >= 1 else {
            throw refuse("enc_layers \(encoderLayers), dec_layers \(decoderLayers): s2s's encoder and decoder have the same number of layers")
        }
        guard int("enc_hid_size") ?? int("hidden_size") != nil else { throw refuse("its options have no hidden_size: not an OpenNMT-py RNN model") }
        let encoderSize = int("enc_hid_size") ?? int("hidden_size") ?? 0, decoderSize = int("dec_hid_size") ?? int("hidden_size") ?? 0
        guard encoderSize == decoderSize, encoderSize > 0 else {
            throw refuse("enc_hid_size \(encoderSize), dec_hid_size \(decoderSize): s2s's decoder is as wide as the encoder's output")
        }
        let bidirectional = encoderType == "brnn"
        guard !bidirectional || encoderSize % 2 == 0 else { throw refuse("hidden_size \(encoderSize): a brnn encoder needs an even size") }
        let attention: AttentionType
        switch string("global_attention") ?? "general" {
        case "general": attention = .general
        case "dot": attention = .dot
        case "mlp": attention = .mlp
        case let other: throw refuse("global_attention \(other): only general, dot and mlp are imported")
        }
        let vectors = int("word_vec_size") ?? 500
        var config = TranslationConfig(sourceVocabularySize: 0, targetVocabularySize: 0)
        config.cell = cell
        config.layers = encoderLayers
        config.bidirectional = bidirectional
        config.encoderHiddenSize = bidirectional ? encoderSize / 2 : encoderSize
        config.sourceEmbeddingSize = int("src_word_vec_size").flatMap { $0 > 0 ? $0 : nil } ?? vectors
        config.targetEmbeddingSize = int("tgt_word_vec_size").flatMap { $0 > 0 ? $0 : nil } ?? vectors
        config.attention = attention
        config.dropout = 0
        config.labelSmoothing = 0
        config.tieTargetEmbedding = flag("share_decoder_embeddings")
        let options = ["encoder_type": encoderType, "rnn_type": string("rnn_type") ?? "LSTM", "layers": "\(encoderLayers)",
                       "hidden_size": "\(encoderSize)", "global_attention": attention.rawValue, "input_feed": "1",
                       "share_decoder_embeddings": "\(config.tieTargetEmbedding)"]
        return (config, options)
    }
}
