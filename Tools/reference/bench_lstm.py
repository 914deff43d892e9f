#!/usr/bin/env python3
"""PyTorch (CPU, float32) reference figures for the s2s LSTM benchmark.

Usage: bench_lstm.py [--threads N] [--repeats R] [--json]

Times forward + backward (median of R runs after 2 warm-ups, gradients zeroed in each run) of:
  lstm_uni        nn.LSTM(256, 512), 1 layer, T=30, B=64; loss = sum(output * g), g fixed random
  lstm_bi         the same with bidirectional=True
  gru_uni, gru_bi nn.GRU with the same shapes and loss
  rnn_uni, rnn_bi nn.RNN (tanh) with the same shapes and loss
  attention_step  one decoder step at B=64: LSTMCell(256+512 -> 512) on cat(embedding, prev attn_h),
                  then OpenNMT "general" global attention over memory [64, 30, 512] (all lengths 30)
                  giving attn_h [64, 512]; loss = sum(attn_h * g). All inputs require grad.
and, for context, a 1024^3 float32 matmul (sgemm).

FLOPs (forward + backward = 3x forward):
  LSTM, per direction:  3 * 2*T*B*4H*(I+H)   (GRU: 3H, RNN: H in place of 4H)
  attention step:       3 * (2*B*4H*(Ein+H) + 2*B*H*H + 2*2*B*S*H + 2*B*H*2H)
Prints name, median seconds, tokens/s (T*B per LSTM pass, B per decoder step) and GFLOP/s;
with --json one JSON object per line instead.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F

T, B, I, H = 30, 64, 256, 512  # steps, batch, input (embedding) size, hidden size


def median_seconds(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


MODULES = {"lstm": (torch.nn.LSTM, 4), "gru": (torch.nn.GRU, 3), "rnn": (torch.nn.RNN, 1)}


def layer_case(kind, bidirectional):
    """nn.LSTM, nn.GRU or nn.RNN, one layer; loss = sum(output * g), g fixed random."""
    module, gates = MODULES[kind]
    net = module(I, H, num_layers=1, bidirectional=bidirectional)
    x = torch.randn(T, B, I, requires_grad=True)
    g = torch.randn(T, B, H * (2 if bidirectional else 1))

    def run():
        net.zero_grad(set_to_none=True)
        x.grad = None
        out, _ = net(x)
        (out * g).sum().backward()

    directions = 2 if bidirectional else 1
    return run, directions * 3 * 2 * T * B * gates * H * (I + H), T * B


def attention_case():
    S, E = T, I
    cell = torch.nn.LSTMCell(E + H, H)
    linear_in = torch.nn.Linear(H, H, bias=False)
    linear_out = torch.nn.Linear(2 * H, H, bias=False)
    modules = (cell, linear_in, linear_out)
    emb, prev_attn = torch.randn(B, E, requires_grad=True), torch.randn(B, H, requires_grad=True)
    h, c = torch.randn(B, H, requires_grad=True), torch.randn(B, H, requires_grad=True)
    memory = torch.randn(B, S, H, requires_grad=True)
    lengths = torch.full((B,), S)
    g = torch.randn(B, H)
    inputs = (emb, prev_attn, h, c, memory)

    def run():
        for m in modules:
            m.zero_grad(set_to_none=True)
        for t in inputs:
            t.grad = None
        h1, _ = cell(torch.cat([emb, prev_attn], dim=-1), (h, c))
        score = torch.bmm(memory, linear_in(h1)[:, :, None]).squeeze(-1)      # [B,S]
        mask = torch.arange(S)[None, :] >= lengths[:, None]
        align = F.softmax(score.masked_fill(mask, float("-inf")), dim=-1)
        context = torch.bmm(align[:, None, :], memory).squeeze(1)             # [B,H]
        attn_h = torch.tanh(linear_out(torch.cat([context, h1], dim=-1)))
        (attn_h * g).sum().backward()

    ein = E + H
    flops = 3 * (2 * B * 4 * H * (ein + H) + 2 * B * H * H + 2 * 2 * B * S * H + 2 * B * H * 2 * H)
    return run, flops, B


def sgemm_case(n=1024):
    a, b = torch.randn(n, n), torch.randn(n, n)
    return (lambda: torch.mm(a, b)), 2 * n**3, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    cases = {
        "lstm_uni": lambda: layer_case("lstm", False),
        "lstm_bi": lambda: layer_case("lstm", True),
        "gru_uni": lambda: layer_case("gru", False),
        "gru_bi": lambda: layer_case("gru", True),
        "rnn_uni": lambda: layer_case("rnn", False),
        "rnn_bi": lambda: layer_case("rnn", True),
        "attention_step": attention_case,
        "sgemm": sgemm_case,
    }
    if not args.json:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
              f"median of {args.repeats}")
        print(f"{'name':16s} {'seconds':>10s} {'tokens/s':>10s} {'GFLOP/s':>8s}")
    for name, make in cases.items():
        fn, flops, tokens = make()
        seconds = median_seconds(fn, args.repeats)
        row = {"name": name, "seconds": seconds,
               "tokens_per_s": tokens / seconds if tokens else None,
               "gflops": flops / seconds / 1e9, "threads": args.threads}
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            tps = f"{row['tokens_per_s']:10.0f}" if tokens else f"{'-':>10s}"
            print(f"{name:16s} {seconds:10.5f} {tps} {row['gflops']:8.1f}", flush=True)


if __name__ == "__main__":
    main()
