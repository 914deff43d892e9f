// OpenNMT-py 3.5.1 RNN checkpoints imported and translated: four small models trained by
// Tools/reference/opennmt_fixtures.py (brnn LSTM with general attention and 2 layers, rnn GRU with general
// attention, brnn LSTM with dot and with mlp attention; input feeding) give `onmt_translate`'s best
// hypothesis for every one of 20 test_2016 sentences (beam 5, its default length penalty "avg"), with its
// score; and what s2s cannot compute is refused, naming the option.
import Foundation
import Testing
import S2SCore
import S2SDecoding
import S2STraining
import S2STestSupport
@testable import S2STasks

@Suite struct OpenNMTImportTests {
    static let fixtures = Repository.fixtures("S2STasksTests") + "/opennmt"
    static let models = ["brnn_lstm_general", "rnn_gru_general", "brnn_lstm_dot", "brnn_lstm_mlp"]

    /// The fixture checkpoint `name` imported into `root`, loaded.
    static func imported(_ name: String, into root: TemporaryDirectory) throws -> Translator {
        try OpenNMTImport.run(checkpoint: fixtures + "/\(name).pt", into: root.file(name))
        return try Translator(contentsOf: root.file(name))
    }

    /// A fixture's tab-separated rows.
    static func rows(_ file: String) throws -> [[String]] {
        try String(contentsOfFile: fixtures + "/" + file, encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test(arguments: models)
    func translatesAsOnmtTranslate(model name: String) throws {
        let root = TemporaryDirectory("onmt-import")
        defer { root.remove() }
        let translator = try Self.imported(name, into: root)
        let expected = try Self.rows("\(name).expected.tsv")
        var options = TranslationOptions()
        options.lengthPenalty = .average   // onmt_translate's default ("avg", alpha 1)
        let results = try translator.translate(expected.map { $0[0] }, options: options)
        for (result, row) in zip(results, expected) {
            #expect(result.text == row[1], "\(row[0])")
            #expect(abs(result.hypotheses[0].score - Double(row[2])!) < 1e-4, "\(row[0]): score \(result.hypotheses[0].score) vs \(row[2])")
        }
    }

    /// 5-best lists with `-replace_unk` and `-max_length 12` (`<name>.nbest.tsv`, one sentence per
    /// batch in onmt_translate: its length limit takes the batch's longest source). One difference is
    /// expected, and checked: OpenNMT-py 3.5 replaces an <unk> by the attended source word's entry in
    /// its source vocabulary, so a word outside it comes out as <unk> again; s2s copies the word.
    @Test(arguments: models)
    func nBestListsWithUnknownsReplacedAndALengthCapAsOnmtTranslate(model name: String) throws {
        let root = TemporaryDirectory("onmt-import")
        defer { root.remove() }
        let translator = try Self.imported(name, into: root)
        let lines = try Self.rows("test20.en").map { $0[0] }
        let expected = try Self.rows("\(name).nbest.tsv")
        var options = TranslationOptions()
        options.lengthPenalty = .average
        options.nBest = 5
        options.replaceUnknown = true
        options.maxLength = 12
        options.maxLengthRatio = 1.25
        let results = try translator.translate(lines, options: options)
        #expect(expected.count == 5 * lines.count)
        let sourceVocabulary = translator.bundle.text.source.vocabulary
        var replacedOutsideTheVocabulary = 0
        for row in expected {
            let (sentence, rank) = (Int(row[0])!, Int(row[1])!)
            let found = results[sentence].hypotheses[rank]
            let theirs = row[2].split(separator: " ").map(String.init)
            #expect(found.tokens.count == theirs.count, "\(name) \(sentence).\(rank): \(found.text) vs \(row[2])")
            for (mine, their) in zip(found.tokens, theirs) where mine != their {
                #expect(their == "<unk>" && sourceVocabulary.id(of: mine) == nil && lines[sentence].split(separator: " ").contains(Substring(mine)),
                        "\(name) \(sentence).\(rank): \(found.text) vs \(row[2])")
                replacedOutsideTheVocabulary += 1
            }
            #expect(abs(found.score - Double(row[3])!) < 1e-4, "\(name) \(sentence).\(rank): score \(found.score) vs \(row[3])")
        }
        #expect(results.allSatisfy { $0.hypotheses.allSatisfy { $0.tokens.count <= 12 } })
        #expect(replacedOutsideTheVocabulary < expected.count)
    }

    @Test func theLengthLimitIsOpenNMTPysPerSentence() {
        // min(max_length, int(src_len × max_length_ratio + 5)): floored, then capped.
        #expect(OutputLengthLimit(ratio: 1.25).tokens(sourceLength: 3) == 8)
        #expect(OutputLengthLimit(ratio: 1.25, cap: 250).tokens(sourceLength: 300) == 250)
        #expect(OutputLengthLimit(ratio: 1.25, cap: 12).tokens(sourceLength: 6) == 12)
        #expect(OutputLengthLimit().tokens(sourceLength: 7) == 19)
    }

    /// What s2s adds applies to an imported model: an ensemble of a model with itself translates as the
    /// model alone, several imported models (same vocabularies) ensemble, and the bfloat16 and int8 step
    /// weights translate most of the 20 sentences as float32 does (these models have 32 hidden units;
    /// the precisions' own bounds are checked against their oracles in S2SModelsTests).
    @Test func importedModelsEnsembleAndTakeEveryPrecision() throws {
        let root = TemporaryDirectory("onmt-import")
        defer { root.remove() }
        let general = try Self.imported("brnn_lstm_general", into: root)
        for name in ["brnn_lstm_dot", "rnn_gru_general"] { _ = try Self.imported(name, into: root) }
        let lines = try Self.rows("test20.en").map { $0[0] }
        var options = TranslationOptions()
        options.lengthPenalty = .average
        let alone = try general.translate(lines, options: options)
        let twice = try Translator(contentsOf: [root.file("brnn_lstm_general"), root.file("brnn_lstm_general")]).translate(lines, options: options)
        for (a, b) in zip(alone, twice) {
            #expect(a.text == b.text)
            #expect(abs(a.hypotheses[0].score - b.hypotheses[0].score) < 1e-5)
        }
        let three = try Translator(contentsOf: ["brnn_lstm_general", "brnn_lstm_dot", "rnn_gru_general"].map(root.file))
            .translate(lines, options: options)
        #expect(three.allSatisfy { !$0.text.isEmpty } && zip(three, alone).contains { $0.text != $1.text })
        for name in ["brnn_lstm_general", "rnn_gru_general"] {
            let translator = try Translator(contentsOf: root.file(name))
            let exact = try translator.translate(lines, options: options).map(\.text)
            for precision in [WeightPrecision.bfloat16, .bfloat16Dot, .int8] {
                options.weightPrecision = precision
                let packed = try translator.translate(lines, options: options).map(\.text)
                options.weightPrecision = .float32
                #expect(zip(exact, packed).filter { $0 == $1 }.count >= 12, "\(name) \(precision)")
            }
        }
    }

    @Test func whatS2SDoesNotComputeIsRefusedByName() throws {
        func problem(_ changes: [String: PickleValue]) -> String? {
            var keys: [PickleValue] = [], values: [PickleValue] = []
            let base: [String: PickleValue] = ["encoder_type": .string("brnn"), "decoder_type": .string("rnn"), "rnn_type": .string("LSTM"),
                                               "layers": .int(1), "hidden_size": .int(8), "word_vec_size": .int(4),
                                               "global_attention": .string("general"), "input_feed": .int(1)]
            for (key, value) in base.merging(changes, uniquingKeysWith: { $1 }) { keys.append(.string(key)); values.append(value) }
            let opt = PickleValue.object(type: .global(module: "argparse", name: "Namespace"), arguments: [], state: .dict(keys, values))
            do { _ = try OpenNMTImport.configuration(opt) { TorchFileError(file: "m.pt", $0) }; return nil } catch let error as TorchFileError {
                return error.problem
            } catch { return "\(error)" }
        }
        #expect(problem([:]) == nil)
        #expect(problem(["copy_attn": .bool(true)])?.hasPrefix("copy_attn") == true)
        #expect(problem(["coverage_attn": .bool(true)])?.hasPrefix("coverage_attn") == true)
        #expect(problem(["encoder_type": .string("transformer")])?.contains("Transformers") == true)
        #expect(problem(["decoder_type": .string("transformer")])?.hasPrefix("decoder_type transformer") == true)
        #expect(problem(["bridge": .bool(true)])?.hasPrefix("bridge") == true)
        #expect(problem(["context_gate": .string("both")])?.hasPrefix("context_gate") == true)
        #expect(problem(["global_attention_function": .string("sparsemax")])?.contains("sparsemax") == true)
        #expect(problem(["rnn_type": .string("SRU")])?.hasPrefix("rnn_type SRU") == true)
        #expect(problem(["enc_layers": .int(2), "dec_layers": .int(1)])?.contains("same number of layers") == true)
    }

    @Test func aTruncatedOrForeignFileIsRefusedAndAModelIsNotReplaced() throws {
        let root = TemporaryDirectory("onmt-refuse")
        defer { root.remove() }
        let good = try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/rnn_gru_general.pt"))
        try good.prefix(good.count / 2).write(to: URL(fileURLWithPath: root.file("half.pt")))
        let truncated = #expect(throws: TorchFileError.self) { try OpenNMTImport.run(checkpoint: root.file("half.pt"), into: root.file("a")) }
        #expect(truncated?.file == root.file("half.pt") && truncated?.problem.contains("truncated") == true)
        let foreign = #expect(throws: TorchFileError.self) {
            try OpenNMTImport.run(checkpoint: Repository.fixtures("S2SCoreTests") + "/torch_file.pt", into: root.file("b"))
        }
        #expect(foreign?.problem.contains("no hidden_size: not an OpenNMT-py RNN model") == true, "\(String(describing: foreign))")
        let text = #expect(throws: TorchFileError.self) { try OpenNMTImport.run(checkpoint: Self.fixtures + "/test20.en", into: root.file("b")) }
        #expect(text?.problem.contains("not a torch.save file") == true)

        try OpenNMTImport.run(checkpoint: Self.fixtures + "/rnn_gru_general.pt", into: root.file("c"))
        #expect(throws: BundleError.self) { try OpenNMTImport.run(checkpoint: Self.fixtures + "/brnn_lstm_dot.pt", into: root.file("c")) }
        try OpenNMTImport.run(checkpoint: Self.fixtures + "/brnn_lstm_dot.pt", into: root.file("c"), overwrite: true)
    }
}
