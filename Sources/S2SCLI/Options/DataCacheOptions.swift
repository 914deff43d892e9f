// Where a train command keeps its prepared training data (token ids and text pipelines, memory-mapped
// while training): the model directory's data/ unless told otherwise.
import ArgumentParser

struct DataCacheOptions: ParsableArguments {
    @Option(help: "Keep the prepared training data (token ids, text pipelines) in this directory instead of the model directory's data/, to share it between runs (train-translate: see `s2s prepare`). It is prepared again, replacing it, when the text files or text settings differ.")
    var dataCache: String?
}
