import Testing
@testable import S2SCore

/// What each precision runs on this CPU: `auto` resolves to a measured choice, and `bfloat16-dot` without
/// AVX-512 BF16 takes bfloat16's path instead of the emulated chain.
@Suite struct WeightPrecisionTests {
    @Test func autoIsTheMeasuredChoiceAndSaysSo() {
        #expect(WeightPrecision.auto.effective == WeightPrecision.automatic.effective)
        #expect(![.auto, .float32].contains(WeightPrecision.auto.effective))
        #expect(WeightPrecision.auto.substitutionNote?.hasPrefix("auto: \(WeightPrecision.automatic.rawValue)") == true)
        for precision in [WeightPrecision.float32, .bfloat16, .int8] {
            #expect(precision.effective == precision && precision.substitutionNote == nil)
        }
    }

    @Test func bfloat16DotNeedsTheInstruction() {
        for level in KernelLevel.supported {
            let native = Kernels(level)!.hasNativeBFloat16Dot
            #expect(native == (level == .avx512 && KernelLevel.summary.contains("BF16")), "\(level)")
        }
        let w = KernelLevelTests.random(8 * 16, seed: 7)
        let matrix = w.withUnsafeBufferPointer { StepMatrix(.bfloat16Dot, rows: 8, columns: 16, $0.baseAddress!, ldw: 16) }
        switch (matrix, Kernels.current.hasNativeBFloat16Dot) {
        case (.bfloat16Dot, true), (.bfloat16, false): break
        default: Issue.record("bfloat16-dot packed as \(matrix) with native \(Kernels.current.hasNativeBFloat16Dot)")
        }
        #expect((WeightPrecision.bfloat16Dot.substitutionNote == nil) == Kernels.current.hasNativeBFloat16Dot)
    }
}
