// Embedding: a lookup table of token vectors, as torch.nn.Embedding(V, E, padding_idx:):
// parameter `weight` [V, E] drawn from N(0, 1), the padding row zeroed and never updated.
import S2SCore

/// Token embeddings: ids of any shape → vectors of shape [shape..., E].
///
///     var rng = Generator(seed: 1)
///     let embedding = Embedding(vocabularySize: 1000, dimension: 64, rng: &rng)
///     let x = embedding(ids: batchIds, shape: [T, B], tape: tape)   // [T, B, 64]
public final class Embedding: Layer {
    public let weight: Variable
    /// The row that stays zero and gets no gradient (`<pad>` = 0 by default); nil for none.
    public let paddingIndex: Int?

    public init(vocabularySize: Int, dimension: Int, paddingIndex: Int? = 0, rng: inout Generator) {
        precondition(paddingIndex == nil || (0..<vocabularySize).contains(paddingIndex!),
                     "Embedding: padding index \(paddingIndex!) outside 0..<\(vocabularySize)")
        var table = Tensor.normal([vocabularySize, dimension], using: &rng)
        if let paddingIndex {
            for e in 0..<dimension { table[paddingIndex, e] = 0 }
        }
        weight = parameter(table)
        weight.sparseGradientRows = true   // a batch touches a few hundred rows of thousands
        self.paddingIndex = paddingIndex
    }

    public var vocabularySize: Int { weight.shape[0] }
    public var dimension: Int { weight.shape[1] }

    /// Looks up `ids` (laid out as `shape`, e.g. [T, B]); ids must lie in 0..<vocabularySize.
    public func callAsFunction(ids: [Int], shape: [Int], tape: Tape) -> Variable {
        tape.embedding(ids: ids, shape: shape, table: weight, paddingIndex: paddingIndex)
    }

    public var namedParameters: [(name: String, variable: Variable)] { [("weight", weight)] }
}
