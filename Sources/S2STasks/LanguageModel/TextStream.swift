// Turns generated tokens into text pieces as they are made. Characters decode one by one; words need
// their neighbours (joiners, spacing), so the current line is decoded again after each token and only
// its new end is handed on. `TextGenerator` hands the pieces to its caller; what they add up to is the
// text the whole token sequence detokenizes to.
import S2SCore
import S2SText

final class TextStream {
    private let text: TextProcessor
    private let emit: (String) -> Void
    private var line: [Int] = []
    private var written = ""
    /// Whether the last thing emitted ended a line (or nothing was emitted yet).
    private(set) var atLineStart = true

    init(text: TextProcessor, emit: @escaping (String) -> Void) {
        self.text = text
        self.emit = emit
    }

    /// Emits raw text (the prompt) as it is.
    func write(raw: String) {
        guard !raw.isEmpty else { return }
        emit(raw)
        atLineStart = raw.hasSuffix("\n")
    }

    /// Continues a line whose first tokens (the prompt's last line, already emitted raw) are
    /// `tokens`: words then join them as the detokenizer would (spacing, joiners).
    func continueLine(after tokens: [Int]) {
        guard text.settings.unit != .characters else { return }
        line = tokens
        written = text.decode(line)
    }

    /// Emits one generated token's text; `SpecialTokens.eos` is a line break.
    func write(token: Int) {
        if token == SpecialTokens.eos {
            emit("\n")
            line.removeAll(keepingCapacity: true)
            written = ""
            atLineStart = true
            return
        }
        let piece: String
        if text.settings.unit == .characters {
            piece = text.decode(CollectionOfOne(token))
        } else {
            line.append(token)
            let decoded = text.decode(line)
            // Appending a token only appends text in practice; if it ever rewrote the end, emit the
            // part after what the two share.
            let shared = decoded.hasPrefix(written) ? written.count
                : zip(decoded, written).prefix { $0 == $1 }.count
            piece = String(decoded.dropFirst(shared))
            written = decoded
        }
        guard !piece.isEmpty else { return }
        emit(piece)
        atLineStart = false
    }

    /// Ends the current line if needed.
    func finishLine() {
        if !atLineStart { emit("\n"); atLineStart = true }
        line.removeAll(keepingCapacity: true)
        written = ""
    }
}
