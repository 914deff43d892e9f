// Earlier names of public types, kept so that programs written against them still build (the naming
// scheme: Sources/S2SModels/RenamedModelTypes.swift).

@available(*, deprecated, renamed: "TranslationEngine")
public typealias TranslationJob = TranslationEngine
@available(*, deprecated, renamed: "ClassificationTrainingSettings")
public typealias ClassifierTrainingSettings = ClassificationTrainingSettings
