// The attention decoder's step weights packed once per training batch for the kernels' product
// (PackedMatrix), instead of inside every step's product: each of the T steps, forward and backward,
// multiplies its B rows with the same W_ih (the input-feed part), W_hh, W_out (and mlp's W_q), and at
// 32 rows per shard packing a [2048, 512] weight costs about a third of the product with it. Packed or
// not, the product is the same fused chain per element, so the bits do not change.
//
// Shapes: forward C [B, G·H] = X [B, H]·Wᵀ (W stored [G·H, H]); backward dX [B, H] = dG [B, G·H]·W.

import S2SCore
import S2SKernels

package final class DecoderTrainingPacks {
    /// Layer 0's W_ih columns E..<E+H (the input feed), W_ih of layers ≥ 1 (nil for layer 0), W_hh.
    package let feedInput: PackedMatrix
    package let input: [PackedMatrix?]
    package let hidden: [PackedMatrix]
    /// mlp's W_q [H, H] (nil for dot and general), and linear_out [H, 2H].
    package let query: PackedMatrix?
    package let out: PackedMatrix

    /// Packs `w` for the forward products (X·Wᵀ) or, with `forward` false, the backward ones (dY·W).
    package init(_ w: DecoderWeightPointers, forward: Bool) {
        let H = w.hidden, E = w.embeddingSize, G = w.cell.gates * H
        // W [rows, columns] with leading dimension ld, as the product's B.
        func pack(_ b: UnsafePointer<Float>, rows: Int, columns: Int, ld: Int) -> PackedMatrix {
            forward ? PackedMatrix(transposeB: true, k: columns, n: rows, b, ldb: ld)
                    : PackedMatrix(transposeB: false, k: rows, n: columns, b, ldb: ld)
        }
        feedInput = pack(w.inputWeights[0] + E, rows: G, columns: H, ld: E + H)
        input = (0..<w.layers).map { $0 == 0 ? nil : pack(w.inputWeights[$0], rows: G, columns: H, ld: H) }
        hidden = (0..<w.layers).map { pack(w.hiddenWeights[$0], rows: G, columns: H, ld: H) }
        if case .mlp(let queryWeight, _, _) = w.score { query = pack(queryWeight, rows: H, columns: H, ld: H) } else { query = nil }
        out = pack(w.outWeight, rows: H, columns: 2 * H, ld: 2 * H)
    }
}
