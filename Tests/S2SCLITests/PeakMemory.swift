// PeakMemory: how far a block of work raises this process's peak resident memory (Linux: VmHWM from
// /proc/self/status, reset through /proc/self/clear_refs), for tests that bound memory on huge input.
import Foundation

enum PeakMemory {
    /// Bytes by which the peak RSS while `body` ran exceeded the RSS before it (0 where /proc is absent).
    static func growth(_ body: () throws -> Void) rethrows -> Int {
        let before = field("VmRSS")
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)   // peak := current
        try body()
        return max(0, field("VmHWM") - before)
    }

    /// A `kB` field of /proc/self/status, in bytes.
    private static func field(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            return (Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0) * 1024
        }
        return 0
    }
}
