// A heap block of Floats with a stable address for the lifetime of its owner, for the attention
// decoder's saved activations and the translator's step states: kernels take raw pointers, and a Swift
// array's address is only valid inside a closure. Package-wide: the translator's search (S2SModels)
// keeps its decoder state in these.

/// An owned, fixed-size Float buffer.
///
///     let gates = FloatBuffer(count: T * B * 4 * H)          // contents unspecified
///     let carry = FloatBuffer(count: B * H, zeroed: true)
///     gates.pointer[0] = 1
package final class FloatBuffer {
    package let pointer: UnsafeMutablePointer<Float>
    package let count: Int

    package init(count: Int, zeroed: Bool = false) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
    }

    deinit { pointer.deallocate() }

    package func zero() { pointer.update(repeating: 0, count: count) }

    package subscript(offset: Int) -> UnsafeMutablePointer<Float> { pointer + offset }
}
