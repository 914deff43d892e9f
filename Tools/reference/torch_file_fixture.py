#!/usr/bin/env python3
"""Writes Tests/S2SCoreTests/Fixtures/torch_file.pt: a small torch.save file with what s2s's reader must
understand (float32, float16, bfloat16 and float64 tensors, a transposed view, a parameter, an OrderedDict,
an argparse Namespace, nested lists, tuples, ints past 2^31, floats, strings, None and booleans) and
torch_file.json, the same values as JSON (tensors as {"shape", "values"} in float32) for the test to compare.

Usage: .venv/bin/python Tools/reference/torch_file_fixture.py [OUT_DIR]
"""
import argparse
import collections
import json
import os
import sys

import torch


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../Tests/S2SCoreTests/Fixtures")
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 8 - 0.5
    state = collections.OrderedDict([("layer.weight", base), ("layer.bias", torch.tensor([1.5, -2.25, 3.0]))])
    namespace = argparse.Namespace(rnn_type="LSTM", layers=2, dropout=[0.3], global_attention="general", input_feed=1, copy_attn=False)
    value = {
        "model": state,
        "transposed": base.t(),
        "half": torch.tensor([0.5, -1.0, 65504.0], dtype=torch.float16),
        "bfloat16": torch.tensor([1.0, -0.0078125, 3.0e38], dtype=torch.bfloat16),
        "double": torch.tensor([[1.0 / 3.0]], dtype=torch.float64),
        "parameter": torch.nn.Parameter(torch.tensor([7.0, 8.0])),
        "opt": namespace,
        "vocab": {"src": ["<unk>", "<blank>", "a", "dog"], "tgt": ["<unk>", "<blank>", "<s>", "</s>", "ein"]},
        "numbers": [0, -1, 255, 65536, -2 ** 31, 2 ** 40, -2 ** 40, 1.25, -3.5e-7, None, True, False],
        "tuple": (1, "two", (3.0,)),
    }
    torch.save(value, os.path.join(out, "torch_file.pt"))

    def plain(v):
        if torch.is_tensor(v):
            return {"shape": list(v.shape), "values": v.detach().to(torch.float32).reshape(-1).tolist()}
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        if isinstance(v, argparse.Namespace):
            return {k: plain(x) for k, x in vars(v).items()}
        if isinstance(v, (list, tuple)):
            return [plain(x) for x in v]
        return v

    with open(os.path.join(out, "torch_file.json"), "w") as f:
        json.dump(plain(value), f, indent=1)


if __name__ == "__main__":
    main()
