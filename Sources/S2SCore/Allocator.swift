// Keeps large freed buffers in the process heap instead of returning them to the kernel. By default
// glibc maps big allocations (activations of a whole layer: tens of MB) with mmap and unmaps them on
// free, so every training step faults in and zeroes fresh pages — 5% of an LSTM step measured here.

// glibc's mallopt (malloc.h is not in the Glibc module); parameters from malloc.h.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let M_TRIM_THRESHOLD: Int32 = -1
private let M_MMAP_THRESHOLD: Int32 = -3

enum Allocator {
    /// Runs once per process, on first use of a tape.
    static let keepLargeBuffers: Void = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }()
}
