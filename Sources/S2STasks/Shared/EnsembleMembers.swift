// What every ensemble checks when it loads: its members read and write the same text. Averaging the
// members' distributions over token (or label) ids only means something when id k is the same token
// (or label) in every member, which equal pipeline fingerprints guarantee.
import S2STraining

enum EnsembleMembers {
    /// Throws a `BundleError` naming the first member whose (`side`) pipeline fingerprint differs from
    /// the first member's. `fingerprints[i]` belongs to `directories[i]`.
    static func requireSameText(_ directories: [String], side: String? = nil, fingerprints: [String]) throws {
        for (directory, fingerprint) in zip(directories, fingerprints).dropFirst() where fingerprint != fingerprints[0] {
            throw BundleError(path: directory,
                              problem: "its \(side.map { $0 + " " } ?? "")text pipeline (fingerprint \(fingerprint)) differs from \(directories[0])'s (\(fingerprints[0]))",
                              hint: "ensemble members must share their vocabularies and text settings: train them with the same --bpe-merges, vocabulary and text flags on the same data")
        }
    }
}
