// Data parallelism across ranks without MPI: `ThreadCollective` runs the ranks as threads of this test
// process, with the same contract as MPICollective (sums in rank order), so the arithmetic of a
// distributed run — the pieces each rank runs, their seeds, the order of the sums, the files rank 0
// sends — is checked in every `swift test`. The MPI transport itself is tested with mpirun
// (S2SCLITests/DistributedTests).
internal import Foundation
import S2STraining

/// Ranks as threads sharing memory; every collective call is a rendezvous of all of them.
public final class ThreadCollective: Collective, @unchecked Sendable {
    public final class Shared: @unchecked Sendable {
        let size: Int
        private let condition = NSCondition()
        private var arrived = 0, generation = 0
        private var slots: [Any?]
        public init(size: Int) { self.size = size; slots = Array(repeating: nil, count: size) }

        /// Every rank's `value`, in rank order.
        public func exchange<T>(_ value: T, rank: Int) -> [T] {
            condition.lock()
            slots[rank] = value
            condition.unlock()
            barrier()
            condition.lock()
            let all = slots.map { $0 as! T }
            condition.unlock()
            barrier()   // nobody overwrites a slot before everyone has read them all
            return all
        }

        private func barrier() {
            condition.lock()
            let mine = generation
            arrived += 1
            if arrived == size {
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while mine == generation { condition.wait() }
            }
            condition.unlock()
        }
    }

    public let rank: Int
    public let shared: Shared
    public var size: Int { shared.size }

    public init(rank: Int, shared: Shared) { self.rank = rank; self.shared = shared }

    public func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Float>) { sum(values) }
    public func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Double>) { sum(values) }

    /// (((v0 + v1) + v2) + …), element by element.
    private func sum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>) {
        let all = shared.exchange(Array(values), rank: rank)
        for i in 0..<values.count {
            var sum = all[0][i]
            for k in 1..<size { sum += all[k][i] }
            values[i] = sum
        }
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] { shared.exchange(bytes, rank: rank) }

    public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] { shared.exchange(bytes, rank: rank)[root] }

    /// Runs `body(rank)` on `size` threads of their own (not a pool: every rank must run at once).
    /// Returns false after `timeout` seconds if some rank has not finished — one that waits for a rank
    /// that failed waits for ever (under MPI the failed rank would end the job); its thread is left behind.
    @discardableResult
    public static func run(size: Int, timeout: Double? = nil, _ body: @escaping @Sendable (ThreadCollective) -> Void) -> Bool {
        let shared = Shared(size: size), done = DispatchGroup()
        for rank in 0..<size {
            done.enter()
            let thread = Thread {
                body(ThreadCollective(rank: rank, shared: shared))
                done.leave()
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        guard let timeout else { done.wait(); return true }
        return done.wait(timeout: .now() + timeout) == .success
    }
}
