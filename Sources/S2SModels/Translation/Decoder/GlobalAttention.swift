// GlobalAttention: Luong/Bahdanau attention for one decoder step, parameter for parameter the
// OpenNMT-py module (`onmt.modules.GlobalAttention`), so its state dict loads without renaming:
//     general: linear_in.weight [H, H]
//     mlp:     linear_context.weight [H, H], linear_query.weight [H, H], linear_query.bias [H], v.weight [1, H]
//     all:     linear_out.weight [H, 2H] (+ linear_out.bias [H] for mlp only)
// output (attn_h) = linear_out([context, query]), then tanh for dot and general (not for mlp).
import S2SCore
import S2SNN

/// The score function of `GlobalAttention` (OpenNMT-py's `attn_type`). Its raw value is the name a
/// translator's config.json stores (`"attention": "general"`) and the CLI's `--attention` takes.
public enum AttentionType: String, Codable, CaseIterable, Sendable {
    case dot, general, mlp
}

/// Global attention over encoder outputs, as OpenNMT-py's `GlobalAttention` (softmax, no coverage).
///
///     var rng = Generator(seed: 1)
///     let attention = GlobalAttention(dimension: 512, type: .general, rng: &rng)
///     let (output, weights) = attention(query: h, memory: encoderOutputs, lengths: sourceLengths, tape: tape)
///     // h [B, H], encoderOutputs [B, S, H] → output [B, H], weights [B, S]
public final class GlobalAttention: Layer {
    public let type: AttentionType
    public let dimension: Int
    /// general: the query projection (`linear_in`, no bias).
    public let linearIn: Linear?
    /// mlp: the memory projection (`linear_context`, no bias), the query projection (`linear_query`,
    /// with bias) and the score vector (`v`, [1, H], no bias).
    public let linearContext: Linear?, linearQuery: Linear?, v: Linear?
    /// The output layer over [context, query] (`linear_out`, [H, 2H]; bias for mlp only).
    public let linearOut: Linear

    /// Parameters initialised like `torch.nn.Linear` (U(±1/√fan_in)), created in OpenNMT-py's order.
    public init(dimension: Int, type: AttentionType = .general, rng: inout Generator) {
        self.type = type
        self.dimension = dimension
        linearIn = type == .general ? Linear(inputs: dimension, outputs: dimension, bias: false, rng: &rng) : nil
        if type == .mlp {
            linearContext = Linear(inputs: dimension, outputs: dimension, bias: false, rng: &rng)
            linearQuery = Linear(inputs: dimension, outputs: dimension, bias: true, rng: &rng)
            v = Linear(inputs: dimension, outputs: 1, bias: false, rng: &rng)
        } else {
            (linearContext, linearQuery, v) = (nil, nil, nil)
        }
        linearOut = Linear(inputs: 2 * dimension, outputs: dimension, bias: type == .mlp, rng: &rng)
    }

    /// Attends from `query` [B, H] over `memory` [B, S, H], positions s ≥ lengths[b] masked out.
    /// Returns attn_h [B, H] and the attention weights [B, S] (exactly 0 at masked positions).
    public func callAsFunction(query: Variable, memory: Variable, lengths: [Int],
                               projectedMemory: Variable? = nil, tape: Tape) -> (output: Variable, weights: Variable) {
        let (context, weights) = tape.globalAttention(query: query, memory: memory, lengths: lengths,
                                                      score: score(projectedMemory: projectedMemory))
        let output = linearOut(tape.concat([context, query], axis: 1), tape: tape)
        return (type == .mlp ? output : tape.tanh(output), weights)
    }

    /// The score function with this layer's parameters, as the fused ops (S2SCore) take it.
    public func score(projectedMemory: Variable? = nil) -> AttentionScore {
        switch type {
        case .dot: .dot
        case .general: .general(weight: linearIn!.weight)
        case .mlp: .mlp(queryWeight: linearQuery!.weight, queryBias: linearQuery!.bias!,
                        contextWeight: linearContext!.weight, v: v!.weight, projectedMemory: projectedMemory)
        }
    }

    public var namedParameters: [(name: String, variable: Variable)] {
        var parameters: [(name: String, variable: Variable)] = []
        if let linearIn { parameters += linearIn.namedParameters(prefix: "linear_in") }
        if let linearContext { parameters += linearContext.namedParameters(prefix: "linear_context") }
        if let linearQuery { parameters += linearQuery.namedParameters(prefix: "linear_query") }
        if let v { parameters += v.namedParameters(prefix: "v") }
        return parameters + linearOut.namedParameters(prefix: "linear_out")
    }
}

extension AttentionDecoderParameters {
    /// The fused decoder's parameters (`Tape.attentionDecoder`, S2SCore) with `attention`'s own
    /// variables: the decoder trains the very parameters the layer holds.
    public init(layers: [RecurrentWeights], attention: GlobalAttention) {
        self.init(layers: layers, score: attention.score(), outWeight: attention.linearOut.weight,
                  outBias: attention.linearOut.bias)
    }
}
