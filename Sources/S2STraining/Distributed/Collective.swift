// What data-parallel training across processes needs from their communication layer: each process's
// rank, the number of ranks, a sum whose order is fixed, and whole-byte exchanges. `MPICollective`
// is the real one (Open MPI, loaded at run time); tests may stand in their own.
//
// The sum is what makes N ranks × 1 thread give bit for bit the weights of one process with N shards:
// DataParallel adds shard gradients in shard order, (((g0 + g1) + g2) + …), and so does
// `sumInRankOrder`. A plain MPI_Allreduce may add in any order (float addition is not associative), so
// it is built from two collectives of the same traffic as a ring all-reduce: an all-to-all hands rank r
// the r-th slice of every rank's vector, rank r adds those slices in rank order, and an all-gather hands
// every rank every summed slice.

/// The processes of one distributed run.
public protocol Collective: AnyObject, Sendable {
    /// This process's rank, 0 ..< size; rank 0 writes the run's files.
    var rank: Int { get }
    var size: Int { get }
    /// Replaces `values` on every rank with the element-wise sum over ranks, added in rank order.
    func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Float>)
    func sumInRankOrder(_ values: UnsafeMutableBufferPointer<Double>)
    /// Every rank's bytes, in rank order (lengths may differ).
    func allGather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Rank `root`'s bytes, on every rank (`bytes` is ignored elsewhere).
    func broadcast(_ bytes: [UInt8], from root: Int) -> [UInt8]
}

extension Collective {
    /// The same for an array.
    public func sumInRankOrder(_ values: inout [Float]) { values.withUnsafeMutableBufferPointer { sumInRankOrder($0) } }
    public func sumInRankOrder(_ values: inout [Double]) { values.withUnsafeMutableBufferPointer { sumInRankOrder($0) } }

    /// Rank 0's flag, on every rank: decisions one clock makes (a time budget) that all ranks must share.
    public func agree(_ flag: Bool) -> Bool { broadcast([flag ? 1 : 0], from: 0).first == 1 }
}

/// Why a distributed run cannot start or go on.
public struct DistributedError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
