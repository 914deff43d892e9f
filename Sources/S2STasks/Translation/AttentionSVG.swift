// An attention heatmap as a standalone SVG file: one row per output token, one column per source
// token, each cell shaded by the weight the decoder gave that source token when it wrote the output
// token. `s2s translate --attention-svg DIR` writes one per sentence.
import Foundation
import S2SText

/// Renders attention matrices (`TranslationResult.Hypothesis.attention`) as SVG heatmaps.
public enum AttentionSVG {
    static let cell = 22, margin = 8

    /// The SVG text. `weights` holds target.count rows of source.count weights (row-major).
    ///
    ///     AttentionSVG.render(source: ["a", "dog"], target: ["ein", "Hund"], weights: [0.9, 0.1, 0.2, 0.8])
    public static func render(source: [String], target: [String], weights: [Float]) -> String {
        precondition(weights.count == source.count * target.count, "attention SVG: \(weights.count) weights for \(target.count)×\(source.count)")
        let labelWidth = 8 * min(24, (target.map(\.count).max() ?? 1)) + 12
        let labelHeight = 8 * min(24, (source.map(\.count).max() ?? 1)) + 12
        let width = margin * 2 + labelWidth + cell * source.count, height = margin * 2 + labelHeight + cell * target.count
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>

            """
        let left = margin + labelWidth, top = margin + labelHeight
        for (s, token) in source.enumerated() {
            let x = left + s * cell + cell / 2 + 4, y = top - 6
            svg += "<text transform=\"translate(\(x),\(y)) rotate(-90)\">\(escape(token))</text>\n"
        }
        for (t, token) in target.enumerated() {
            svg += "<text x=\"\(left - 6)\" y=\"\(top + t * cell + cell / 2 + 4)\" text-anchor=\"end\">\(escape(token))</text>\n"
            for s in source.indices {
                let w = max(0, min(1, weights[t * source.count + s]))
                let shade = Int((255 * (1 - w)).rounded())
                svg += "<rect x=\"\(left + s * cell)\" y=\"\(top + t * cell)\" width=\"\(cell)\" height=\"\(cell)\" "
                    + "fill=\"rgb(\(shade),\(shade),255)\" stroke=\"#ddd\"><title>\(String(format: "%.3f", w))</title></rect>\n"
            }
        }
        return svg + "</svg>\n"
    }

    /// A token as a reader writes it: without the tokenizer's joiner mark (￭, a box in most fonts), a
    /// whitespace token as ␣ per whitespace character; specials such as <unk> as they are.
    ///
    ///     AttentionSVG.label("￭.")    // "."
    ///     AttentionSVG.label("￭est")  // "est"
    public static func label(_ token: String) -> String {
        if TokenMarkup.isWhitespaceToken(token) {
            return String(repeating: "␣", count: max(1, TokenMarkup.whitespace(fromToken: token).count))
        }
        let text = TokenMarkup.split(token).text
        return text.isEmpty ? token : String(text)
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
