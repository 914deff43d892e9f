// The shape settings a single-stack recurrent model has (the language model's and the classifier's: an
// embedding, then stacked layers of one cell), so code that sets them — the train commands' shared
// options — is written once. The translator has two stacks and other names (TranslationConfig).
import S2SCore

public protocol RecurrentShape {
    var cell: RecurrentCell { get set }
    var layers: Int { get set }
    var embeddingSize: Int { get set }
    var hiddenSize: Int { get set }
    var dropout: Float { get set }
}

extension LanguageModelConfig: RecurrentShape {}
extension ClassificationConfig: RecurrentShape {}
