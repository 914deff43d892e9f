// Timing helpers for benchmarks: a monotonic clock, CPU time, medians over repeats, and the process's peak RSS.
#if canImport(Glibc)
import Glibc
#endif

enum Stopwatch {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Median seconds of `repeats` runs of `body`, after `warmups` untimed runs.
    static func median(repeats: Int, warmups: Int = 1, _ body: () -> Void) -> Double {
        for _ in 0..<warmups { body() }
        var times: [Double] = []
        for _ in 0..<repeats {
            let start = now()
            body()
            times.append(now() - start)
        }
        times.sort()
        return times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
    }

    /// The median of `values` (NaN when empty).
    static func median(of values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }

    /// CPU time (user + system, all threads) this process has used so far, in seconds. On a shared
    /// machine it moves much less than wall time when other processes take the cores.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Median wall and CPU seconds of `repeats` runs of `body`, after `warmups` untimed runs.
    static func medians(repeats: Int, warmups: Int = 1, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        for _ in 0..<warmups { body() }
        var wall: [Double] = [], cpu: [Double] = []
        for _ in 0..<repeats {
            let start = now(), startCPU = cpuSeconds()
            body()
            wall.append(now() - start)
            cpu.append(cpuSeconds() - startCPU)
        }
        return (median(of: wall), median(of: cpu))
    }

    /// Peak resident set size of this process, in MiB.
    static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
