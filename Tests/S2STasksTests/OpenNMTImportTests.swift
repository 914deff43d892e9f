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

    @Test(arguments: ["brnn_lstm_general", "rnn_gru_general", "brnn_lstm_dot", "brnn_lstm_mlp"])
    func translatesAsOnmtTranslate(model name: String) throws {
        let root = TemporaryDirectory("onmt-import")
        defer { root.remove() }
        try OpenNMTImport.run(checkpoint: Self.fixtures + "/\(name).pt", into: root.file("model"))
        let translator = try Translator(contentsOf: root.file("model"))
        let expected = try String(contentsOfFile: Self.fixtures + "/\(name).expected.tsv", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var options = TranslationOptions()
        options.lengthPenalty = .average   // onmt_translate's default ("avg", alpha 1)
        let results = try translator.translate(expected.map { $0[0] }, options: options)
        for (result, row) in zip(results, expected) {
            #expect(result.text == row[1], "\(row[0])")
            #expect(abs(result.hypotheses[0].score - Double(row[2])!) < 1e-4, "\(row[0]): score \(result.hypotheses[0].score) vs \(row[2])")
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
