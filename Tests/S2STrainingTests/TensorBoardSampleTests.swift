// Writes a known event file for Tools/reference/check_tensorboard.py, which reads it with TensorBoard's
// own EventAccumulator. Runs only when S2S_TENSORBOARD_SAMPLE_DIR is set:
//   S2S_TENSORBOARD_SAMPLE_DIR=/tmp/tb swift test --filter TensorBoardSample
import Foundation
import Testing
import S2STraining

@Suite struct TensorBoardSampleTests {
    static let directory = ProcessInfo.processInfo.environment["S2S_TENSORBOARD_SAMPLE_DIR"]

    @Test(.enabled(if: directory != nil, "set S2S_TENSORBOARD_SAMPLE_DIR to write the sample"))
    func writeSample() throws {
        let board = try TensorBoardWriter(directory: Self.directory!)
        for step in 1...5 {
            try board.addScalar(tag: "train/loss", value: 5 / Float(step), step: step)
            try board.addScalar(tag: "train/lr", value: 0.001 * Float(step), step: step)
        }
        try board.addScalar(tag: "valid/ppl", value: 12.75, step: 5)
        try board.addScalar(tag: "valid/ünïcode", value: -1.5, step: 1 << 33)
        try board.flush()
        print("wrote \(board.path)")
    }
}
