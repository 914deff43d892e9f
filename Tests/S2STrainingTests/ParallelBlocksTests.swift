// The block runner of corpus preparation keeps input order for any thread count and block size, gives
// each worker its own state, and rethrows the first failing record's error; the duplicate filter
// remembers what it saw across growth and tells sequence boundaries apart.
import Testing
import S2STraining

@Suite struct ParallelBlocksTests {
    @Test(arguments: [(1, 7), (2, 7), (3, 4), (4, 100)])
    func orderIsKept(threads: Int, blockSize: Int) throws {
        var next = 0
        var out: [Int] = []
        var reads: [Int] = []
        let workers = (0..<threads).map { _ in Counter() }
        try ParallelBlocks.run(threads: threads, blockSize: blockSize, next: { next < 50 ? { next += 1; return next - 1 }() : nil },
                               work: { worker, part in workers[worker].calls += 1; return part.map { $0 * $0 } },
                               consume: { out.append($0) }, progress: { reads.append($0) })
        #expect(out == (0..<50).map { $0 * $0 })
        #expect(reads.last == 50 && reads.count == (50 + blockSize - 1) / blockSize)
        #expect(workers.reduce(0) { $0 + $1.calls } >= reads.count)
    }

    @Test func theFirstErrorInInputOrderIsRethrown() {
        struct Bad: Error, Equatable { let record: Int }
        var next = 0
        var consumed: [Int] = []
        #expect(throws: Bad(record: 13)) {
            try ParallelBlocks.run(threads: 3, blockSize: 10, next: { next < 30 ? { next += 1; return next - 1 }() : nil },
                                   work: { _, part in try part.map { if $0 == 13 || $0 == 17 { throw Bad(record: $0) }; return $0 } },
                                   consume: { consumed.append($0) })
        }
        #expect(consumed.starts(with: Array(0..<10)) && !consumed.contains(13))
    }

    @Test func duplicatesAreFoundAcrossGrowth() {
        var seen = DuplicateFilter(expected: 1)
        let fresh = (0..<5000).filter { seen.insert([[$0, $0 + 1], [$0]]) }
        let again = stride(from: 0, to: 5000, by: 7).filter { seen.insert([[$0, $0 + 1], [$0]]) }
        #expect(fresh.count == 5000 && again.isEmpty)
        let split = [seen.insert([[1, 2], [3]]), seen.insert([[1], [2, 3]]), seen.insert([[1], [2, 3]])]
        #expect(split == [true, true, false], "a sequence boundary is part of the key")
    }
}

private final class Counter: @unchecked Sendable { var calls = 0 }
