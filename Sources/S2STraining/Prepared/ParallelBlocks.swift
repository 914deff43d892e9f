// Line work (counting tokens, encoding) spread over the cores in streaming blocks: one thread reads a
// block of records, the workers each take a contiguous part of it with their own state (a tokenizer
// keeps ICU state, so each worker has its own), and the results are consumed in input order — the
// output is the same for any number of threads, and memory is one block, not the corpus.
import Foundation
import S2SCore

/// Runs `work` over the records `next` yields, `threads` parts of a block at a time, in order.
///
///     try ParallelBlocks.run(threads: 2, next: { try reader.next() },
///                            work: { worker, lines in try lines.map { try encoders[worker].encode($0) } },
///                            consume: { ids in try writer.append(ids) })
public enum ParallelBlocks {
    /// - Parameters:
    ///   - threads: workers; worker `k` (0..<threads) is never run on two parts at once, so state indexed
    ///     by it needs no lock.
    ///   - blockSize: records read before the workers start on them.
    ///   - next: the next record, or nil at the end (called on the calling thread only).
    ///   - work: one worker's results for its part of a block, one per record, in order.
    ///   - consume: each result in input order (on the calling thread).
    ///   - progress: records read so far, after each block.
    /// The first error a block's part throws (in input order) is rethrown after that block.
    public static func run<Record, Output>(threads: Int, blockSize: Int = 8192, next: () throws -> Record?,
                                           work: (_ worker: Int, ArraySlice<Record>) throws -> [Output],
                                           consume: (Output) throws -> Void,
                                           progress: (Int) -> Void = { _ in }) throws {
        let threads = max(1, threads)
        var block: [Record] = []
        block.reserveCapacity(blockSize)
        var read = 0
        while true {
            block.removeAll(keepingCapacity: true)
            while block.count < blockSize, let record = try next() { block.append(record) }
            if block.isEmpty { return }
            read += block.count
            let parts = min(threads, block.count), records = block
            let outputs: [Result<[Output], any Error>] = withoutActuallyEscaping(work) { work in
                nonisolated(unsafe) let work = work   // each part runs on one worker with that worker's state
                return ParallelMap.map(count: parts, threads: parts) { part in
                    let range = records.count * part / parts ..< records.count * (part + 1) / parts
                    return Result { try work(part, records[range]) }
                }
            }
            for output in outputs { for value in try output.get() { try consume(value) } }
            progress(read)
        }
    }
}
