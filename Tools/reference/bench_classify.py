#!/usr/bin/env python3
"""PyTorch (CPU, float32) reference for `s2s bench classify`: the s2s sentence classifier, same model.

Usage: bench_classify.py --data FILE [--threads N] [--repeats R] [--json]

FILE is written by `s2s bench classify`: a first JSON line with the model settings
{"vocab", "classes", "embedding", "hidden", "layers", "bidirectional", "dropout", "pooling", "attention",
 "learning_rate", "max_grad_norm", "train_batches", "infer_batch"}, then one JSON line per training batch
{"train": [[ids], ...], "labels": [...]} in the order s2s trains them, then one JSON line per tweet
{"infer": [ids]} (the inference set, already tokenized by s2s: this script's timings exclude tokenization).

The model: nn.Embedding(V, E, padding_idx=0) -> dropout -> nn.LSTM(E, H, layers, bidirectional) over a
packed batch (pack_padded_sequence, enforce_sorted=False) -> pooling over the real steps (last: h_n of the
top layer, both directions; max / mean over the outputs; attention: v . tanh(W h_t + b) with W [attention, D*H], softmax) ->
dropout -> nn.Linear(D*H, C); loss F.cross_entropy; Adam; clip_grad_norm_.

Cases (median of R runs after 1 warm-up):
  train       forward + backward + clip + Adam step over every training batch; tweets/s
  infer256    inference (torch.inference_mode, eval mode) over the inference set sorted by length, batches of 256
  infer1      the same one tweet at a time, on the first 1000 tweets
With --json, one object per line: {"name", "seconds", "tokens_per_s" (tweets/s), "peak_rss_mib"}.
"""
import argparse
import json
import os
import resource
import statistics
import time

# Idle OpenMP threads sleep instead of spinning: on a shared machine a spinning second thread steals the
# core the first one needs (torch's 2-thread training fell from 296 to 27 tweets/s here without this).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class Classifier(nn.Module):
    def __init__(self, s):
        super().__init__()
        self.s = s
        self.embedding = nn.Embedding(s["vocab"], s["embedding"], padding_idx=0)
        self.rnn = nn.LSTM(s["embedding"], s["hidden"], s["layers"], bidirectional=s["bidirectional"],
                           dropout=s["dropout"] if s["layers"] > 1 else 0.0)
        width = s["hidden"] * (2 if s["bidirectional"] else 1)
        if s["pooling"] == "attention":
            self.proj = nn.Linear(width, s["attention"])
            self.score = nn.Linear(s["attention"], 1, bias=False)
        self.output = nn.Linear(width, s["classes"])

    def forward(self, ids, lengths):  # ids [T, B] time-major, lengths [B] (CPU int64)
        s = self.s
        x = F.dropout(self.embedding(ids), s["dropout"], self.training)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.clamp(min=1), enforce_sorted=False)
        out, (h, _) = self.rnn(packed)
        T = ids.shape[0]
        out, _ = nn.utils.rnn.pad_packed_sequence(out, total_length=T)
        mask = torch.arange(T)[:, None] < lengths[None, :]          # [T, B]
        if s["pooling"] == "last":
            d = 2 if s["bidirectional"] else 1
            pooled = torch.cat([h[-d + i] for i in range(d)], dim=-1)
        elif s["pooling"] == "max":
            pooled = out.masked_fill(~mask[:, :, None], float("-inf")).max(0).values
        elif s["pooling"] == "mean":
            pooled = out.sum(0) / lengths.clamp(min=1)[:, None]
        else:
            scores = self.score(torch.tanh(self.proj(out))).squeeze(-1).masked_fill(~mask, float("-inf"))
            pooled = (F.softmax(scores, 0)[:, :, None] * out).sum(0)
        return self.output(F.dropout(pooled, s["dropout"], self.training))


def time_major(seqs):
    lengths = torch.tensor([len(q) for q in seqs])
    ids = torch.zeros(max(1, int(lengths.max())), len(seqs), dtype=torch.long)
    for b, q in enumerate(seqs):
        if q:
            ids[: len(q), b] = torch.tensor(q)
    return ids, lengths


def median_seconds(fn, repeats, warmup=1):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    with open(args.data) as f:
        settings = json.loads(f.readline())
        batches, infer = [], []
        for line in f:
            row = json.loads(line)
            if "train" in row:
                ids, lengths = time_major(row["train"])
                batches.append((ids, lengths, torch.tensor(row["labels"])))
            else:
                infer.append(row["infer"])

    model = Classifier(settings)
    optimizer = torch.optim.Adam(model.parameters(), lr=settings["learning_rate"])

    def train():
        model.train()
        for ids, lengths, labels in batches:
            optimizer.zero_grad(set_to_none=True)
            F.cross_entropy(model(ids, lengths), labels).backward()
            nn.utils.clip_grad_norm_(model.parameters(), settings["max_grad_norm"])
            optimizer.step()

    ordered = sorted(infer, key=len)
    infer_batches = [time_major(ordered[i:i + settings["infer_batch"]])
                     for i in range(0, len(ordered), settings["infer_batch"])]
    singles = [time_major([q]) for q in infer[:1000]]

    def run_inference(pairs):
        def go():
            model.eval()
            with torch.inference_mode():
                for ids, lengths in pairs:
                    F.softmax(model(ids, lengths), -1)
        return go

    train_tweets = sum(len(b[2]) for b in batches)
    cases = [("train", train, train_tweets), ("infer256", run_inference(infer_batches), len(infer)),
             ("infer1", run_inference(singles), len(singles))]
    if not args.json:
        print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, median of {args.repeats}")
    for name, fn, tweets in cases:
        seconds = median_seconds(fn, args.repeats)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row = {"name": name, "seconds": seconds, "tokens_per_s": tweets / seconds, "peak_rss_mib": rss}
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print(f"{name:10s} {seconds:9.4f} s {tweets / seconds:10.0f} tweets/s  peak RSS {rss:.0f} MiB", flush=True)


if __name__ == "__main__":
    main()
