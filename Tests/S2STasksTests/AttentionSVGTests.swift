// Tests of the attention heatmap: one cell per token pair, escaped labels, readable token labels.
import Testing
@testable import S2STasks

@Test func attentionSVGHasOneCellPerPairAndEscapes() {
    let svg = AttentionSVG.render(source: ["a", "<dog>"], target: ["ein", "Hund", "&"], weights: [0.9, 0.1, 0.2, 0.8, 0, 1])
    #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
    #expect(svg.components(separatedBy: "<rect x=").count - 1 == 6)
    #expect(svg.contains("&lt;dog&gt;") && svg.contains(">&amp;<") && !svg.contains("<dog>"))
    #expect(svg.contains("rgb(0,0,255)") && svg.contains("rgb(255,255,255)"))   // weight 1 and weight 0
}

@Test func attentionLabelsAreTokensAsAReaderWritesThem() {
    #expect(AttentionSVG.label("\u{FFED}.") == ".")          // the joiner mark is a box in most fonts
    #expect(AttentionSVG.label("\u{FFED}est") == "est")
    #expect(AttentionSVG.label("dog") == "dog" && AttentionSVG.label("<unk>") == "<unk>")
    #expect(AttentionSVG.label("\u{FF3F}\u{FF3F}") == "␣␣")   // a whitespace token: one ␣ per character
}
