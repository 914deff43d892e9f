// Locates the shared corpora for tests: the repository root is three levels above this file, and
// the corpora live in its sibling ../shared/corpora.

enum Corpora {
    /// `<repo>/../shared/corpora`.
    static let root: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)   // Tests/S2STextTests/Corpora.swift
        return parts.joined(separator: "/") + "/../shared/corpora"
    }()

    static let multi30k: [String] = ["train", "val", "test_2016_flickr"].flatMap { split in
        ["en", "de", "fr"].map { "translation/multi30k/\(split).\($0)" }
    }
    static let tatoeba = ["translation/tatoeba-eng-fra/eng-fra.tsv", "translation/tatoeba-eng-deu/eng-deu.tsv"]

    static func path(_ relative: String) -> String { root + "/" + relative }
}
