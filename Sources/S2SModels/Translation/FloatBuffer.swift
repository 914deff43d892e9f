// A heap block of Floats with a stable address for the lifetime of its owner, for the decoder's saved
// activations: kernels take raw pointers, and a Swift array's address is only valid inside a closure.
import S2SCore

/// An owned, fixed-size Float buffer.
///
///     let gates = FloatBuffer(count: T * B * 4 * H)          // contents unspecified
///     let carry = FloatBuffer(count: B * H, zeroed: true)
///     gates.pointer[0] = 1
final class FloatBuffer {
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    init(count: Int, zeroed: Bool = false) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit { pointer.deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }

    subscript(offset: Int) -> UnsafeMutablePointer<Float> { pointer + offset }
}

/// Runs `body` with read-only pointers to every tensor's scalars (valid inside `body` only).
func withPointers<R>(_ tensors: [Tensor], _ body: ([UnsafePointer<Float>]) throws -> R) rethrows -> R {
    var pointers: [UnsafePointer<Float>] = []
    pointers.reserveCapacity(tensors.count)
    func recurse(_ index: Int) throws -> R {
        if index == tensors.count { return try body(pointers) }
        // An empty tensor still gets a valid (never read) address.
        let tensor = tensors[index].count == 0 ? Tensor(zeros: [1]) : tensors[index]
        return try tensor.withUnsafeBufferPointer { buffer in
            pointers.append(buffer.baseAddress!)
            return try recurse(index + 1)
        }
    }
    return try recurse(0)
}
