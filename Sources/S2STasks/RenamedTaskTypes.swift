// Earlier names of public types, kept so that programs written against them still build (the naming
// scheme: Sources/S2SModels/RenamedModelTypes.swift).
import S2SModels

@available(*, deprecated, renamed: "TranslationEngine")
public typealias TranslationJob = TranslationEngine
@available(*, deprecated, renamed: "ClassificationTrainingSettings")
public typealias ClassifierTrainingSettings = ClassificationTrainingSettings

// The output length limit became one value, `OutputLengthLimit` (a ratio and an optional cap).
extension TranslationEngine {
    @available(*, deprecated, message: "use lengthLimit: OutputLengthLimit(ratio:cap:)")
    public init(model: TranslationModel, search: any TranslationSearch, batchSize: Int = 32, threads: Int = 1,
                maxLengthRatio: Double, packed: PackedStepWeights? = nil) {
        self.init(model: model, search: search, batchSize: batchSize, threads: threads,
                  lengthLimit: OutputLengthLimit(ratio: maxLengthRatio), packed: packed)
    }

    @available(*, deprecated, renamed: "lengthLimit.ratio")
    public var maxLengthRatio: Double {
        get { lengthLimit.ratio }
        set { lengthLimit.ratio = newValue }
    }
}

extension TranslationValidator {
    @available(*, deprecated, renamed: "lengthLimit.ratio")
    public var maxLengthRatio: Double {
        get { lengthLimit.ratio }
        set { lengthLimit.ratio = newValue }
    }

    @available(*, deprecated, message: "use OutputLengthLimit(ratio:).tokens(sourceLength:)")
    public static func maxLength(sourceLength: Int, ratio: Double) -> Int {
        OutputLengthLimit(ratio: ratio).tokens(sourceLength: sourceLength)
    }
}
