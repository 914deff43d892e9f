#!/usr/bin/env python3
"""A fastText-style model as an ensemble member for the tweet classifier: the mean of the
embeddings of each tweet's words and word pairs, then one linear layer, trained with Adam on the
90% of train.tsv of a classifier-holdout.sh split, its epoch picked on dev.tsv (accuracy + macro-F1),
scored on the held-out 10%. With -m, it joins the s2s models as one more member (weight 1/(n+1), or
--weight): how much a cheap model of another kind adds to an ensemble of LSTMs.

    python3 Tools/quality/fasttext_member.py OUT [--labels positive,negative] [-m MODEL ...] [--seed 1]

Needs torch (CPU), numpy and scipy (linear_baseline.py's helpers read, tokenize and score the same way);
nothing in the build or the tests runs it.
"""
import argparse, os, sys
from collections import Counter

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linear_baseline as shared  # noqa: E402  (the split, the tokens and the scores of the yardstick)


def features(tokens):
    # A list, not linear_baseline's set: fastText's mean counts a repeated word or pair each time.
    return list(tokens) + [a + " " + b for a, b in zip(tokens, tokens[1:])]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="a classifier-holdout.sh output directory")
    parser.add_argument("--labels", help="keep only these labels, comma-separated (the binary task)")
    parser.add_argument("-m", dest="models", action="append", default=[], help="s2s models to join")
    parser.add_argument("--weight", type=float, help="this model's weight beside them (default 1/(n+1))")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dim", type=int, default=64, help="embedding width")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--s2s", default=os.path.join(shared.ROOT, ".build/release/s2s"))
    parser.add_argument("--dev", default=os.path.join(shared.ROOT, "../shared/corpora/sentiment/airline/dev.tsv"))
    args = parser.parse_args()
    sets, labels, tokens, y = shared.load_split(args.out, args.labels, args.s2s, args.dev)
    counts = Counter(f for doc in tokens["train"] for f in features(doc))
    index = {f: i + 1 for i, f in enumerate(counts)}   # 0: the padding row, for a tweet with no known feature

    # Each tweet's feature ids, looked up once (0 alone when it has no known feature).
    ids = {name: [[index[f] for f in features(doc) if f in index] or [0] for doc in docs] for name, docs in tokens.items()}

    def bags(rows):
        offsets = np.cumsum([0] + [len(row) for row in rows[:-1]])
        return torch.tensor([i for row in rows for i in row]), torch.tensor(offsets)

    x = {name: bags(rows) for name, rows in ids.items()}
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    bag = torch.nn.EmbeddingBag(len(index) + 1, args.dim, mode="mean", padding_idx=0)
    output = torch.nn.Linear(args.dim, len(labels))
    optimizer = torch.optim.Adam(list(bag.parameters()) + list(output.parameters()), lr=0.01)

    def probabilities(name):
        with torch.no_grad():
            return torch.softmax(output(bag(*x[name])), 1).numpy()

    best = None
    for epoch in range(args.epochs):
        order = rng.permutation(len(tokens["train"]))
        for start in range(0, len(order), 32):
            rows = order[start:start + 32]
            pooled = torch.nn.functional.dropout(bag(*bags([ids["train"][i] for i in rows])), 0.3)
            loss = torch.nn.functional.cross_entropy(output(pooled), torch.tensor(y["train"][rows]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        accuracy, f1 = shared.score(probabilities("dev"), y["dev"])
        if best is None or accuracy + f1 > best[0]:
            best = (accuracy + f1, epoch + 1, probabilities("held out"))
    _, epoch, member = best
    print(f"{len(index)} features (words and word pairs); epoch {epoch} of {args.epochs} picked on dev")
    print("fastText-style, held out:        accuracy %.4f, macro-F1 %.4f" % shared.score(member, y["held out"]))
    if args.models:
        others = shared.s2s_probabilities(args.s2s, args.models, [text for _, text in sets["held out"]], labels)
        weight = args.weight if args.weight is not None else 1 / (len(args.models) + 1)
        print("the s2s models, held out:        accuracy %.4f, macro-F1 %.4f" % shared.score(others, y["held out"]))
        print(f"with it ({weight:g} of the mean), held out: accuracy %.4f, macro-F1 %.4f"
              % shared.score(weight * member + (1 - weight) * others, y["held out"]))


if __name__ == "__main__":
    sys.exit(main())
