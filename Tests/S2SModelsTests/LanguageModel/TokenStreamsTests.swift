import Testing
import S2SCore
@testable import S2SModels

@Suite struct TokenStreamsTests {
    @Test func streamsAreContiguousAndTargetsAreTheNextToken() throws {
        let tokens = Array(100..<123)   // 23 tokens
        let streams = try TokenStreams(tokens: tokens, count: 3, offset: 1)
        #expect(streams.length == 7)    // (23 − 1 − 1) / 3
        #expect(streams.input(stream: 0, position: 0) == 101 && streams.target(stream: 0, position: 0) == 102)
        #expect(streams.input(stream: 2, position: 6) == 121 && streams.target(stream: 2, position: 6) == 122)
        let (inputs, targets) = streams.block(rows: 1..<3, columns: 2..<4)
        #expect(inputs == [110, 117, 111, 118])   // time-major: (t 2: s1, s2), (t 3: s1, s2)
        #expect(targets == inputs.map { $0 + 1 })
        #expect(throws: LanguageModelError.self) { try TokenStreams(tokens: [1, 2, 3], count: 3) }
    }

    @Test func batchesWalkEveryStreamInOrderAndArePureFunctionsOfTheEpoch() throws {
        let tokens = Array(0..<1000)
        let data = try BPTTBatches(tokens: tokens, batchSize: 4, bptt: 10, seed: 5)
        let batches = data.batches(epoch: 0)
        #expect(batches.first!.resetsState && batches.dropFirst().allSatisfy { !$0.resetsState })
        // Consecutive batches continue each stream where the previous one stopped.
        for (a, b) in zip(batches, batches.dropFirst()) { #expect(a.columns.upperBound == b.columns.lowerBound) }
        let covered = batches.reduce(0) { $0 + $1.tokenCount }
        #expect(covered == 4 * batches[0].streams.length && covered > 1000 - 4 - 10 - 4)
        // Same epoch → same layout; epochs differ in offset (with overwhelming probability over 8 epochs).
        #expect(data.batches(epoch: 3).map(\.columns) == data.batches(epoch: 3).map(\.columns))
        #expect(data.offset(epoch: 3) == data.offset(epoch: 3))
        #expect(Set((0..<8).map { data.offset(epoch: $0) }).count > 1)
        #expect((0..<50).allSatisfy { (0..<10).contains(data.offset(epoch: $0)) })
    }

    @Test func offsetsLeaveEveryStreamATokenOnShortTexts() throws {
        let data = try BPTTBatches(tokens: Array(0..<6), batchSize: 4, bptt: 100, seed: 1)
        for epoch in 0..<20 {
            let batches = data.batches(epoch: epoch)
            #expect(!batches.isEmpty && batches[0].streams.length >= 1)
        }
        #expect(throws: LanguageModelError.self) { try BPTTBatches(tokens: Array(0..<4), batchSize: 4, bptt: 8, seed: 1) }
    }

    @Test func shardsSplitRowsContiguously() throws {
        let batch = try BPTTBatches(tokens: Array(0..<500), batchSize: 5, bptt: 8, seed: 1).batches(epoch: 0)[1]
        let shards = (0..<2).compactMap { batch.shard($0, of: 2) }
        #expect(shards.map(\.rows) == [0..<3, 3..<5])
        #expect(shards.allSatisfy { $0.columns == batch.columns && $0.resetsState == batch.resetsState })
        #expect(batch.shard(5, of: 6) == nil)
    }
}
