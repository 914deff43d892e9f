import Testing
@testable import S2SCLI
import S2STestSupport

/// The sacrebleu fixtures of the S2SDecoding tests (BLEU itself is tested there against sacrebleu).
private let fixtures = Repository.fixtures("S2SDecodingTests") + "/"

@Test func bleuPrintsSacrebleusLine() throws {
    let command = try BleuCommand.parse(["--ref", fixtures + "bleu_ref.txt", fixtures + "bleu_hyp.txt"])
    // sacrebleu 2.6.0: corpus_bleu(hyp, [ref]) on these files (Fixtures/bleu_sacrebleu.json).
    #expect(try command.report() == "BLEU = 62.89 75.9/67.3/59.5/51.4 (BP = 1.000 ratio = 1.000 hyp_len = 112 ref_len = 112)")
    let lowercased = try BleuCommand.parse(["--ref", fixtures + "bleu_ref.txt", "--lowercase", "--tokenize", "none",
                                            fixtures + "bleu_hyp.txt"])
    #expect(try lowercased.report() == "BLEU = 38.37 69.0/50.7/35.6/20.0 (BP = 0.966 ratio = 0.967 hyp_len = 87 ref_len = 90)")
}

@Test func bleuJSON() throws {
    let command = try BleuCommand.parse(["--ref", fixtures + "bleu_ref.txt", "--json", fixtures + "bleu_hyp.txt"])
    let json = try command.report()
    #expect(json.hasPrefix("{\"name\": \"BLEU\", \"score\": 62.8"))
    for key in ["counts", "totals", "precisions", "bp", "ratio", "hyp_len", "ref_len"] { #expect(json.contains("\"\(key)\": ")) }
    #expect(json.contains("\"hyp_len\": 112, \"ref_len\": 112"))
}

@Test func bleuRejectsMismatchedLineCounts() throws {
    let command = try BleuCommand.parse(["--ref", fixtures + "bleu_short_ref.txt", fixtures + "bleu_hyp.txt"])
    #expect {
        try command.report()
    } throws: { error in
        let message = "\(error)"
        return message.contains("15 lines") && message.contains("has 2") && message.contains("bleu_short_ref.txt")
    }
    #expect(throws: (any Error).self) { try BleuCommand.parse(["x.txt"]) }   // --ref is required
}
