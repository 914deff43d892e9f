// Several models decoded as one, the way OpenNMT-py (`-model a b`) and Marian (`--models a b`) run
// ensembles: at every step each member scores the same hypotheses with its own state, and the search
// ranks by the mean of the members' log-probabilities. Sampled language models average probabilities
// instead (`.probabilities`): a member that is sure cannot be outvoted by one that merely has a long tail,
// and a token one member rules out stays possible. Rows stay independent (each member's rows are),
// so an ensemble gives a sentence the same result alone or in any batch; the mean is taken in a fixed
// order, so the same members give the same bits.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import S2SCore

/// The mean of `members`' next-token log-probabilities (or the log of the mean of their probabilities);
/// the attention shown is the first member's.
///
///     let ensemble = EnsembleStepModel(members: [a.searchModel(sources: s), b.searchModel(sources: s)])
///     BeamSearch(beamSize: 5).decode(ensemble, initialState: ensemble.initialStates([sa, sb]), maxLengths: limits)
public struct EnsembleStepModel<Member: StepModel>: StepModel {
    /// What the members' distributions are averaged as.
    public enum Averaging: Sendable {
        /// The mean of the log-probabilities (a normalised geometric mean up to a constant): translation.
        case logProbabilities
        /// log(the mean of the probabilities): sampling a language model.
        case probabilities
    }

    public let members: [Member]
    public let averaging: Averaging

    /// Members must share the target vocabulary (the same ids mean the same tokens).
    public init(members: [Member], averaging: Averaging = .logProbabilities) {
        precondition(!members.isEmpty && members.allSatisfy { $0.vocabularySize == members[0].vocabularySize },
                     "EnsembleStepModel: members need one target vocabulary")
        self.members = members
        self.averaging = averaging
    }

    public var vocabularySize: Int { members[0].vocabularySize }

    public func step(tokens: [Int], state: [Member.State]) -> (logProbs: Tensor, attention: Tensor?, state: [Member.State]) {
        var sum: Tensor? = nil, attention: Tensor? = nil
        var states: [Member.State] = []
        for (index, (member, memberState)) in zip(members, state).enumerated() {
            let out = member.step(tokens: tokens, state: memberState)
            if index == 0 { attention = out.attention }
            states.append(out.state)
            var term = out.logProbs
            if averaging == .probabilities && members.count > 1 {
                term.withUnsafeMutableBufferPointer { p in for k in 0..<p.count { p[k] = expf(p[k]) } }
            }
            if sum == nil { sum = term; continue }
            sum!.withUnsafeMutableBufferPointer { total in
                term.withUnsafeBufferPointer { next in
                    for k in 0..<total.count { total[k] += next[k] }
                }
            }
        }
        var mean = sum!
        let scale = 1 / Float(members.count)
        if members.count > 1 {
            mean.withUnsafeMutableBufferPointer { p in
                switch averaging {
                case .logProbabilities: for k in 0..<p.count { p[k] *= scale }
                case .probabilities: for k in 0..<p.count { p[k] = logf(p[k] * scale) }   // log 0 = −∞: never drawn
                }
            }
        }
        return (mean, attention, states)
    }

    public func select(_ state: [Member.State], rows: [Int]) -> [Member.State] {
        zip(members, state).map { $0.select($1, rows: rows) }
    }
}
