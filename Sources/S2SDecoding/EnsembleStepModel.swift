// Several models decoded as one, the way OpenNMT-py (`-model a b`) and Marian (`--models a b`) run
// ensembles: at every step each member scores the same hypotheses with its own state, and the search
// ranks by the mean of the members' log-probabilities. Rows stay independent (each member's rows are),
// so an ensemble gives a sentence the same result alone or in any batch; the mean is taken in a fixed
// order, so the same members give the same bits.
import S2SCore

/// The mean of `members`' next-token log-probabilities; the attention shown is the first member's.
///
///     let ensemble = EnsembleStepModel(members: [a.searchModel(sources: s), b.searchModel(sources: s)])
///     BeamSearch(beamSize: 5).decode(ensemble, initialState: ensemble.initialStates([sa, sb]), maxLengths: limits)
public struct EnsembleStepModel<Member: StepModel>: StepModel {
    public let members: [Member]

    /// Members must share the target vocabulary (the same ids mean the same tokens).
    public init(members: [Member]) {
        precondition(!members.isEmpty && members.allSatisfy { $0.vocabularySize == members[0].vocabularySize },
                     "EnsembleStepModel: members need one target vocabulary")
        self.members = members
    }

    public var vocabularySize: Int { members[0].vocabularySize }

    public func step(tokens: [Int], state: [Member.State]) -> (logProbs: Tensor, attention: Tensor?, state: [Member.State]) {
        var sum: Tensor? = nil, attention: Tensor? = nil
        var states: [Member.State] = []
        for (index, (member, memberState)) in zip(members, state).enumerated() {
            let out = member.step(tokens: tokens, state: memberState)
            if index == 0 { attention = out.attention }
            states.append(out.state)
            if sum == nil { sum = out.logProbs; continue }
            sum!.withUnsafeMutableBufferPointer { total in
                out.logProbs.withUnsafeBufferPointer { next in
                    for k in 0..<total.count { total[k] += next[k] }
                }
            }
        }
        var mean = sum!
        let scale = 1 / Float(members.count)
        if members.count > 1 { mean.withUnsafeMutableBufferPointer { p in for k in 0..<p.count { p[k] *= scale } } }
        return (mean, attention, states)
    }

    public func select(_ state: [Member.State], rows: [Int]) -> [Member.State] {
        zip(members, state).map { $0.select($1, rows: rows) }
    }
}
