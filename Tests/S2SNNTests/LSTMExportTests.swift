import Testing
import Foundation
import S2SCore
import S2SNN

/// An LSTM's parameters written by s2s carry exactly torch.nn.LSTM's state-dict names, in its order.
/// With S2S_EXPORT_DIR set, the file is also left there for Tools/reference/check_lstm_load.py:
///
///     S2S_EXPORT_DIR=exported swift test --filter LSTMExportTests
///     python Tools/reference/check_lstm_load.py exported/lstm_l2_bi.safetensors --layers 2 --hidden 6 --input 4 --bidirectional
@Suite struct LSTMExportTests {
    @Test func writesTorchStateDictNames() throws {
        var rng = Generator(seed: 4)
        let lstm = RecurrentNetwork(cell: .lstm, inputSize: 4, hiddenSize: 6, layers: 2, bidirectional: true, rng: &rng)
        let x = Tensor.normal([5, 3, 4], using: &rng)
        let lengths = [5, 2, 4]
        let (y, h, c) = lstm(Variable(x), lengths: lengths, tape: Tape(recording: false))
        let data: [(name: String, tensor: Tensor)] = [
            ("input", x), ("lengths", Tensor(shape: [3], scalars: lengths.map(Float.init))),
            ("output", y.value), ("h_n", h.value), ("c_n", c!.value),
        ]
        let tensors = lstm.namedParameters.map { (name: $0.name, tensor: $0.variable.value) } + data

        let directory = ProcessInfo.processInfo.environment["S2S_EXPORT_DIR"] ?? FileManager.default.temporaryDirectory.path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/lstm_l2_bi.safetensors"
        try SafeTensors.write(tensors, to: path)
        let (read, _) = try SafeTensors.read(path)

        // torch.nn.LSTM(4, 6, num_layers=2, bidirectional=True).state_dict().keys(), in order:
        var torchNames: [String] = []
        for layer in 0..<2 {
            for suffix in ["", "_reverse"] {
                torchNames += ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map { "\($0)_l\(layer)\(suffix)" }
            }
        }
        #expect(lstm.namedParameters.map(\.name) == torchNames)
        #expect(read["weight_ih_l1"]?.shape == [24, 12] && read["weight_hh_l0_reverse"]?.shape == [24, 6])
        for (name, tensor) in tensors { #expect(read[name] == tensor, "\(name) did not round-trip") }
        if ProcessInfo.processInfo.environment["S2S_EXPORT_DIR"] == nil { try FileManager.default.removeItem(atPath: path) }
    }
}
