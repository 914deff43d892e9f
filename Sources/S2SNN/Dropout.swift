// Dropout as a layer (no parameters): active only on a training tape, see `Tape.dropout`.
import S2SCore

/// Inverted dropout with a fixed probability.
///
///     let dropout = Dropout(probability: 0.3)
///     let h = dropout(x, tape: tape)   // x itself on an inference tape
public final class Dropout: Layer {
    public let probability: Float

    public init(probability: Float) {
        precondition(probability >= 0 && probability <= 1, "Dropout: probability \(probability) outside [0, 1]")
        self.probability = probability
    }

    public func callAsFunction(_ x: Variable, tape: Tape) -> Variable {
        tape.dropout(x, probability: probability)
    }

    public var namedParameters: [(name: String, variable: Variable)] { [] }
}
