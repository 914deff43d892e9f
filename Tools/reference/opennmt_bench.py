#!/usr/bin/env python3
"""OpenNMT-py 3.5 training throughput on the s2s benchmark model, for `s2s bench translate --opennmt`.

Usage: opennmt_bench.py --data DIR [--threads N] [--steps K] [--json]

DIR (written by `s2s bench translate --opennmt ...`) holds train.src / train.tgt (the training corpus
as s2s tokenized it: BPE pieces separated by spaces) and vocab.src / vocab.tgt (s2s's vocabularies
without its four specials, "token count" per line), so OpenNMT-py trains the same model on the same
tokens: a bidirectional LSTM encoder (hidden 512 = 256 per direction, 1 layer), word vectors 256, a
512-unit input-feeding decoder with general attention, no bridge, dropout 0.3, label smoothing 0.1,
Adam 1e-3, max grad norm 5, batches of 64 sentences, uniform ±0.1 init, on the CPU.
Runs `onmt_train` for K steps (reports every 10), and prints the median target tokens/s of the
reports after the first (warm-up). --json prints {"name": "opennmt_train", "tokens_per_s", ...}.
Needs the virtualenv OpenNMT-py lives in: run it with that venv's python.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys

CONFIG = """\
save_data: {dir}/run
src_vocab: {dir}/vocab.src
tgt_vocab: {dir}/vocab.tgt
src_vocab_size: 1000000
tgt_vocab_size: 1000000
data:
    corpus_1:
        path_src: {dir}/train.src
        path_tgt: {dir}/train.tgt
src_seq_length: 100
tgt_seq_length: 100
save_model: {dir}/model
save_checkpoint_steps: 1000000
valid_steps: 1000000
train_steps: {steps}
report_every: 10
model_type: text
encoder_type: brnn
decoder_type: rnn
rnn_type: LSTM
layers: 1
hidden_size: 512
word_vec_size: 256
global_attention: general
input_feed: 1
bridge: false
dropout: [0.3]
label_smoothing: 0.1
optim: adam
learning_rate: 0.001
max_grad_norm: 5
param_init: 0.1
batch_type: sents
batch_size: 64
num_workers: 0
world_size: 1
gpu_ranks: []
seed: 1
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    config = os.path.join(args.data, "onmt.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.format(dir=args.data, steps=args.steps))
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads), MKL_NUM_THREADS=str(args.threads))
    train = os.path.join(os.path.dirname(sys.executable), "onmt_train")
    result = subprocess.run([train, "-config", config], env=env, capture_output=True, text=True)
    log = result.stdout + result.stderr
    if result.returncode != 0:
        sys.exit("onmt_train failed: " + log.strip().splitlines()[-1] if log.strip() else "onmt_train failed")
    rates = [int(m.group(2)) for m in re.finditer(r"(\d+)/\s*(\d+) tok/s", log)]
    if len(rates) < 2:
        sys.exit("no throughput reports in the onmt_train log")
    tokens_per_s = statistics.median(rates[1:])
    row = {"name": "opennmt_train", "tokens_per_s": float(tokens_per_s), "reports": rates, "threads": args.threads}
    print(json.dumps(row) if args.json else row, flush=True)


if __name__ == "__main__":
    main()
