// Exponential smoothing of the weights (Marian's --exponential-smoothing): an exponential moving average
// of the parameters, updated after every optimizer step. Validation, the best model and
// model.safetensors use the average; training goes on from the raw weights. It evens out the noise of
// the last updates, so the kept model is steadier than the weights of any single step.
//
// The rate warms up as TensorFlow's ExponentialMovingAverage(num_updates:) does: update n (0-based)
// moves the average by max(α, 9 / (n + 10)) towards the weights, so early on the average follows the
// weights closely, and later it spans about the last 1/α steps (or the last ~10% of a short run).
import S2SCore

struct WeightSmoothing {
    let rate: Double
    /// One average per parameter, in the trainer's parameter order.
    private(set) var averages: [Tensor]

    /// Starts the averages at the current weights.
    init(rate: Double, parameters: [(name: String, variable: Variable)]) {
        precondition(rate > 0 && rate <= 1, "exponential smoothing rate \(rate) must be in (0, 1]")
        self.rate = rate
        averages = parameters.map(\.variable.value)
    }

    /// Continues from averages saved with a checkpoint (`tensors` by parameter name).
    init(rate: Double, parameters: [(name: String, variable: Variable)], saved tensors: [String: Tensor], path: String) throws {
        self.rate = rate
        averages = try parameters.map { name, variable in
            guard let tensor = tensors[name] else {
                throw BundleError(path: path, problem: "no smoothed value of \(name)",
                                  hint: "resume with the --exponential-smoothing setting the run was started with")
            }
            guard tensor.shape == variable.shape else {
                throw BundleError(path: path, problem: "smoothed \(name) has shape \(tensor.shape), the model \(variable.shape)", hint: nil)
            }
            return tensor
        }
    }

    /// Moves every average towards its parameter after optimizer update number `update` (0-based).
    mutating func update(_ parameters: [(name: String, variable: Variable)], update: Int) {
        let step = Float(max(rate, 9 / Double(update + 10)))
        for (index, parameter) in parameters.enumerated() {
            parameter.variable.value.withUnsafeBufferPointer { weights in
                averages[index].withUnsafeMutableBufferPointer { average in
                    for k in 0..<average.count { average[k] += step * (weights[k] - average[k]) }
                }
            }
        }
    }

    /// Exchanges the parameters' values with the averages; a second call swaps them back.
    mutating func swap(with parameters: [(name: String, variable: Variable)]) {
        for (index, parameter) in parameters.enumerated() {
            let weights = parameter.variable.value
            parameter.variable.value = averages[index]
            averages[index] = weights
        }
    }

    func namedAverages(_ parameters: [(name: String, variable: Variable)]) -> [(name: String, tensor: Tensor)] {
        zip(parameters, averages).map { ($0.name, $1) }
    }
}
