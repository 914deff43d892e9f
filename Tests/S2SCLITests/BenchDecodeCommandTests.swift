// `s2s bench decode`: its figures mean "per step" only if every search runs its full length, so that
// is checked on a small workload; and its arguments are checked before any timing starts.
import Testing
import S2SDecoding
@testable import S2SCLI

@Suite struct BenchDecodeCommandTests {
    static let bench = DecodeBench(vocabulary: 40, batch: 3, beamSize: 4, steps: 6, seed: 1)

    @Test func everySearchRunsToItsMaximumLength() {
        let beams = Self.bench.beam()
        #expect(beams.count == 3)
        for hypothesis in beams.flatMap({ $0 }) {
            #expect(hypothesis.tokens.count == 6 && !hypothesis.finished, "\(hypothesis)")
        }
        #expect(Self.bench.greedy().allSatisfy { $0.tokens.count == 6 && !$0.finished })
    }

    @Test func timingsArePositive() {
        let perStep = Self.bench.beamSecondsPerStep(repeats: 1)
        #expect(perStep > 0 && perStep.isFinite)
        #expect(Self.bench.sampleSeconds(Sampler(topK: 5), draws: 3, repeats: 1, seed: 2) > 0)
    }

    @Test func isASubcommandOfBenchAndValidatesItsArguments() throws {
        #expect(BenchCommand.configuration.subcommands.contains { $0 == BenchDecodeCommand.self })
        let command = try BenchDecodeCommand.parse(["--vocabulary", "100", "--beam-size", "2", "--steps", "3"])
        #expect(command.vocabulary == 100 && command.beamSize == 2 && command.steps == 3 && command.batch == 32)
        #expect(throws: (any Error).self) { _ = try BenchDecodeCommand.parse(["--vocabulary", "4"]) }
        #expect(throws: (any Error).self) { _ = try BenchDecodeCommand.parse(["--beam-size", "0"]) }
        #expect(BenchDecodeCommand.format(2.5e-6) == "2.5 µs" && BenchDecodeCommand.format(0.0123) == "12.3 ms")
    }
}
