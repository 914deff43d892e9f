// TokenBans: the tokens a hypothesis may not take next. Always pad and bos (they are never output);
// unk when asked (OpenNMT's -ban_unk_token); and with repeat blocking of order N, every token that
// would complete an N-gram already present in the hypothesis (OpenNMT's -block_ngram_repeat: N = 1
// bans every token already generated, N = 2 any repeated bigram, …). N-grams are taken over the
// generated tokens only (bos is not part of them). Eos is handled by the searches themselves
// (min length), never here.
import S2SCore

/// The per-row exclusion list shared by beam search and greedy search (internal).
///
///     let bans = TokenBans(banUnk: true, blockNgramRepeat: 2)
///     var out: [Int] = []
///     bans.fill(history: [5, 6, 7, 5], into: &out)   // [0, 2, 1, 6]: "5 6" would repeat
struct TokenBans {
    let banUnk: Bool
    let blockNgramRepeat: Int

    /// Replaces `banned` with the tokens that may not follow `history`. O(|history| · N).
    func fill(history: [Int], into banned: inout [Int]) {
        banned.removeAll(keepingCapacity: true)
        banned.append(SpecialTokens.pad)
        banned.append(SpecialTokens.bos)
        if banUnk { banned.append(SpecialTokens.unk) }
        let n = blockNgramRepeat, length = history.count
        guard n > 0, length >= n - 1 else { return }
        if n == 1 { banned.append(contentsOf: history); return }
        let prefixStart = length - (n - 1)
        var i = 0
        while i + n - 1 < length {   // the n-gram history[i ..< i+n] lies inside the history
            var same = true
            for j in 0..<(n - 1) where history[i + j] != history[prefixStart + j] { same = false; break }
            if same { banned.append(history[i + n - 1]) }
            i += 1
        }
    }
}
