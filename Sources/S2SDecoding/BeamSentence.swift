// BeamSentence: the beam of one sentence during beam search — its alive hypotheses, the ones that
// finished, and a trellis of back-pointers from which finished hypotheses are read out at the end
// (so no step copies a token history or an attention history). Internal to S2SDecoding; the rules
// it implements are documented on `BeamSearch`.

import S2SCore

/// A candidate extension: alive beam `beam` followed by `token`, with the summed log-probability.
struct BeamCandidate {
    var logProb: Double
    var token: Int
    var beam: Int

    /// Best first: higher log-probability, then smaller token id, then smaller beam index.
    @inline(__always)
    static func ranksBefore(_ a: BeamCandidate, _ b: BeamCandidate) -> Bool {
        if a.logProb != b.logProb { return a.logProb > b.logProb }
        if a.token != b.token { return a.token < b.token }
        return a.beam < b.beam
    }
}

/// Buffers reused across rows and steps.
struct BeamScratch {
    var top = TopK()
    var banned: [Int] = []
    var history: [Int] = []
    var candidates: [BeamCandidate] = []
}

/// What one row of the step output looks like to a sentence: its log-probabilities and attention.
struct StepRows {
    let logProbs: UnsafePointer<Float>
    let vocabularySize: Int
    let attention: UnsafePointer<Float>?
    let attentionColumns: Int
}

struct BeamSentence {
    /// A finished hypothesis: the trellis node of its last real token (−1: none), whether an eos
    /// closed it, its length for the penalty (tokens + eos), log-probability and score.
    struct Finished {
        var node: Int
        var eos: Bool
        var length: Int
        var logProb: Double
        var score: Double
    }

    let maxLength: Int
    let sourceLength: Int?

    // The trellis: one node per kept token. Attention rows have `attentionWidth` columns.
    private var nodeToken: [Int] = []
    private var nodeParent: [Int] = []
    private var nodeAttention: [Float] = []
    private var attentionWidth: Int?

    /// Alive hypotheses, best first: their last node (−1 = nothing generated yet) and log-probability.
    private(set) var aliveNode: [Int] = [-1]
    private(set) var aliveLogProb: [Double] = [0]
    /// For each alive hypothesis, the row of the last step's output it continues (global row index)
    /// and its newest token: what the driver selects and feeds next.
    private(set) var aliveParentRow: [Int] = [0]
    private(set) var aliveToken: [Int] = [SpecialTokens.bos]

    private(set) var finished: [Finished] = []
    /// The best `nBest` finished scores, best first.
    private var bestScores: [Double] = []
    private(set) var done = false

    init(maxLength: Int, sourceLength: Int?) {
        self.maxLength = maxLength
        self.sourceLength = sourceLength
        if maxLength <= 0 {
            finished = [Finished(node: -1, eos: false, length: 0, logProb: 0, score: 0)]
            aliveNode = []; aliveLogProb = []; aliveParentRow = []; aliveToken = []
            done = true
        }
    }

    var aliveCount: Int { aliveNode.count }

    /// Extends the alive hypotheses, which occupy rows `rowStart ..< rowStart + aliveCount` of this
    /// step's output, by one token. `step` is the number of tokens they hold before it.
    mutating func advance(step: Int, rowStart: Int, rows: StepRows, search: BeamSearch, scratch: inout BeamScratch) {
        let k = search.beamSize, v = rows.vocabularySize, eos = SpecialTokens.eos
        let lengthAfter = step + 1
        let eosAllowed = step >= search.minLength && eos < v
        let bans = TokenBans(banUnk: search.banUnk, blockNgramRepeat: search.blockNgramRepeat)
        if rows.attention != nil && step == 0 {   // attention is kept only if the model gives it from the start
            attentionWidth = min(rows.attentionColumns, sourceLength ?? rows.attentionColumns)
        }

        // Candidates: the k best non-eos tokens of each alive row, plus its eos.
        scratch.candidates.removeAll(keepingCapacity: true)
        for beam in 0..<aliveCount {
            let row = rows.logProbs + (rowStart + beam) * v
            if search.blockNgramRepeat > 0 { readHistory(of: aliveNode[beam], into: &scratch.history) }
            bans.fill(history: scratch.history, into: &scratch.banned)
            scratch.banned.append(eos)
            scratch.top.select(from: UnsafeBufferPointer(start: row, count: v), k: k, excluding: scratch.banned)
            let base = aliveLogProb[beam]
            for i in 0..<scratch.top.count {
                scratch.candidates.append(BeamCandidate(logProb: base + Double(scratch.top.values[i]),
                                                        token: scratch.top.indices[i], beam: beam))
            }
            if eosAllowed && row[eos] > -.infinity {
                scratch.candidates.append(BeamCandidate(logProb: base + Double(row[eos]), token: eos, beam: beam))
            }
        }
        scratch.candidates.sort(by: BeamCandidate.ranksBefore)

        // Nothing can follow (every token banned or −∞): the alive hypotheses end here, as they are.
        if scratch.candidates.isEmpty {
            for beam in 0..<aliveCount {
                addFinished(node: aliveNode[beam], eos: false, length: step, logProb: aliveLogProb[beam], search: search)
            }
            finish()
            return
        }

        // Eos among the k best finishes; the k best non-eos continue (or, at the last step, finish cut).
        let lastStep = lengthAfter >= maxLength
        var newNode: [Int] = [], newLogProb: [Double] = [], newParentRow: [Int] = [], newToken: [Int] = []
        newNode.reserveCapacity(k); newLogProb.reserveCapacity(k)
        // With a length penalty, OpenNMT-py 3's beam: only the non-eos among the k best continue, and the
        // search ends at a step whose best candidate is an eos once n hypotheses have finished (the
        // step's own best: OpenNMT-py 3.5's `is_finished_list[i][0]`, not 2.x's sticky `top_beam_finished`).
        let openNMTRule = search.lengthPenalty != .none
        let topCandidateFinished = scratch.candidates[0].token == eos
        for (rank, candidate) in scratch.candidates.enumerated() {
            if openNMTRule && rank >= k && !lastStep { break }
            if candidate.token == eos {
                if rank < k {
                    addFinished(node: aliveNode[candidate.beam], eos: true, length: lengthAfter,
                                logProb: candidate.logProb, search: search)
                }
            } else if lastStep {
                if rank < k {
                    let node = addNode(candidate, row: rowStart + candidate.beam, rows: rows)
                    addFinished(node: node, eos: false, length: lengthAfter, logProb: candidate.logProb, search: search)
                }
            } else if newNode.count < k {
                newNode.append(addNode(candidate, row: rowStart + candidate.beam, rows: rows))
                newLogProb.append(candidate.logProb)
                newParentRow.append(rowStart + candidate.beam)
                newToken.append(candidate.token)
            }
            if rank + 1 >= k && (lastStep || newNode.count == k) { break }
        }
        aliveNode = newNode; aliveLogProb = newLogProb; aliveParentRow = newParentRow; aliveToken = newToken

        // The stopping rule (see BeamSearch): max length, nothing alive, or the n-best is settled.
        if lastStep || aliveNode.isEmpty {
            finish()
        } else if openNMTRule {
            if topCandidateFinished && finished.count >= search.nBest { finish() }
        } else if bestScores.count >= search.nBest,
                  search.lengthPenalty.score(logProb: aliveLogProb[0], length: lengthAfter) <= bestScores[search.nBest - 1] {
            finish()
        }
    }

    /// The n best finished hypotheses, best first (ties: the one finished first).
    func results(nBest: Int) -> [Hypothesis] {
        let order = finished.indices.sorted {
            finished[$0].score != finished[$1].score ? finished[$0].score > finished[$1].score : $0 < $1
        }
        return order.prefix(nBest).map { hypothesis(finished[$0]) }
    }

    // MARK: - Internals

    private mutating func finish() {
        done = true
        aliveNode = []; aliveLogProb = []; aliveParentRow = []; aliveToken = []
    }

    private mutating func addFinished(node: Int, eos: Bool, length: Int, logProb: Double, search: BeamSearch) {
        let score = search.lengthPenalty.score(logProb: logProb, length: length)
        finished.append(Finished(node: node, eos: eos, length: length, logProb: logProb, score: score))
        var position = bestScores.count
        while position > 0 && bestScores[position - 1] < score { position -= 1 }
        if position < search.nBest {
            bestScores.insert(score, at: position)
            if bestScores.count > search.nBest { bestScores.removeLast() }
        }
    }

    /// Appends a trellis node for `candidate`, with the attention row of the step output `row`.
    private mutating func addNode(_ candidate: BeamCandidate, row: Int, rows: StepRows) -> Int {
        nodeToken.append(candidate.token)
        nodeParent.append(aliveNode[candidate.beam])
        if let width = attentionWidth {
            if let attention = rows.attention, rows.attentionColumns >= width {
                nodeAttention.append(contentsOf: UnsafeBufferPointer(start: attention + row * rows.attentionColumns, count: width))
            } else {   // a step without attention (or a narrower one): zeros keep the rows aligned
                nodeAttention.append(contentsOf: repeatElement(0, count: width))
            }
        }
        return nodeToken.count - 1
    }

    /// The tokens from the first to `node`, in order.
    private func readHistory(of node: Int, into history: inout [Int]) {
        history.removeAll(keepingCapacity: true)
        var n = node
        while n >= 0 { history.append(nodeToken[n]); n = nodeParent[n] }
        history.reverse()
    }

    private func hypothesis(_ f: Finished) -> Hypothesis {
        var nodes: [Int] = []
        var n = f.node
        while n >= 0 { nodes.append(n); n = nodeParent[n] }
        nodes.reverse()
        var attention: Tensor?
        if let width = attentionWidth {
            var scalars = [Float]()
            scalars.reserveCapacity(nodes.count * width)
            for node in nodes { scalars.append(contentsOf: nodeAttention[(node * width)..<(node * width + width)]) }
            attention = Tensor(shape: [nodes.count, width], scalars: scalars)
        }
        return Hypothesis(tokens: nodes.map { nodeToken[$0] }, score: f.score, logProb: f.logProb,
                          finished: f.eos, attention: attention)
    }
}
