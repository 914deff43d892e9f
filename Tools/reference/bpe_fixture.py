#!/usr/bin/env python3
"""Generates the subword-nmt golden fixture for Tests/S2STextTests/BPEReferenceTests.swift.

Learns 300 merges with subword-nmt on the whitespace-split words of Multi30k val.en and writes
  Fixtures/subword-nmt/codes.txt       the codes, subword-nmt's own file
  Fixtures/subword-nmt/segmented.tsv   word<TAB>pieces (space-separated), for every distinct word
so the test can check that s2s's BPEEncoder segments exactly as subword-nmt's apply_bpe does.
Run from the repository root:  .venv-text/bin/python Tools/reference/bpe_fixture.py
"""
import contextlib
import io
import os
from importlib.metadata import version

from subword_nmt.apply_bpe import BPE
from subword_nmt.learn_bpe import learn_bpe

CORPUS = "../shared/corpora/translation/multi30k/val.en"
OUT = "Tests/S2STextTests/Fixtures/subword-nmt"


def main():
    with open(CORPUS, encoding="utf-8") as f:
        text = f.read()
    words = sorted(set(text.split()))
    os.makedirs(OUT, exist_ok=True)
    codes = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):
        learn_bpe(io.StringIO(text), codes, 300)
    with open(f"{OUT}/codes.txt", "w", encoding="utf-8") as f:
        f.write(codes.getvalue())
    codes.seek(0)
    bpe = BPE(codes)
    with open(f"{OUT}/segmented.tsv", "w", encoding="utf-8") as f:
        for word in words:
            pieces = bpe.process_line(word).split("@@ ")
            f.write(word + "\t" + " ".join(pieces) + "\n")
    print(f"subword-nmt {version('subword-nmt')}: {len(words)} words, 300 merges -> {OUT}")


if __name__ == "__main__":
    main()
