// The ids every s2s vocabulary reserves, defined once for all who need them: the text side (S2SText's
// Vocabulary lists the four specials first, so their ids are their line indices), the models and losses
// (padding rows, the ignored target id) and the searches (S2SDecoding starts at bos and stops at eos).

/// The special token ids: `<pad>=0 <unk>=1 <s>=2 </s>=3` (names in `Vocabulary.specials`, S2SText).
///
///     let inputs = [SpecialTokens.bos] + ids          // what a decoder reads first
///     tape.crossEntropy(logits: y, targets: t)        // ignores SpecialTokens.pad by default
public enum SpecialTokens {
    /// Padding of a batch's short rows: ignored by the losses, never generated.
    public static let pad = 0
    /// A token outside the vocabulary.
    public static let unk = 1
    /// Beginning of a sequence (`<s>`): a decoder's first input.
    public static let bos = 2
    /// End of a sequence (`</s>`): where generation stops.
    public static let eos = 3
}
