// Every int8 product path this CPU can run, for the tests that hold each one to the oracle.
import S2SCore
import S2SKernels

extension Kernels {
    /// Every int8 product this CPU can run, by path name ("avx-vnni (evex)" is avx-vnni's code as a CPU with
    /// AVX-512 VNNI runs it): all give the same bits, and tests hold each to the oracle.
    public static var int8Products: [(name: String, product: s2s_int8_gemm_fn)] {
        var found: [(String, s2s_int8_gemm_fn)] = []
        var names = s2s_int8_kernel_names()!
        while let name = names.pointee {
            if let product = s2s_int8_kernel_named(name) { found.append((String(cString: name), product)) }
            names += 1
        }
        return found
    }
}
