// Adding every rank's gradients and loss statistics for one distributed step (TrainingStep). Two
// collective sums in rank order:
//  1. a small one: the statistics, which parameters have a gradient on some rank, and which rows of
//     the embedding tables (`Variable.sparseGradientRows`) some rank touched;
//  2. the gradients, leaving out parameters no rank touched and the untouched rows of embedding tables
//     (a batch touches a few hundred rows of thousands; the tables hold ~30% of the translator's
//     parameters). Large dense gradients are summed where they are (copying the translator's ~28 MB of
//     them into a buffer and back cost 40% of the exchange); the touched rows and the small
//     gradients are packed into one buffer that lives as long as the exchange (a fresh buffer every
//     step costs a page fault per 4 KiB), one collective for them all, and written back in place.
// Left-out rows are +0 on every rank (a row counts as touched if any of its bits is set, so -0 is
// sent), and +0 is what their sum would be: the result is the same bits as adding everything.
import S2SCore
import S2SNN

/// The gradient sum of a distributed run's steps; keep one per run (it keeps its buffer).
///
///     let exchange = GradientExchange(collective: world)
///     let stats = exchange.sum(model.parameters.map(\.variable), stats: myStats)   // every rank: the same sums
final class GradientExchange {
    let collective: any Collective
    private var buffer = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    /// What the last `sum` did: seconds in the small exchange (mostly waiting for the slowest rank,
    /// since it is the first meeting after the backward pass) and in the gradients', and floats sent.
    private(set) var lastWaitSeconds = 0.0, lastGradientSeconds = 0.0, lastFloats = 0

    /// Dense gradients of at least this many floats are summed in place; smaller ones ride in the packed
    /// buffer (a collective call per bias would cost more than copying it).
    let inPlaceFloats: Int

    init(collective: any Collective, inPlaceFloats: Int = 1 << 16) {
        self.collective = collective
        self.inPlaceFloats = inPlaceFloats
    }
    deinit { buffer.deallocate() }

    /// Replaces every parameter's gradient with the sum over ranks (nil where no rank has one) and
    /// returns the statistics summed over ranks.
    func sum(_ parameters: [Variable], stats: LossStats) -> LossStats {
        let start = MonotonicClock.seconds()
        var numbers = [stats.lossSum, Double(stats.units), Double(stats.correct)] + parameters.map { $0.grad == nil ? 0 : 1 }
        var rowsAt = [Int?](repeating: nil, count: parameters.count)   // where a table's row counts start in `numbers`
        for (index, p) in parameters.enumerated() where p.sparseGradientRows && p.value.shape.count == 2 {
            rowsAt[index] = numbers.count
            numbers += Self.touchedRows(p)
        }
        collective.sumInRankOrder(&numbers)
        let met = MonotonicClock.seconds()

        let layout: [Layout] = parameters.indices.map { index in
            guard numbers[3 + index] > 0 else { return .none }
            guard let at = rowsAt[index] else { return .dense }
            return .rows((0..<parameters[index].value.shape[0]).filter { numbers[at + $0] > 0 })
        }
        // Summing in place or packed adds the same numbers in the same rank order: the same bits.
        let inPlace = zip(parameters, layout).map { p, part in
            if case .dense = part { p.value.count >= inPlaceFloats } else { false }
        }
        for (p, isInPlace) in zip(parameters, inPlace) where isInPlace {
            if p.grad == nil { p.grad = Tensor(zeros: p.value.shape) }   // another rank has one
            p.grad!.withUnsafeMutableBufferPointer { collective.sumInRankOrder($0) }
        }
        let packedParts = parameters.indices.filter { !inPlace[$0] }
        let total = packedParts.reduce(0) { $0 + layout[$1].floats(of: parameters[$1]) }
        if buffer.count < total {
            buffer.deallocate()
            buffer = .allocate(capacity: parameters.reduce(0) { $0 + $1.value.count })   // the most a step can send
        }
        let packed = UnsafeMutableBufferPointer(rebasing: buffer[0..<total])
        var offset = 0
        for k in packedParts { offset += layout[k].pack(parameters[k], into: packed.baseAddress.map { $0 + offset }) }
        collective.sumInRankOrder(packed)
        offset = 0
        for k in packedParts { offset += layout[k].unpack(packed.baseAddress.map { $0 + offset }, into: parameters[k]) }

        lastWaitSeconds = met - start
        lastGradientSeconds = MonotonicClock.seconds() - met
        lastFloats = zip(parameters, layout).reduce(0) { $0 + $1.1.floats(of: $1.0) }
        return LossStats(lossSum: numbers[0], units: Int(numbers[1]), correct: Int(numbers[2]))
    }

    /// 1 for each row of `p`'s gradient with a bit set, else 0 (all 0 without a gradient).
    static func touchedRows(_ p: Variable) -> [Double] {
        let rows = p.value.shape[0], columns = p.value.shape[1]
        var touched = [Double](repeating: 0, count: rows)
        p.grad?.withUnsafeBufferPointer { g in
            g.withMemoryRebound(to: UInt32.self) { bits in
                for row in 0..<rows {
                    let first = row * columns
                    for k in first..<first + columns where bits[k] != 0 { touched[row] = 1; break }
                }
            }
        }
        return touched
    }

    /// What of one parameter's gradient is sent.
    enum Layout {
        case none, dense
        case rows([Int])

        func floats(of p: Variable) -> Int {
            switch self {
            case .none: 0
            case .dense: p.value.count
            case .rows(let rows): rows.count * p.value.shape[1]
            }
        }

        /// Copies this rank's part (zeros without a gradient) to `slot`; returns the floats written.
        func pack(_ p: Variable, into slot: UnsafeMutablePointer<Float>?) -> Int {
            let count = floats(of: p)
            guard count > 0, let slot else { return 0 }
            guard let grad = p.grad else { slot.update(repeating: 0, count: count); return count }
            grad.withUnsafeBufferPointer { g in
                switch self {
                case .none: break
                case .dense: slot.update(from: g.baseAddress!, count: count)
                case .rows(let rows):
                    let columns = p.value.shape[1]
                    for (k, row) in rows.enumerated() { (slot + k * columns).update(from: g.baseAddress! + row * columns, count: columns) }
                }
            }
            return count
        }

        /// Writes the summed part back into `p.grad` (made as zeros if this rank had none); returns the floats read.
        func unpack(_ slot: UnsafeMutablePointer<Float>?, into p: Variable) -> Int {
            let count = floats(of: p)
            if case .none = self { p.grad = nil; return 0 }
            if p.grad == nil { p.grad = Tensor(zeros: p.value.shape) }
            guard count > 0, let slot else { return 0 }   // a table whose rows no rank touched: zeros
            p.grad!.withUnsafeMutableBufferPointer { g in
                switch self {
                case .none: break
                case .dense: g.baseAddress!.update(from: slot, count: count)
                case .rows(let rows):
                    let columns = p.value.shape[1]
                    for (k, row) in rows.enumerated() { (g.baseAddress! + row * columns).update(from: slot + k * columns, count: columns) }
                }
            }
            return count
        }
    }
}
