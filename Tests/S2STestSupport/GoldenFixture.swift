import Testing
import S2SCore

/// A PyTorch golden fixture (Tests/S2SNNTests/Fixtures/*.safetensors, made by
/// Tools/reference/make_fixtures.py) and the tolerance the fixtures README prescribes. Here because
/// S2SNNTests (layers, optimizers) and S2SModelsTests (attention) both read them.
public struct GoldenFixture {
    public let name: String
    public let tensors: [String: Tensor]
    public let metadata: [String: String]

    public init(_ name: String) throws {
        let (tensors, metadata) = try SafeTensors.read(Repository.fixtures("S2SNNTests") + "/" + name + ".safetensors")
        self.name = name; self.tensors = tensors; self.metadata = metadata
    }

    public subscript(_ key: String) -> Tensor {
        guard let tensor = tensors[key] else { Issue.record("\(name): no tensor \(key)"); return Tensor(zeros: [0]) }
        return tensor
    }

    public func ints(_ key: String) -> [Int] { self[key].scalars.map { Int($0) } }
    public func number(_ key: String) -> Double { Double(metadata[key] ?? "") ?? .nan }
    public func flag(_ key: String) -> Bool { metadata[key] == "true" }

    /// A fresh variable holding a fixture tensor, with a gradient.
    public func variable(_ key: String) -> Variable { Variable(self[key], requiresGrad: true) }

    /// Records an issue unless |ours − torch| ≤ tolerance·(1 + |torch|) everywhere; returns the max difference.
    @discardableResult
    public func expectClose(_ ours: Tensor?, _ key: String, tolerance: Float = 1e-5,
                     sourceLocation: SourceLocation = #_sourceLocation) -> Float {
        let expected = self[key]
        guard let ours else {
            Issue.record("\(name): \(key) is missing on our side", sourceLocation: sourceLocation)
            return .infinity
        }
        guard ours.count == expected.count else {
            Issue.record("\(name): \(key) has shape \(ours.shape), torch \(expected.shape)", sourceLocation: sourceLocation)
            return .infinity
        }
        var worst: Float = 0, worstExcess: Float = 0
        for (a, b) in zip(ours.scalars, expected.scalars) {
            worst = max(worst, abs(a - b))
            worstExcess = max(worstExcess, abs(a - b) - tolerance * (1 + abs(b)))
        }
        #expect(worstExcess <= 0, "\(name): \(key) differs from torch by up to \(worst)", sourceLocation: sourceLocation)
        return worst
    }
}
