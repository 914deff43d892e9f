#!/usr/bin/env python3
"""Generate the sacrebleu fixtures that the Swift BLEU tests (Tests/S2SDecodingTests) compare against.

Writes into Tests/S2SDecodingTests/Fixtures/ (found from this file's location):
  bleu_*.txt        small synthetic hypothesis/reference files (UTF-8, one segment per line)
  bleu_sacrebleu.json
      "sacrebleu_version"
      "cases": [{"name", "hyp", "refs": [file names], "lines",
                 "results": [{"tokenize", "lowercase", "score", "counts", "totals", "precisions",
                              "bp", "ratio", "hyp_len", "ref_len", "formatted"}]}]
      "tokenized": [{"line", "13a", "lowercased", "13a_lowercased"}]  for every line of the synthetic files
      "multi30k": {"reference", "lines", "results": [...]} — sacrebleu on ../shared/corpora (not copied
          here): the reference is val.de, the hypothesis is `perturb` applied to it (the Swift test
          applies the same rule, so the hypothesis never needs to be stored).

Every score is `sacrebleu.corpus_bleu(hyps, [refs...], tokenize=..., lowercase=...)` with sacrebleu's
defaults otherwise (smooth_method='exp', 4-grams). Files are read as the Swift side reads them: the
whole file as UTF-8, split on '\\n', one trailing empty piece dropped.

Setup:  python3 -m venv .venv-bleu && .venv-bleu/bin/pip install sacrebleu
Usage:  .venv-bleu/bin/python Tools/reference/make_bleu_fixtures.py
The output is deterministic: a rerun rewrites byte-identical files.
"""
import json
from pathlib import Path

import sacrebleu
from sacrebleu.metrics import BLEU

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests" / "S2SDecodingTests" / "Fixtures"
MULTI30K = ROOT.parent / "shared" / "corpora" / "translation" / "multi30k" / "val.de"

# Synthetic segments: punctuation, numbers with separators, apostrophes, mixed case, empty lines,
# umlauts and ß, Greek capitals (final sigma when lowercased), dotted İ, entities, <skipped>,
# digit-dash, non-breaking and ideographic spaces, tabs, trailing blanks, a combining accent vs a
# precomposed one, a perfect line and a line with no overlap.
HYP = [
    "The cat sat on the mat.",
    "It costs $1,000.50 (about 3.14 times more), said Mr. O'Neil.",
    "Der Bär läuft über die Straße nach München.",
    "",
    "Perfectly matching sentence, with punctuation!",
    "completely unrelated words here",
    "THE QUICK brown Fox jumps over the lazy dog",
    "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ ΣΟΦΟΣ",
    "İstanbul'da hava güzel.",
    "Tom &amp; Jerry &quot;live&quot; here &lt;3 <skipped> ok",
    "From 1990-2000 the rate rose 5.5%, then fell.",
    "non\u00a0breaking\u3000spaces\tand tabs   ",
    "cafe\u0301 and caf\u00e9 again.",
    "He said: \"don't go\" -- and left...",
    "a b c d e f",
]
REF = [
    "The cat is sitting on the mat.",
    "It costs $1,000.50 (roughly 3.14 times more), Mr. O'Neil said.",
    "Der Bär lief über die Straße nach München!",
    "There is a reference here.",
    "Perfectly matching sentence, with punctuation!",
    "nothing in common at all",
    "the quick brown fox jumped over the lazy dog",
    "οδος και σοφια σοφος",
    "istanbul'da hava güzel.",
    "Tom & Jerry \"live\" here <3 ok",
    "From 1990 - 2000 the rate rose 5.5 %, then fell.",
    "non breaking spaces and tabs",
    "caf\u00e9 and caf\u00e9 again.",
    "He said: \"don't go\" - and left.",
    "",
]
REF2 = [
    "A cat sat on the mat.",
    "It is $1,000.50, about 3.14 times more, said Mr. O'Neil.",
    "Der Bär läuft über die Straße.",
    "",
    "Perfectly matching sentence with punctuation.",
    "completely different words",
    "The quick brown fox jumps over a lazy dog.",
    "ΟΔΟΣ ΚΑΙ ΣΟΦΙΑ",
    "İstanbul'da hava çok güzel.",
    "Tom and Jerry live here ok",
    "From 1990-2000 the rate rose by 5.5%.",
    "non-breaking spaces and tabs",
    "cafe\u0301 and cafe\u0301 again.",
    "He said \"don't go\" and left...",
    "a b c",
]
# Unigram matches only: the 2-, 3- and 4-gram precisions go through 'exp' smoothing.
SMOOTH_HYP = ["a b c d", "e f g"]
SMOOTH_REF = ["a x b y c z d", "e w f v g"]
# A hypothesis much shorter than its reference: brevity penalty.
SHORT_HYP = ["the cat", "a dog ran"]
SHORT_REF = ["the cat sat on the mat today", "a dog ran across the busy street quickly"]

# No word in common: BLEU 0.
ZERO_HYP = ["completely unrelated words here", "Nothing."]
ZERO_REF = ["nothing in common at all", "Zilch!"]

SETTINGS = [("13a", False), ("13a", True), ("none", False), ("none", True)]


def perturb(i, line):
    """The Multi30k hypothesis: deterministic damage to reference line i (mirrored in the Swift test)."""
    if i % 7 == 0:
        return ""
    words = line.split(" ")
    if i % 3 == 0 and len(words) > 1:
        words[0], words[1] = words[1], words[0]
    if len(words) > 3:
        del words[i % len(words)]
    if i % 5 == 0:
        words.append(words[-1])
    if i % 4 == 0:
        words[-1] = "x"
    if i % 6 == 1:  # lowercase the first word, ASCII letters only
        words[0] = "".join(c.lower() if "A" <= c <= "Z" else c for c in words[0])
    return " ".join(words)


def read_lines(path):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    return lines


def write_lines(name, lines):
    (OUT / name).write_text("".join(line + "\n" for line in lines), encoding="utf-8", newline="\n")
    return name


def results(hyps, refs):
    out = []
    for tokenize, lowercase in SETTINGS:
        s = sacrebleu.corpus_bleu(hyps, refs, tokenize=tokenize, lowercase=lowercase)
        out.append({
            "tokenize": tokenize, "lowercase": lowercase, "score": s.score, "counts": s.counts,
            "totals": s.totals, "precisions": s.precisions, "bp": s.bp, "ratio": s.ratio,
            "hyp_len": s.sys_len, "ref_len": s.ref_len, "formatted": str(s),
        })
    return out


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "hyp": write_lines("bleu_hyp.txt", HYP), "ref": write_lines("bleu_ref.txt", REF),
        "ref2": write_lines("bleu_ref2.txt", REF2),
        "smooth_hyp": write_lines("bleu_smooth_hyp.txt", SMOOTH_HYP),
        "smooth_ref": write_lines("bleu_smooth_ref.txt", SMOOTH_REF),
        "short_hyp": write_lines("bleu_short_hyp.txt", SHORT_HYP),
        "short_ref": write_lines("bleu_short_ref.txt", SHORT_REF),
        "zero_hyp": write_lines("bleu_zero_hyp.txt", ZERO_HYP),
        "zero_ref": write_lines("bleu_zero_ref.txt", ZERO_REF),
    }
    cases = [
        ("synthetic", files["hyp"], [files["ref"]]),
        ("two_references", files["hyp"], [files["ref"], files["ref2"]]),
        ("perfect", files["ref"], [files["ref"]]),
        ("zero_overlap", files["zero_hyp"], [files["zero_ref"]]),
        ("smoothing", files["smooth_hyp"], [files["smooth_ref"]]),
        ("brevity", files["short_hyp"], [files["short_ref"]]),
    ]
    fixture = {"sacrebleu_version": sacrebleu.__version__, "cases": []}
    for name, hyp, refs in cases:
        hyps = read_lines(OUT / hyp)
        ref_streams = [read_lines(OUT / r) for r in refs]
        fixture["cases"].append({"name": name, "hyp": hyp, "refs": refs, "lines": len(hyps),
                                 "results": results(hyps, ref_streams)})

    tok13a = BLEU(tokenize="13a").tokenizer
    fixture["tokenized"] = [
        {"line": line, "13a": tok13a(line.rstrip()), "lowercased": line.lower(),
         "13a_lowercased": tok13a(line.lower().rstrip())}
        for line in HYP + REF + REF2
    ]

    if MULTI30K.exists():
        refs = read_lines(MULTI30K)
        hyps = [perturb(i, line) for i, line in enumerate(refs)]
        fixture["multi30k"] = {"reference": "../shared/corpora/translation/multi30k/val.de",
                               "lines": len(refs), "results": results(hyps, [refs])}

    path = OUT / "bleu_sacrebleu.json"
    path.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for p in sorted(OUT.glob("bleu_*")):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size} bytes")


if __name__ == "__main__":
    main()
