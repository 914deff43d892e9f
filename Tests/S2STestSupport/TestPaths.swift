// Where tests find their data, from this file's own path: the repository root, each test target's
// committed Fixtures, and the shared corpora beside the repository (../shared/corpora, read in place:
// corpus text is never copied into the repository).

/// The repository root and each test target's Fixtures folder.
///
///     Repository.fixtures("S2SNNTests") + "/lstm_l2_bi.safetensors"
public enum Repository {
    /// The repository root: three levels above this file (Tests/S2STestSupport/TestPaths.swift).
    public static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }()

    /// `<repo>/Tests/<target>/Fixtures`.
    public static func fixtures(_ target: String) -> String { root + "/Tests/" + target + "/Fixtures" }
}

/// The shared corpora (`<repo>/../shared/corpora`).
///
///     let reader = try LineReader(path: Corpora.path("translation/multi30k/val.en"))
public enum Corpora {
    public static let root = Repository.root + "/../shared/corpora"

    /// A file or folder of the corpora, by its path below `root`.
    public static func path(_ relative: String) -> String { root + "/" + relative }
}
