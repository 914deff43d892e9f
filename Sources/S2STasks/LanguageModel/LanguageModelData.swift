// A text file as one token sequence for a language model: each line's tokens followed by `</s>`,
// which stands for the line break (empty lines included, so the model learns paragraph breaks).
// Also counts the text's characters, for bits per character.
import S2SCore
import S2SText

/// A text as language-model tokens.
///
///     let text = try LanguageModelData(path: "train.txt", processor: processor)
///     text.tokens        // [t, h, e, ＿, …, </s>, …]
///     text.characters    // grapheme clusters + line breaks
public struct LanguageModelData: Sendable {
    /// Every line's ids, each line ended by `SpecialTokens.eos`.
    public var tokens: [Int]
    /// Grapheme clusters of the text, each line break counted as one.
    public var characters: Int
    /// Lines read.
    public var lines: Int

    /// Reads and encodes `path` ("-" for standard input). Errors name the file and line.
    public init(path: String, processor: TextProcessor) throws(TextError) {
        let reader = try LineReader(path: path, options: ReadOptions(skipEmpty: false))
        tokens = []
        characters = 0
        lines = 0
        while let line = try reader.next() {
            do {
                tokens += try processor.encode(line.text, addEOS: true)
            } catch {
                throw TextError(error.kind, file: path, line: line.number, error.problem)
            }
            characters += line.text.count + 1
            lines += 1
        }
    }

    /// Encodes in-memory lines (for tests and prompts).
    public init(lines: [String], processor: TextProcessor) throws(TextError) {
        tokens = []
        characters = 0
        self.lines = lines.count
        for line in lines {
            tokens += try processor.encode(line, addEOS: true)
            characters += line.count + 1
        }
    }

    /// Tokens per character: converts a loss per token into one per character.
    public var tokensPerCharacter: Double { characters == 0 ? 1 : Double(tokens.count) / Double(characters) }
}
