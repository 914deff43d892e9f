// Batched greedy decoding over a TranslatorSearchModel: every unfinished sentence takes its most
// probable next token (ties: the smaller id; pad and bos never) until eos or its length limit.
// The validation pass of training uses it; `s2s translate` uses the search of S2SDecoding.
import S2SCore
import S2SText

extension TranslatorSearchModel {
    /// The greedy output ids of every sentence (without bos/eos), at most `maxLengths[b]` tokens each.
    ///
    ///     let outputs = model.searchModel(sources: ids).greedy(maxLengths: ids.map { 2 * $0.count + 5 })
    public func greedy(maxLengths: [Int]) -> [[Int]] {
        precondition(maxLengths.count == sentences, "greedy: \(maxLengths.count) limits for \(sentences) sentences")
        var outputs = [[Int]](repeating: [], count: sentences)
        var active = (0..<sentences).filter { maxLengths[$0] > 0 }
        var state = select(initialState, rows: active)
        var tokens = [Int](repeating: Vocabulary.bos, count: active.count)
        let V = vocabularySize
        while !active.isEmpty {
            let (logProbs, _, next) = step(tokens: tokens, state: state)
            var keep: [Int] = [], nextTokens: [Int] = [], nextActive: [Int] = []
            logProbs.withUnsafeBufferPointer { p in
                for (row, sentence) in active.enumerated() {
                    let scores = p.baseAddress! + row * V
                    var best = Vocabulary.eos
                    for v in 0..<V where v != Vocabulary.pad && v != Vocabulary.bos && scores[v] > scores[best] { best = v }
                    guard best != Vocabulary.eos else { continue }
                    outputs[sentence].append(best)
                    guard outputs[sentence].count < maxLengths[sentence] else { continue }
                    keep.append(row); nextTokens.append(best); nextActive.append(sentence)
                }
            }
            guard !keep.isEmpty else { break }
            state = select(next, rows: keep)
            tokens = nextTokens
            active = nextActive
        }
        return outputs
    }
}
