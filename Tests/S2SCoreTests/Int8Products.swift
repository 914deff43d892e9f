// Every int8 product path this CPU can run, for the tests that hold each one to the oracle.
import S2SCore
import S2SKernels

extension Kernels {
    /// Every int8 product this CPU can run, by path name ("avx-vnni (evex)" is avx-vnni's code as a CPU with
    /// AVX-512 VNNI runs it), with the limit of the values it takes (127, or 63 for the 7-bit product): tests
    /// hold each to the oracle of a matrix quantized for it.
    public static var int8Products: [(name: String, product: s2s_int8_gemm_fn, limit: Int)] {
        var found: [(String, s2s_int8_gemm_fn, Int)] = []
        var names = s2s_int8_kernel_names()!
        while let name = names.pointee {
            if let product = s2s_int8_kernel_named(name) {
                found.append((String(cString: name), product, Int(s2s_int8_kernel_limit(name))))
            }
            names += 1
        }
        return found
    }
}
