// Tensor: a row-major Float32 array with a shape. A value type: its storage is a Swift Array, so
// copies are cheap and copy-on-write. Shapes are documented with letters throughout s2s:
// B batch, T target steps, S source steps, E embedding, H hidden, V vocabulary, L layers, K beam.

/// A dense, row-major Float32 tensor with value semantics.
///
///     var t = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
///     t[1, 2]            // 6
///     t.reshaped([3, 2]) // same scalars, new shape
public struct Tensor: Equatable, Sendable, CustomStringConvertible {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        precondition(shape.reduce(1, *) == scalars.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) scalars, got \(scalars.count)")
        self.shape = shape
        self.scalars = scalars
    }

    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor holding one number.
    public init(scalar: Float) {
        self.init(shape: [], scalars: [scalar])
    }

    public var count: Int { scalars.count }
    public var rank: Int { shape.count }

    /// The only scalar of a tensor with one element.
    public var scalar: Float {
        precondition(count == 1, "tensor of shape \(shape) is not a scalar")
        return scalars[0]
    }

    public subscript(indices: Int...) -> Float {
        get { scalars[offset(indices)] }
        set { scalars[offset(indices)] = newValue }
    }

    private func offset(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "index rank \(indices.count) for shape \(shape)")
        var offset = 0
        for (index, dim) in zip(indices, shape) {
            precondition(index >= 0 && index < dim, "index \(indices) out of bounds for shape \(shape)")
            offset = offset * dim + index
        }
        return offset
    }

    /// The same scalars under another shape with the same element count.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        Tensor(shape: newShape, scalars: scalars)
    }

    public mutating func reshape(_ newShape: [Int]) {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        shape = newShape
    }

    /// Sets every scalar to zero, keeping the storage.
    public mutating func zero() {
        scalars.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }

    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    public var description: String {
        let preview = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
        return "Tensor(\(shape), [\(preview)\(count > 8 ? ", …" : "")])"
    }
}

extension Array where Element == Float {
    /// An array of `count` floats whose contents are unspecified: for buffers a kernel overwrites
    /// completely, so no time goes into a zero fill that is never read.
    public static func uninitialized(_ count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }
}
