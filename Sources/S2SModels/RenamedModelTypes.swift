// Earlier names of public types, kept so that programs written against them still build (with a
// deprecation warning that names the new one). The scheme since: the task's noun for every part of a
// task (Translation…, Classification…, LanguageModel…: config, model, batch, step model, bundle, job),
// the agent's noun only for what a program calls to use a trained model (Translator, Classifier,
// TextGenerator) and its errors.

@available(*, deprecated, renamed: "TranslationConfig")
public typealias TranslatorConfig = TranslationConfig
@available(*, deprecated, renamed: "TranslationStepModel")
public typealias TranslatorSearchModel = TranslationStepModel
@available(*, deprecated, renamed: "TranslationDecoderState")
public typealias TranslatorDecoderState = TranslationDecoderState
@available(*, deprecated, renamed: "ClassificationConfig")
public typealias ClassifierConfig = ClassificationConfig
@available(*, deprecated, renamed: "ClassificationBatch")
public typealias ClassifierBatch = ClassificationBatch
