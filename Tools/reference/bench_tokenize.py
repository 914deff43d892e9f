#!/usr/bin/env python3
"""Reference throughput for `s2s bench tokenize`: sacremoses tokenization and subword-nmt BPE
application over the same corpus, on one thread, best of --repeat runs.

Prints one JSON object per line on stdout:
  {"tool": "sacremoses 0.2.0", "task": "tokenize", "lines": 29000, "seconds": 1.84}
  {"tool": "subword-nmt 0.3.8", "task": "bpe", "lines": 29000, "seconds": 0.93, "merges": 8000}

BPE codes are learned (untimed) by subword-nmt on the sacremoses output with the same number of
merges s2s uses; application is timed with a fresh BPE object (empty cache) per run, as s2s does.
Setup: python3 -m venv .venv-text && .venv-text/bin/pip install sacremoses subword-nmt
"""
import argparse
import contextlib
import io
import json
import sys
import time
from importlib.metadata import version


def best_of(repeat, run):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--lang", default="en")
    parser.add_argument("--merges", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from sacremoses import MosesTokenizer
    from subword_nmt.apply_bpe import BPE
    from subword_nmt.learn_bpe import learn_bpe

    with open(args.corpus, encoding="utf-8") as f:
        lines = f.read().splitlines()

    moses = MosesTokenizer(lang=args.lang)
    tokenized = []

    def tokenize():
        tokenized[:] = [moses.tokenize(line, return_str=True, escape=False) for line in lines]

    seconds = best_of(args.repeat, tokenize)
    print(json.dumps({"tool": f"sacremoses {version('sacremoses')}", "task": "tokenize",
                      "lines": len(lines), "seconds": seconds}), flush=True)

    codes = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):   # learn_bpe's progress bar
        learn_bpe(io.StringIO("\n".join(tokenized) + "\n"), codes, args.merges)

    def apply():
        codes.seek(0)
        bpe = BPE(codes)
        for line in tokenized:
            bpe.process_line(line)

    seconds = best_of(args.repeat, apply)
    print(json.dumps({"tool": f"subword-nmt {version('subword-nmt')}", "task": "bpe",
                      "lines": len(lines), "seconds": seconds, "merges": args.merges}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
