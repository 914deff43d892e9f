// ParallelMap: order kept and every index computed once, with one worker and with several.
import Testing
import Synchronization
@testable import S2SCore

@Suite struct ParallelMapTests {
    @Test(arguments: [1, 2, 3], [0, 1, 2, 7])
    func keepsOrder(threads: Int, count: Int) {
        #expect(ParallelMap.map(count: count, threads: threads) { $0 * $0 } == (0..<count).map { $0 * $0 })
    }

    @Test(arguments: [1, 2, 5])
    func forEachVisitsEveryIndexOnce(threads: Int) {
        let visits = Mutex([Int](repeating: 0, count: 9))
        ParallelMap.forEach(count: 9, threads: threads) { index in visits.withLock { $0[index] += 1 } }
        #expect(visits.withLock { $0 } == Array(repeating: 1, count: 9))
    }
}
