// `Collective` over Open MPI (MPIShim loads libmpi at run time). Vectors are exchanged in buckets of
// at most 4 Mi elements, so the temporary buffers stay small whatever the model's size. A failed MPI
// call ends the whole job: MPI's default error handler already aborts on communication errors (a
// rank that died), and a rank cannot go on alone without leaving the others waiting.
import Foundation
import MPIShim

/// The ranks of `mpirun -np N s2s … --distributed`.
///
///     let world = try MPICollective.start()   // rank 0 of 2, …
///     world.sumInRankOrder(&gradients)
public final class MPICollective: Collective, @unchecked Sendable {
    public let rank: Int
    public let size: Int
    /// Elements per exchange.
    static let bucket = 1 << 22

    private init(rank: Int, size: Int) { self.rank = rank; self.size = size }

    nonisolated(unsafe) private static var shared: MPICollective?

    /// Loads Open MPI and joins the job (once per process); throws when libmpi is missing or MPI cannot start.
    public static func start() throws -> MPICollective {
        if let shared { return shared }
        var message = [CChar](repeating: 0, count: 512)
        guard s2s_mpi_start(&message, message.count) == 0 else {
            throw DistributedError("--distributed: " + String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let world = MPICollective(rank: Int(s2s_mpi_rank()), size: Int(s2s_mpi_size()))
        shared = world
        return world
    }

    /// Leaves MPI (at the end of a run); later calls do nothing.
    public func finish() { _ = s2s_mpi_finish() }

    /// Ends every rank of the job, after printing `message` (prefixed with this rank) to stderr.
    public func abort(_ message: String, code: Int32 = 1) -> Never {
        FileHandle.standardError.write(Data("s2s rank \(rank): \(message)\n".utf8))
        s2s_mpi_abort(code)
        exit(code)
    }

    private func check(_ result: Int32, _ call: String) {
        if result != 0 { abort("\(call) failed (MPI error \(result))") }
    }

    public func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Float>) {
        sum(values, alltoall: s2s_mpi_alltoall_floats, allgather: s2s_mpi_allgather_floats)
    }

    public func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Double>) {
        sum(values, alltoall: s2s_mpi_alltoall_doubles, allgather: s2s_mpi_allgather_doubles)
    }

    /// All-to-all of slices, a rank-order sum of the slice this rank owns, all-gather of the sums. A
    /// bucket that splits evenly is sent from and gathered into `values` itself; the receive buffer is
    /// kept from call to call (fresh pages cost a fault each, every step). The sum runs over raw pointers:
    /// with bounds-checked element loops, these passes over every gradient cost as much as the exchange.
    private func sum<T: BinaryFloatingPoint>(_ values: UnsafeMutableBufferPointer<T>,
                                             alltoall: (UnsafePointer<T>?, Int32, UnsafeMutablePointer<T>?) -> Int32,
                                             allgather: (UnsafePointer<T>?, Int32, UnsafeMutablePointer<T>?) -> Int32) {
        guard size > 1, let base = values.baseAddress, values.count > 0 else { return }
        let largest = (min(Self.bucket, values.count) + size - 1) / size * size
        let scratch = self.scratch(bytes: 2 * largest * MemoryLayout<T>.stride).bindMemory(to: T.self, capacity: 2 * largest)
        let received = scratch, padding = scratch + largest
        for start in stride(from: 0, to: values.count, by: Self.bucket) {
            let count = min(Self.bucket, values.count - start)
            let slice = (count + size - 1) / size, padded = slice * size
            let even = padded == count   // else the bucket goes through `padding`, zeros after it
            if !even {
                padding.update(from: base + start, count: count)
                (padding + count).update(repeating: 0, count: padded - count)
            }
            check(alltoall(even ? base + start : padding, Int32(slice), received), "MPI_Alltoall")
            // received[k·slice ..< (k+1)·slice] is rank k's copy of the slice this rank owns: add them in
            // rank order into rank 0's copy, (((r0 + r1) + r2) + …).
            for k in 1..<size {
                let other = received + k * slice
                for i in 0..<slice { received[i] += other[i] }
            }
            check(allgather(received, Int32(slice), even ? base + start : padding), "MPI_Allgather")
            if !even { (base + start).update(from: padding, count: count) }
        }
    }

    /// The receive buffer and the padding of an uneven bucket, grown to at least `bytes` (never shrunk:
    /// every step needs the same).
    private var scratchBuffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    private func scratch(bytes: Int) -> UnsafeMutableRawPointer {
        if scratchBuffer.count < bytes {
            scratchBuffer.deallocate()
            scratchBuffer = .allocate(byteCount: bytes, alignment: 64)
        }
        return scratchBuffer.baseAddress!
    }

    public func allGather(_ bytes: [UInt8]) -> [[UInt8]] {
        guard size > 1 else { return [bytes] }
        var lengths = [Double](repeating: 0, count: size)
        check(s2s_mpi_allgather_doubles([Double(bytes.count)], 1, &lengths), "MPI_Allgather")
        let longest = Int(lengths.max() ?? 0)
        var padded = bytes + [UInt8](repeating: 0, count: longest - bytes.count)
        var all = [UInt8](repeating: 0, count: longest * size)
        if longest > 0 { check(s2s_mpi_allgather_bytes(&padded, Int32(longest), &all), "MPI_Allgather") }
        return (0..<size).map { Array(all[($0 * longest)..<($0 * longest + Int(lengths[$0]))]) }
    }

    public func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8] {
        guard size > 1 else { return bytes }
        var length = [UInt8](repeating: 0, count: 8)
        if rank == root { withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { length = Array($0) } }
        check(s2s_mpi_broadcast_bytes(&length, 8, Int32(root)), "MPI_Bcast")
        let count = Int(length.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) })
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: count)
        let chunk = 1 << 30
        buffer.withUnsafeMutableBytes { raw in
            for start in stride(from: 0, to: count, by: chunk) {
                check(s2s_mpi_broadcast_bytes(raw.baseAddress! + start, Int32(min(chunk, count - start)), Int32(root)), "MPI_Bcast")
            }
        }
        return buffer
    }
}
