#!/usr/bin/env python3
"""PyTorch (CPU, float32) reference for the s2s character language model (`s2s train-lm`).

The same model and the same data layout as s2s, so figures compare like for like:
  model   nn.Embedding(V, E) -> nn.LSTM(E, H, L, dropout) -> dropout -> nn.Linear(H, V)
          (parameter names embedding.weight, rnn.weight_ih_l0, ..., projection.weight/bias: the
          names s2s writes, so an s2s model.safetensors loads here with strict=True); with
          --weight-dropout p each training forward pass runs the LSTM on F.dropout(weight_hh_lk, p)
          (DropConnect on the recurrent weights, as s2s --weight-dropout: one mask per pass)
  text    characters, each line followed by the end-of-line token (s2s uses </s> = id 3)
  batches the training text as B parallel contiguous streams (char-rnn style), batch k = columns
          [k*bptt, (k+1)*bptt) of every stream, the LSTM state carried (detached) from batch k to
          k+1 and reset at each epoch; each epoch starts at a random offset in [0, bptt)
  optim   AdamW (--weight-decay 0.1 by default, as s2s train-lm; 0 = Adam), gradient norm clipped to 5;
          --schedule linear (default, as s2s train-lm) or cosine: the learning rate annealed from its
          initial value to zero over the time budget (by the fraction of it spent before each step, as
          s2s's time-budgeted runs); plateau: halved when a validation does not improve
  valid   every --validate-every steps and at every epoch end, on the validation text as 16 contiguous
          streams, state carried through, mean NLL per char; with --exponential-smoothing A (default
          0.001, as s2s train-lm) the weights scored are a moving average moved by max(A, 9/(n+10))
          towards the trained ones after update n

Modes (all print JSON lines with --json, else readable lines):
  train     train for --time-budget seconds, validate every --validate-every steps and at the end;
            prints chars/s (training steps only) and the validation loss (nats/char) reached
  speed     time --steps training steps (after 2 warm-ups; median step time) -> lm_train chars/s, and
            the usual sampling loop at batch 1 (model(x, hidden) per char, softmax, multinomial) for
            --sample-chars chars -> lm_generate chars/s. `s2s bench lm` runs this mode.
  evaluate  --weights FILE (an s2s model.safetensors) with --vocab FILE (its vocab.txt): the
            validation loss of the s2s model computed by PyTorch (cross-checks `s2s evaluate-lm`)

Usage:
  lm_reference.py train --train train.txt --valid val.txt --time-budget 1800 [--threads 2] [--json]
  lm_reference.py speed --train train.txt [--threads 2] [--steps 5] [--sample-chars 500] [--json]
  lm_reference.py evaluate --valid val.txt --weights DIR/model.safetensors --vocab DIR/text/vocab.txt
"""
import argparse
import json
import math
import random
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call

EOS = 3  # s2s's </s>: ends every line
SPECIALS = ["<pad>", "<unk>", "<s>", "</s>"]


class CharLSTM(nn.Module):
    def __init__(self, vocab, embedding, hidden, layers, dropout, weight_dropout=0.0):
        super().__init__()
        self.weight_dropout = weight_dropout
        self.embedding = nn.Embedding(vocab, embedding, padding_idx=0)
        self.rnn = nn.LSTM(embedding, hidden, layers, dropout=dropout if layers > 1 else 0)
        self.drop = nn.Dropout(dropout)
        self.projection = nn.Linear(hidden, vocab)

    def forward(self, x, state):  # x [T, B] -> logits [T, B, V]
        if self.training and self.weight_dropout > 0:
            weights = {name: F.dropout(w, self.weight_dropout) if name.startswith("weight_hh") else w
                       for name, w in self.rnn.named_parameters()}
            y, state = functional_call(self.rnn, weights, (self.embedding(x), state))
        else:
            y, state = self.rnn(self.embedding(x), state)
        return self.projection(self.drop(y)), state


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def build_vocab(lines):
    """s2s's order: specials, then characters by count (descending), ties by UTF-8 bytes."""
    counts = {}
    for line in lines:
        for ch in line:
            counts[ch] = counts.get(ch, 0) + 1
    chars = sorted(counts, key=lambda c: (-counts[c], c.encode("utf-8")))
    return {c: i + len(SPECIALS) for i, c in enumerate(chars)}


def read_s2s_vocab(path):
    tokens = [line.split("\t")[0] for line in open(path, encoding="utf-8").read().split("\n") if line]
    mapping = {}
    for i, token in enumerate(tokens):
        if i < len(SPECIALS):
            continue
        mapping[token.replace("\uff3f", " ")] = i  # s2s writes a space as U+FF3F
    return mapping, len(tokens)


def encode(lines, vocab):
    ids = []
    for line in lines:
        ids.extend(vocab.get(ch, 1) for ch in line)
        ids.append(EOS)
    return torch.tensor(ids, dtype=torch.long)


def streams(ids, count, offset=0):
    """[count, L] inputs and targets: `count` contiguous streams starting at `offset`."""
    length = (len(ids) - offset - 1) // count
    x = ids[offset:offset + count * length].view(count, length)
    y = ids[offset + 1:offset + 1 + count * length].view(count, length)
    return x, y


def epoch_batches(ids, batch, bptt, epoch, seed):
    offset = random.Random(seed * 1000003 + epoch).randrange(bptt)
    x, y = streams(ids, batch, offset)
    for start in range(0, x.shape[1], bptt):
        yield x[:, start:start + bptt].t().contiguous(), y[:, start:start + bptt].t().contiguous(), start == 0


def detach(state):
    return tuple(s.detach() for s in state)


@torch.no_grad()
def evaluate(model, ids, bptt, eval_streams=16):
    model.eval()
    x, y = streams(ids, eval_streams)
    state, total, count = None, 0.0, 0
    for start in range(0, x.shape[1], bptt):
        xb, yb = x[:, start:start + bptt].t(), y[:, start:start + bptt].t()
        logits, state = model(xb, state)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1), reduction="sum").item()
        count += yb.numel()
    model.train()
    return total / count


def make_model(args, vocab_size):
    torch.manual_seed(args.seed)
    return CharLSTM(vocab_size, args.embedding, args.hidden, args.layers, args.dropout, args.weight_dropout)


def train_step(model, optimizer, xb, yb, state, clip):
    if state is not None:
        state = detach(state)
    logits, state = model(xb, state)
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), yb.reshape(-1))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return loss.item(), state


def emit(args, row):
    if args.json:
        print(json.dumps(row), flush=True)
    else:
        print("  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items()), flush=True)


def make_optimizer(args, model):
    # s2s --weight-decay W: AdamW (decoupled) on every parameter; without it plain Adam
    if args.weight_decay > 0:
        return torch.optim.AdamW(model.parameters(), lr=args.learning_rate, weight_decay=args.weight_decay)
    return torch.optim.Adam(model.parameters(), lr=args.learning_rate)


def mode_train(args):
    train_lines, valid_lines = read_lines(args.train), read_lines(args.valid)
    vocab = build_vocab(train_lines)
    train_ids, valid_ids = encode(train_lines, vocab), encode(valid_lines, vocab)
    model = make_model(args, len(vocab) + len(SPECIALS))
    optimizer = make_optimizer(args, model)
    start, train_seconds, step, epoch = time.perf_counter(), 0.0, 0, 0
    lr, best, plateau_best = args.learning_rate, math.inf, math.inf
    window_loss, window_steps = 0.0, 0

    # --exponential-smoothing A: as s2s, an average of the weights moved by max(A, 9 / (n + 10)) towards them
    # after update n (0-based); validation scores the average, training goes on from the weights.
    params = list(model.parameters())
    averages = [p.detach().clone() for p in params] if args.exponential_smoothing > 0 else None

    def smooth():
        with torch.no_grad():
            for average, p in zip(averages, params):
                average.lerp_(p, max(args.exponential_smoothing, 9 / (step + 9)))   # update n = step - 1

    def score():
        if averages is None:
            return evaluate(model, valid_ids, args.bptt)
        weights = [p.detach().clone() for p in params]
        with torch.no_grad():
            for p, average in zip(params, averages):
                p.copy_(average)
        v = evaluate(model, valid_ids, args.bptt)
        with torch.no_grad():
            for p, w in zip(params, weights):
                p.copy_(w)
        return v

    def validate():
        # As s2s's reduce-on-plateau (patience 0, relative threshold 1e-3): halve when no improvement.
        nonlocal lr, best, plateau_best
        v = score()
        best = min(best, v)
        if v < plateau_best * (1 - 1e-3):
            plateau_best = v
        elif args.schedule == "plateau":
            lr *= args.decay
        emit(args, {"event": "validation", "step": step, "epoch": epoch, "valid_loss": v, "best": best, "lr": lr,
                    "elapsed": time.perf_counter() - start})

    done = False
    while not done:
        state = None
        for xb, yb, first in epoch_batches(train_ids, args.batch_size, args.bptt, epoch, args.seed):
            if first:
                state = None
            if time.perf_counter() - start > args.time_budget:
                done = True
                break
            if args.schedule != "plateau":
                done_fraction = min(1.0, (time.perf_counter() - start) / args.time_budget)
                left = 1 - done_fraction if args.schedule == "linear" else (1 + math.cos(math.pi * done_fraction)) / 2
                lr = args.learning_rate * left
            for group in optimizer.param_groups:
                group["lr"] = lr
            t0 = time.perf_counter()
            loss, state = train_step(model, optimizer, xb, yb, state, args.max_grad_norm)
            train_seconds += time.perf_counter() - t0
            step += 1
            if averages is not None:
                smooth()
            window_loss, window_steps = window_loss + loss, window_steps + 1
            if step % args.report_every == 0:
                emit(args, {"event": "train", "step": step, "epoch": epoch, "loss": window_loss / window_steps,
                            "lr": lr, "chars_per_s": step * args.batch_size * args.bptt / train_seconds,
                            "elapsed": time.perf_counter() - start})
                window_loss, window_steps = 0.0, 0
            if args.validate_every and step % args.validate_every == 0:
                validate()
        if not done:
            validate()
            epoch += 1
    validate()
    emit(args, {"name": "lm_train", "steps": step, "epochs": epoch, "chars_per_s": step * args.batch_size * args.bptt / train_seconds,
                "best_valid_loss": best, "elapsed": time.perf_counter() - start, "threads": torch.get_num_threads()})


def mode_speed(args):
    lines = read_lines(args.train)
    vocab = build_vocab(lines)
    ids = encode(lines, vocab)
    model = make_model(args, len(vocab) + len(SPECIALS))
    optimizer = make_optimizer(args, model)
    batches = epoch_batches(ids, args.batch_size, args.bptt, 0, args.seed)
    state, times = None, []
    for i in range(args.steps + 2):
        xb, yb, _ = next(batches)
        t0 = time.perf_counter()
        _, state = train_step(model, optimizer, xb, yb, state, args.max_grad_norm)
        if i >= 2:
            times.append(time.perf_counter() - t0)
    seconds = statistics.median(times)
    chars = args.batch_size * args.bptt
    emit(args, {"name": "lm_train", "seconds": seconds, "tokens_per_s": chars / seconds, "threads": torch.get_num_threads()})

    # The usual sampling loop: one model call per character at batch 1.
    model.eval()
    generator = torch.Generator().manual_seed(args.seed)
    with torch.no_grad():
        x, state = torch.tensor([[EOS]]), None
        t0 = time.perf_counter()
        for _ in range(args.sample_chars):
            logits, state = model(x, state)
            probs = F.softmax(logits[-1, 0] / 0.8, dim=-1)
            x = torch.multinomial(probs, 1, generator=generator).view(1, 1)
        seconds = time.perf_counter() - t0
    emit(args, {"name": "lm_generate", "seconds": seconds / args.sample_chars,
                "tokens_per_s": args.sample_chars / seconds, "threads": torch.get_num_threads()})


def mode_evaluate(args):
    from safetensors.torch import load_file
    vocab, size = read_s2s_vocab(args.vocab)
    tensors = load_file(args.weights)
    args.embedding = tensors["embedding.weight"].shape[1]
    args.hidden = tensors["rnn.weight_hh_l0"].shape[1]
    args.layers = sum(1 for name in tensors if name.startswith("rnn.weight_hh_l"))
    model = make_model(args, size)
    model.load_state_dict(tensors, strict=True)
    ids = encode(read_lines(args.valid), vocab)
    emit(args, {"name": "lm_evaluate", "valid_loss": evaluate(model, ids, args.bptt), "tokens": len(ids) - 1})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["train", "speed", "evaluate"])
    ap.add_argument("--train", default="../shared/corpora/lm/tinyshakespeare/train.txt")
    ap.add_argument("--valid", default="../shared/corpora/lm/tinyshakespeare/val.txt")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--embedding", type=int, default=128)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--weight-dropout", type=float, default=0.0)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--bptt", type=int, default=128)
    ap.add_argument("--learning-rate", type=float, default=4e-3)
    ap.add_argument("--decay", type=float, default=0.5, help="learning-rate factor when validation does not improve (plateau)")
    ap.add_argument("--schedule", choices=["plateau", "linear", "cosine"], default="linear",
                    help="the learning rate: annealed to zero over the time budget (as s2s train-lm), or halved on plateaus")
    ap.add_argument("--max-grad-norm", type=float, default=5.0)
    ap.add_argument("--weight-decay", type=float, default=0.1, help="AdamW's decoupled weight decay (0 = Adam), as s2s train-lm --weight-decay")
    ap.add_argument("--exponential-smoothing", type=float, default=0.001,
                    help="validate an exponential moving average of the weights (as s2s); 0 = off")
    ap.add_argument("--time-budget", type=float, default=1800.0, help="seconds (train)")
    ap.add_argument("--validate-every", type=int, default=400, help="steps (and at epoch ends), as s2s train-lm; 0 = epoch ends only")
    ap.add_argument("--report-every", type=int, default=50)
    ap.add_argument("--steps", type=int, default=5, help="timed training steps (speed)")
    ap.add_argument("--sample-chars", type=int, default=500, help="characters sampled at batch 1 (speed)")
    ap.add_argument("--weights", help="s2s model.safetensors (evaluate)")
    ap.add_argument("--vocab", help="the s2s model's vocab.txt (evaluate)")
    ap.add_argument("--json", action="store_true", help="one JSON object per line")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    {"train": mode_train, "speed": mode_speed, "evaluate": mode_evaluate}[args.mode](args)


if __name__ == "__main__":
    sys.exit(main())
