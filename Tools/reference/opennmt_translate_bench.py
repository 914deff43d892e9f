#!/usr/bin/env python3
"""onmt_translate's beam-search speed on an OpenNMT-py checkpoint, for `s2s bench translate --opennmt-checkpoint`.

Usage: opennmt_translate_bench.py --model MODEL.pt --src FILE [--batch-sizes 1,30] [--beam-size 5]
                                  [--threads N] [--json]

Loads the checkpoint once as `onmt_translate` does (OpenNMT-py 3.5's InferenceEnginePY, on the CPU, its
decoding defaults: length penalty avg, max_length 250, max_length_ratio 1.25), translates every line of FILE
(whitespace tokens) once to warm up, then once per batch size, timed. Prints sentences/s per batch size and
the process's peak RSS; --json prints {"name": "beam_b<B>", "sentences_per_s", "peak_rss_mib", "outputs"}
lines (outputs: the best translation of each line). Run it with the python of OpenNMT-py's virtualenv;
torch >= 2.6 needs TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 (set here) to read OpenNMT-py's checkpoints.
"""
import argparse
import json
import os
import resource
import sys
import time

os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")


def engine_for(model, beam_size, batch_size):
    from onmt.inference_engine import InferenceEnginePY
    from onmt.opts import translate_opts
    from onmt.utils.parse import ArgumentParser

    parser = ArgumentParser(description="opennmt_translate_bench")
    translate_opts(parser)
    opt = parser.parse_args(["-model", model, "-src", os.devnull, "-output", os.devnull,
                             "-beam_size", str(beam_size), "-batch_size", str(batch_size)])
    ArgumentParser.validate_translate_opts(opt)
    ArgumentParser._get_all_transform_translate(opt)
    ArgumentParser._validate_transforms_opts(opt)
    ArgumentParser.validate_translate_opts_dynamic(opt)
    return InferenceEnginePY(opt)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--src", required=True)
    parser.add_argument("--batch-sizes", default="1,30")
    parser.add_argument("--beam-size", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    import torch
    torch.set_num_threads(args.threads)
    with open(args.src, encoding="utf-8") as f:
        lines = f.read().splitlines()
    sizes = [int(size) for size in args.batch_sizes.split(",")]
    engine = engine_for(args.model, args.beam_size, sizes[0])
    engine.infer_list(lines)   # warm-up: first calls allocate and pick kernels
    for size in sizes:
        engine.opt.batch_size = size
        start = time.perf_counter()
        _, predictions = engine.infer_list(lines)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rate = len(lines) / seconds
        if args.json:
            print(json.dumps({"name": "beam_b%d" % size, "sentences_per_s": rate, "peak_rss_mib": peak,
                              "outputs": [p[0] for p in predictions]}), flush=True)
        else:
            print("onmt_translate batch %d: %.1f sentences/s, peak RSS %.0f MiB" % (size, rate, peak))
    engine.terminate()


if __name__ == "__main__":
    sys.exit(main())
