// Keeps large freed buffers in the process heap instead of returning them to the kernel. By default
// glibc maps big allocations (activations of a whole layer: tens of MB) with mmap and unmaps them on
// free, so every training step faults in and zeroes fresh pages — 5% of an LSTM step measured here.

// glibc's mallopt (malloc.h is not in the Glibc module); parameters from malloc.h.
@_silgen_name("mallopt") private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
@_silgen_name("malloc_trim") private func malloc_trim(_ pad: Int) -> Int32
private let M_TRIM_THRESHOLD: Int32 = -1
private let M_MMAP_THRESHOLD: Int32 = -3
private let M_ARENA_MAX: Int32 = -8

public enum Allocator {
    /// Runs once per process, on first use of a tape.
    static let keepLargeBuffers: Void = {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, Int32.max)
        #endif
    }()

    /// One malloc arena for the whole process. glibc gives threads their own arenas, and what a thread's
    /// arena holds after a job stays resident even when trimmed: a benchmark running beam search, then
    /// training, then beam search again grew by 65 MB per round (385 MiB peak vs 321 with one arena;
    /// training and decoding speed unchanged — our allocations are few and large). For programs that
    /// run several jobs in one process (the `s2s` tool); call before starting threads.
    public static func useOneArena() {
        #if os(Linux)
        _ = mallopt(M_ARENA_MAX, 1)
        #endif
    }

    /// Hands the heap's free pages back to the kernel — after work whose memory the rest of the
    /// process will not reuse (a benchmark's data preparation), so it is not counted as resident.
    public static func releaseFreeMemory() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }
}
