// Layers own their parameters and list them explicitly under PyTorch-style names (no reflection), so
// a model's safetensors file loads into the equivalent torch module with no renaming.
import S2SCore

public protocol Layer: AnyObject {
    /// This layer's parameters, names relative to the layer ("weight", "weight_ih_l0", "encoder.embedding.weight").
    var namedParameters: [(name: String, variable: Variable)] { get }
}

extension Layer {
    /// All parameters with `prefix.` prepended to their names.
    public func namedParameters(prefix: String) -> [(name: String, variable: Variable)] {
        namedParameters.map { (prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.variable) }
    }

    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.variable.value.count } }
}

/// A trainable parameter: a Variable that requires a gradient.
public func parameter(_ value: Tensor) -> Variable { Variable(value, requiresGrad: true) }
