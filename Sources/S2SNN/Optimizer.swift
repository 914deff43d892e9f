// Optimizer: the protocol SGD and Adam implement, plus the pieces their checkpoints share — a step
// counter stored exactly in Float32 tensors, and the error a bad optimizer state throws. State is a
// flat list of named tensors so a checkpoint can put it in a safetensors file beside the model.
import S2SCore

/// Updates parameters from their gradients.
///
///     let adam = Adam(learningRate: 1e-3)
///     loss.backward()                        // fills `grad` of every parameter
///     adam.step(model.namedParameters)       // updates values, then clears the grads
///     let state = adam.stateTensors()        // save with SafeTensors.write(state, to: …)
///     try adam.loadState(tensors, parameters: model.namedParameters)   // … and resume bit for bit
public protocol Optimizer: AnyObject {
    /// The learning rate of the next `step` (a Double, as PyTorch's, so schedules lose no precision).
    var learningRate: Double { get set }

    /// Applies one update to every parameter that has a gradient (parameters whose `grad` is nil are
    /// skipped and their state is left as it was), then clears the gradients (`grad = nil`).
    func step(_ parameters: [(name: String, variable: Variable)])

    /// The optimizer's state as named tensors, sorted by name: `steps` (the number of `step` calls,
    /// see `StepCounter`) and per-parameter tensors such as `<param>.exp_avg`.
    func stateTensors() -> [(name: String, tensor: Tensor)]

    /// Replaces the state with `tensors` (as written by `stateTensors`), checking every tensor against
    /// `parameters`. Throws `OptimizerStateError` naming the tensor that is missing, has the wrong
    /// shape, or belongs to no parameter; on error the current state is left unchanged.
    func loadState(_ tensors: [String: Tensor], parameters: [(name: String, variable: Variable)]) throws
}

/// A problem with a saved optimizer state, naming the tensor concerned.
public struct OptimizerStateError: Error, CustomStringConvertible, Equatable {
    public let tensor: String
    public let problem: String
    public init(tensor: String, problem: String) { self.tensor = tensor; self.problem = problem }
    public var description: String { "optimizer state tensor \"\(tensor)\": \(problem)" }
}

/// A non-negative step count stored in a Float32 tensor of shape [2] as (count >> 24, count & 0xFFFFFF):
/// both halves are exact in Float32, so counts up to 2^48 round-trip exactly.
///
///     StepCounter.tensor(100_000_000).scalars   // [5, 16_113_920]
///     try StepCounter.count(from: t, name: "steps")  // 100_000_000
public enum StepCounter {
    public static func tensor(_ count: Int) -> Tensor {
        precondition(count >= 0 && count < 1 << 48, "step count \(count) out of range")
        return Tensor(shape: [2], scalars: [Float(count >> 24), Float(count & 0xFF_FFFF)])
    }

    public static func count(from tensor: Tensor, name: String) throws -> Int {
        guard tensor.shape == [2] else {
            throw OptimizerStateError(tensor: name, problem: "a step counter has shape [2], found \(tensor.shape)")
        }
        let high = tensor.scalars[0], low = tensor.scalars[1]
        guard high >= 0, low >= 0, low < 16_777_216, high < 16_777_216,
              high == high.rounded(), low == low.rounded()
        else { throw OptimizerStateError(tensor: name, problem: "not a valid step counter: \(tensor.scalars)") }
        return Int(high) << 24 | Int(low)
    }
}

/// Helpers shared by the optimizers' `loadState`.
enum OptimizerState {
    static let stepsName = "steps"

    /// Reads the tensors `suffixes` of one parameter: all present (returned in order), or all absent
    /// (nil: the parameter has not been updated yet). Removes what it reads from `remaining`.
    static func take(_ suffixes: [String], of parameter: String, shapes: [[Int]],
                     from remaining: inout [String: Tensor]) throws -> [Tensor]? {
        let names = suffixes.map { parameter + "." + $0 }
        let found = names.map { remaining[$0] }
        if found.allSatisfy({ $0 == nil }) { return nil }
        var tensors: [Tensor] = []
        for (index, name) in names.enumerated() {
            guard let tensor = found[index] else {
                let present = names.filter { remaining[$0] != nil }.joined(separator: ", ")
                throw OptimizerStateError(tensor: name, problem: "missing (the state has \(present) for this parameter)")
            }
            guard tensor.shape == shapes[index] else {
                throw OptimizerStateError(tensor: name, problem: "shape \(tensor.shape), expected \(shapes[index])")
            }
            tensors.append(tensor)
            remaining[name] = nil
        }
        return tensors
    }

    /// Reads the `steps` counter, removing it from `remaining`.
    static func takeSteps(from remaining: inout [String: Tensor]) throws -> Int {
        guard let tensor = remaining.removeValue(forKey: stepsName) else {
            throw OptimizerStateError(tensor: stepsName, problem: "missing: this is not an optimizer state")
        }
        return try StepCounter.count(from: tensor, name: stepsName)
    }

    /// Fails on the first (alphabetically) tensor nothing claimed.
    static func rejectLeftovers(_ remaining: [String: Tensor], optimizer: String) throws {
        if remaining[SGD.markerName] != nil {
            throw OptimizerStateError(tensor: SGD.markerName, problem: "this state was written by SGD, not \(optimizer)")
        }
        if let name = remaining.keys.sorted().first {
            throw OptimizerStateError(
                tensor: name,
                problem: "unexpected: no parameter of the model has this state in \(optimizer) (another model or optimizer?)")
        }
    }
}
