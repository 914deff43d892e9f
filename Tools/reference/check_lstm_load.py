#!/usr/bin/env python3
"""Check that an LSTM saved by s2s loads into torch.nn.LSTM unchanged, and computes the same output.

Usage: check_lstm_load.py PATH --layers L --hidden H --input I [--bidirectional]
                          [--prefix encoder.rnn.] [--tol 1e-5]

Reads the safetensors file PATH and calls `torch.nn.LSTM(...).load_state_dict(params, strict=True)`
with its parameters, so a missing, extra, misnamed or misshaped tensor fails: no renaming needed.
Parameters are every tensor except the data tensors below and anything named `grad...`; with
`--prefix P` only tensors named `P<name>` are taken, with P stripped (e.g. inside a model bundle).

If the file also holds `input` [T,B,I] and `output` [T,B,D*H] (time-major), the LSTM is run on
`input` in float64 (with `h0`/`c0` [L*D,B,H] as initial state and `lengths` [B] to pack the batch,
when present) and the max abs difference to `output` (and to `h_n`, `c_n` if present) is printed.
Exit status: 0 on success, 1 on a mismatch above --tol, 2 if the parameters do not load.
"""
import argparse
import sys

import torch
from safetensors.torch import load_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

DATA = {"input", "output", "lengths", "h0", "c0", "h_n", "c_n"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path")
    ap.add_argument("--layers", type=int, required=True)
    ap.add_argument("--hidden", type=int, required=True)
    ap.add_argument("--input", type=int, required=True)
    ap.add_argument("--bidirectional", action="store_true")
    ap.add_argument("--prefix", default="", help="take only tensors named PREFIX<param>")
    ap.add_argument("--tol", type=float, default=1e-5, help="max abs difference allowed")
    args = ap.parse_args()

    tensors = load_file(args.path)
    if args.prefix:
        params = {k[len(args.prefix):]: v for k, v in tensors.items() if k.startswith(args.prefix)}
    else:
        params = {k: v for k, v in tensors.items() if k not in DATA and not k.startswith("grad")}

    lstm = torch.nn.LSTM(args.input, args.hidden, num_layers=args.layers,
                         bidirectional=args.bidirectional)
    try:
        lstm.load_state_dict(params, strict=True)
    except RuntimeError as error:
        print(f"FAIL: load_state_dict(strict=True): {error}", file=sys.stderr)
        return 2
    print(f"loaded {len(params)} tensors into {lstm} with strict=True")

    if "input" not in tensors or "output" not in tensors:
        print("no input/output tensors: load check only")
        return 0
    lstm = lstm.double()
    x = tensors["input"].double()
    state = None
    if "h0" in tensors and "c0" in tensors:
        state = (tensors["h0"].double(), tensors["c0"].double())
    with torch.no_grad():
        if "lengths" in tensors:
            packed = pack_padded_sequence(x, tensors["lengths"].long(), enforce_sorted=False)
            out, (h_n, c_n) = lstm(packed, state)
            out, _ = pad_packed_sequence(out, total_length=x.shape[0])
        else:
            out, (h_n, c_n) = lstm(x, state)

    worst = 0.0
    for name, ours in (("output", out), ("h_n", h_n), ("c_n", c_n)):
        if name in tensors:
            diff = (ours - tensors[name].double()).abs().max().item()
            worst = max(worst, diff)
            print(f"max |torch - file| {name:6s} = {diff:.3e}")
    if worst > args.tol:
        print(f"FAIL: difference {worst:.3e} above tolerance {args.tol:g}", file=sys.stderr)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
