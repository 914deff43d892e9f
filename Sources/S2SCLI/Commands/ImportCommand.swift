import ArgumentParser
import S2STasks

/// `s2s import opennmt MODEL.pt --model-dir DIR`: models trained elsewhere as s2s bundles.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a model trained by another toolkit as an s2s model directory.",
        subcommands: [ImportOpenNMTCommand.self])
}

/// `s2s import opennmt`: an OpenNMT-py 3.x RNN checkpoint as a translator bundle.
struct ImportOpenNMTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opennmt",
        abstract: "Import an OpenNMT-py RNN translation checkpoint (rnn/brnn encoder, LSTM or GRU, global attention, input feeding).",
        discussion: """
            Reads the checkpoint without Python and writes a translator: the same weights, the checkpoint's \
            vocabularies, and text pipelines that take what onmt_translate took — already tokenized text, \
            tokens separated by spaces (the model's own tokenizer and BPE stay yours to run, as with \
            onmt_translate). Copy attention, coverage, context gates, a bridge and Transformers are refused.
              s2s import opennmt model_step_10000.pt --model-dir Models/onmt-en-de
              s2s translate -m Models/onmt-en-de --beam-size 5 < test.tok.en
            """)

    @Argument(help: "The OpenNMT-py checkpoint (.pt, as onmt_train or onmt_release_model wrote it).")
    var checkpoint: String

    @Option(help: "The model directory to write.")
    var modelDir: String

    @Flag(help: "Replace a model already in --model-dir.")
    var overwrite = false

    func run() throws {
        let summary = try OpenNMTImport.run(checkpoint: checkpoint, into: modelDir, overwrite: overwrite)
        let c = summary.config
        print("imported \(checkpoint) into \(modelDir): \(c.cell.rawValue.uppercased()) \(c.layers) layer(s), encoder \(c.encoderHiddenSize)×\(c.bidirectional ? 2 : 1), "
              + "decoder \(c.decoderHiddenSize), \(c.attention.rawValue) attention; vocabularies \(summary.sourceVocabulary) / \(summary.targetVocabulary)")
    }
}
