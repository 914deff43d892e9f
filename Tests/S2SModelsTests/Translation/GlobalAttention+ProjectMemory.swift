// The mlp attention's memory projection computed apart, as the step-by-step reference decoder and the
// golden tests pass it to every step (the fused decoder computes its attention keys itself).
import S2SCore
import S2SNN
@testable import S2SModels

extension GlobalAttention {
    /// For mlp, memory·Wcᵀ [B, S, H]: compute it once per sentence and pass it to every step.
    /// Nil for dot and general, which need nothing precomputed.
    public func projectMemory(_ memory: Variable, tape: Tape) -> Variable? {
        linearContext.map { tape.linear(memory, weight: $0.weight, bias: nil) }
    }
}
