#!/usr/bin/env python3
"""PyTorch (CPU, float32) reference for `s2s bench translate`: the s2s translator in plain PyTorch.

Usage: translate_reference.py --model DIR --data FILE [--threads N] [--train-steps K] [--beam-size 5]
                              [--batch-sizes 1,64] [--skip-train] [--skip-beam] [--json]

The model is s2s's Translator, module for module, read from an s2s model directory (config.json for
the sizes, model.safetensors for the weights, names as s2s writes them):
  encoder:   Embedding(Vs, E, padding_idx=0) -> dropout -> nn.LSTM(E, He, L, bidirectional) over packed
             sequences; bridge: each layer's forward and backward final states concatenated (OpenNMT)
  decoder:   Embedding(Vt, E) -> dropout; per step in Python: cat(embedding, input feed) -> LSTMCell
             stack -> global attention (general: linear_in, bmm, masked softmax, bmm; linear_out over
             [context, q], tanh) -> dropout -> next input feed (OpenNMT-py's InputFeedRNNDecoder)
  generator: Linear(H, Vt) over all steps at once; loss = cross_entropy(ignore_index=0,
             label_smoothing from config); Adam(lr 1e-3), gradient norm clipped at 5.
Data (written by `s2s bench translate`, a safetensors file of F32-encoded ids):
  train.N.source [B, S], train.N.source_lengths [B], train.N.target [B, T] (no bos/eos, 0-padded),
  train.N.target_lengths [B]; test.source [N, S], test.source_lengths [N].
Measures (median of the timed repetitions, after warm-ups):
  train      optimizer steps over the train batches: target tokens (incl. eos) per second
  beam_bK    beam search (size --beam-size, no length penalty, bos/pad banned, outputs up to
             2 * source length + 5 tokens) over the test sentences in batches of K: sentences per second.
             The search is s2s's rule, batched and vectorised: the top 2K candidates of all beams; eos
             among the first K finishes a hypothesis; the first K others stay alive; a sentence is done
             when its best finished score is at least its best alive score (or at its length limit).
  rss        the process's peak resident set size in MiB
With --json, one JSON object per line: {"name", "seconds", "tokens_per_s" | "sentences_per_s", ...};
beam lines also carry "outputs" (token ids per sentence) so s2s can compare translations.
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn.functional as F
from safetensors.torch import load_file

PAD, UNK, BOS, EOS = 0, 1, 2, 3


class Encoder(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, emb, padding_idx=PAD)
        self.rnn = torch.nn.LSTM(emb, hidden, num_layers=layers, bidirectional=True,
                                 dropout=dropout if layers > 1 else 0.0)
        self.dropout = torch.nn.Dropout(dropout)

    def forward(self, src, lengths):                      # src [S, B]
        emb = self.dropout(self.embedding(src))
        packed = torch.nn.utils.rnn.pack_padded_sequence(emb, lengths, enforce_sorted=False)
        out, (h, c) = self.rnn(packed)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=src.shape[0])
        bridge = lambda s: torch.cat([s[0::2], s[1::2]], dim=2)   # [L*2, B, He] -> [L, B, 2He]
        return out, (bridge(h), bridge(c))


class StackedLSTM(torch.nn.Module):
    def __init__(self, layers, input_size, hidden, dropout):
        super().__init__()
        self.layers = torch.nn.ModuleList(
            [torch.nn.LSTMCell(input_size if i == 0 else hidden, hidden) for i in range(layers)])
        self.dropout = torch.nn.Dropout(dropout)

    def forward(self, x, state):
        h0, c0 = state
        hs, cs = [], []
        for i, layer in enumerate(self.layers):
            h, c = layer(x, (h0[i], c0[i]))
            x = self.dropout(h) if i + 1 < len(self.layers) else h
            hs.append(h)
            cs.append(c)
        return x, (torch.stack(hs), torch.stack(cs))


class GlobalAttention(torch.nn.Module):   # OpenNMT-py's, attn_type "general"
    def __init__(self, dim):
        super().__init__()
        self.linear_in = torch.nn.Linear(dim, dim, bias=False)
        self.linear_out = torch.nn.Linear(2 * dim, dim, bias=False)

    def forward(self, q, memory, mask):               # q [N, H], memory [N, S, H], mask [N, S] True = pad
        score = torch.bmm(memory, self.linear_in(q).unsqueeze(2)).squeeze(2)
        align = F.softmax(score.masked_fill(mask, float("-inf")), dim=-1)
        context = torch.bmm(align.unsqueeze(1), memory).squeeze(1)
        return torch.tanh(self.linear_out(torch.cat([context, q], dim=-1))), align


class Decoder(torch.nn.Module):
    def __init__(self, vocab, emb, hidden, layers, dropout):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocab, emb, padding_idx=PAD)
        self.rnn = StackedLSTM(layers, emb + hidden, hidden, dropout)
        self.attn = GlobalAttention(hidden)
        self.dropout = torch.nn.Dropout(dropout)

    def step(self, token_emb, feed, state, memory, mask):
        x, state = self.rnn(torch.cat([token_emb, feed], dim=-1), state)
        out, align = self.attn(x, memory, mask)
        return self.dropout(out), state, align

    def forward(self, tgt_in, memory, mask, state):   # tgt_in [T, B]; memory [B, S, H]
        emb = self.dropout(self.embedding(tgt_in))
        feed = memory.new_zeros(memory.shape[0], memory.shape[2])
        outs = []
        for t in range(tgt_in.shape[0]):
            feed, state, _ = self.step(emb[t], feed, state, memory, mask)
            outs.append(feed)
        return torch.stack(outs)


class Translator(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        he, layers, p = cfg["encoderHiddenSize"], cfg["layers"], cfg["dropout"]
        h = 2 * he
        self.encoder = Encoder(cfg["sourceVocabularySize"], cfg["sourceEmbeddingSize"], he, layers, p)
        self.decoder = Decoder(cfg["targetVocabularySize"], cfg["targetEmbeddingSize"], h, layers, p)
        self.generator = torch.nn.Linear(h, cfg["targetVocabularySize"])

    def encode(self, src, lengths):
        out, state = self.encoder(src, lengths)
        memory = out.transpose(0, 1)                      # [B, S, H]
        mask = torch.arange(src.shape[0])[None, :] >= lengths[:, None]
        return memory, mask, state

    def loss(self, src, src_len, tgt, tgt_len, smoothing):
        memory, mask, state = self.encode(src, src_len)
        B, T = tgt.shape[1], tgt.shape[0] + 1
        tgt_in = torch.full((T, B), PAD, dtype=torch.long)
        tgt_out = torch.full((T, B), PAD, dtype=torch.long)
        tgt_in[0] = BOS
        tgt_in[1:] = tgt
        tgt_out[:-1] = tgt
        tgt_out[tgt_len, torch.arange(B)] = EOS
        outs = self.decoder(tgt_in, memory, mask, state)
        logits = self.generator(outs.view(-1, outs.shape[-1]))
        return F.cross_entropy(logits, tgt_out.view(-1), ignore_index=PAD, label_smoothing=smoothing)


def load_model(directory):
    with open(f"{directory}/config.json") as f:
        config = json.load(f)
    cfg = config["model"]
    if cfg.get("attention") != "general" or not cfg.get("bidirectional", True) or cfg.get("tieTargetEmbedding"):
        raise SystemExit("the reference implements bidirectional, general attention, untied models only")
    model = Translator(cfg)
    state = load_file(f"{directory}/model.safetensors")
    model.load_state_dict(state, strict=True)
    return model, cfg


def train_batches(data):
    batches, i = [], 0
    while f"train.{i}.source" in data:
        src = data[f"train.{i}.source"].long().t().contiguous()            # [S, B]
        src_len = data[f"train.{i}.source_lengths"].long()
        tgt = data[f"train.{i}.target"].long().t().contiguous()             # [T, B]
        tgt_len = data[f"train.{i}.target_lengths"].long()
        batches.append((src, src_len, tgt, tgt_len))
        i += 1
    return batches


def measure_train(model, cfg, batches, steps, warmup=2):
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step(batch):
        optimizer.zero_grad(set_to_none=True)
        loss = model.loss(*batch, cfg["labelSmoothing"])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()

    for i in range(warmup):
        step(batches[i % len(batches)])
    start, tokens = time.perf_counter(), 0
    for i in range(steps):
        batch = batches[i % len(batches)]
        step(batch)
        tokens += int(batch[3].sum()) + batch[3].numel()
    seconds = time.perf_counter() - start
    return seconds, tokens


@torch.inference_mode()
def beam_search(model, src, src_len, K):
    """Beam search over a batch; returns the best output (token ids) per sentence."""
    B = src.shape[1]
    memory, mask, (h, c) = model.encode(src, src_len)
    max_len = (2 * src_len + 5).tolist()
    H = memory.shape[2]
    V = model.generator.out_features
    # Rows: sentence-major, k_cur rows per active sentence (1 at the first step).
    active = list(range(B))
    rows_src = torch.arange(B)
    scores = torch.zeros(B, 1)
    feed = memory.new_zeros(B, H)
    tokens = torch.full((B,), BOS, dtype=torch.long)
    history = [[] for _ in range(B)]          # per sentence: list of (tokens [k], origin [k]) per step
    best = [None] * B                         # (score, step, position, origin_k_of_last) per sentence
    results = [[] for _ in range(B)]
    t = 0
    while active:
        n_act, k_cur = len(active), scores.shape[1]
        emb = model.decoder.embedding(tokens)
        out, (h, c), _ = model.decoder.step(emb, feed, (h, c), memory[rows_src], mask[rows_src])
        logp = F.log_softmax(model.generator(out), dim=-1)
        logp[:, PAD] = float("-inf")
        logp[:, BOS] = float("-inf")
        cand = (scores.reshape(-1, 1) + logp).view(n_act, k_cur * V)
        top_scores, top_idx = cand.topk(2 * K, dim=1)
        origin, token = top_idx // V, top_idx % V
        is_eos = token == EOS
        rank = torch.arange(2 * K)[None, :]
        finishing = is_eos & (rank < K)
        alive = (~is_eos) & (torch.cumsum((~is_eos).long(), dim=1) <= K)
        keep_rows, next_scores, next_tokens, still_active = [], [], [], []
        top_scores_l, origin_l, token_l = top_scores.tolist(), origin.tolist(), token.tolist()
        finishing_l, alive_l = finishing.tolist(), alive.tolist()
        for a, sentence in enumerate(active):
            history[sentence].append((token_l[a], origin_l[a]))
            for j in range(2 * K):
                if finishing_l[a][j] and (best[sentence] is None or top_scores_l[a][j] > best[sentence][0]):
                    best[sentence] = (top_scores_l[a][j], t, j)
            alive_j = [j for j in range(2 * K) if alive_l[a][j]]
            at_limit = t + 1 >= max_len[sentence]
            best_alive = top_scores_l[a][alive_j[0]] if alive_j else float("-inf")
            if at_limit:
                j = alive_j[0] if alive_j else 0
                if best[sentence] is None or best_alive > best[sentence][0]:
                    best[sentence] = (best_alive, t, j)
            if at_limit or (best[sentence] is not None and best[sentence][0] >= best_alive) or not alive_j:
                results[sentence] = backtrack(history[sentence], best[sentence])
                continue
            still_active.append(sentence)
            base = a * k_cur
            keep_rows.extend(base + origin_l[a][j] for j in alive_j)
            next_scores.append([top_scores_l[a][j] for j in alive_j])
            next_tokens.extend(token_l[a][j] for j in alive_j)
            history[sentence][-1] = (token_l[a], origin_l[a], alive_j)
        if not still_active:
            break
        index = torch.tensor(keep_rows)
        h, c, feed = h[:, index], c[:, index], out[index]
        rows_src = rows_src[index]
        scores = torch.tensor(next_scores)
        tokens = torch.tensor(next_tokens)
        active = still_active
        t += 1
    return results


def backtrack(history, best):
    """Token ids of the hypothesis ending at (step, candidate position) `best` (eos dropped)."""
    if best is None:
        return []
    _, step, j = best
    out = []
    while step >= 0:
        entry = history[step]
        token, origin = entry[0][j], entry[1][j]
        if token != EOS:
            out.append(token)
        if step == 0:
            break
        alive = history[step - 1][2]      # positions of step-1 candidates that became rows 0..k-1
        j = alive[origin]
        step -= 1
    return out[::-1]


def measure_beam(model, data, K, batch_size):
    model.eval()
    src_all = data["test.source"].long()                 # [N, S]
    len_all = data["test.source_lengths"].long()
    n = src_all.shape[0]
    outputs = []
    start = time.perf_counter()
    for i in range(0, n, batch_size):
        lengths = len_all[i:i + batch_size]
        width = max(1, int(lengths.max()))
        src = src_all[i:i + batch_size, :width].t().contiguous()
        outputs += beam_search(model, src, lengths.clamp(min=1), K)
    return time.perf_counter() - start, n, outputs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--train-steps", type=int, default=10)
    ap.add_argument("--beam-size", type=int, default=5)
    ap.add_argument("--batch-sizes", default="1,64")
    ap.add_argument("--skip-train", action="store_true")
    ap.add_argument("--skip-beam", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, cfg = load_model(args.model)
    data = load_file(args.data)

    def emit(row):
        if args.json:
            print(json.dumps(row), flush=True)
        else:
            print({k: v for k, v in row.items() if k != "outputs"}, flush=True)

    if not args.skip_train:
        seconds, tokens = measure_train(model, cfg, train_batches(data), args.train_steps)
        emit({"name": "train", "seconds": seconds, "tokens": tokens, "tokens_per_s": tokens / seconds,
              "threads": args.threads})
        model, cfg = load_model(args.model)   # back to the trained weights for the search
    if not args.skip_beam:
        for batch_size in [int(b) for b in args.batch_sizes.split(",")]:
            seconds, n, outputs = measure_beam(model, data, args.beam_size, batch_size)
            emit({"name": f"beam_b{batch_size}", "seconds": seconds, "sentences": n,
                  "sentences_per_s": n / seconds, "threads": args.threads, "outputs": outputs})
    emit({"name": "rss", "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


if __name__ == "__main__":
    main()
