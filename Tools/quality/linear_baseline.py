#!/usr/bin/env python3
"""A yardstick for the tweet classifier: multinomial logistic regression on bags of the
words and word pairs of each tweet, on the split of classifier-holdout.sh — trained on its 90% of
train.tsv, the L2 weight picked on dev.tsv (accuracy + macro-F1), scored on the held-out 10%. The
tweets are tokenized by `s2s tokenize` with train-classify's own settings, so both models read the
same tokens. With -m, the s2s models' mean probabilities are mixed with the baseline's (weight --mix)
and the mixture is scored too: a cheap model of another kind as an ensemble member.

    python3 Tools/quality/linear_baseline.py OUT [--labels positive,negative] [-m MODEL ...] [--mix 0.5]

OUT is a classifier-holdout.sh output directory (train90.tsv, holdout.tsv). Needs numpy and scipy;
nothing in the build or the tests runs it.
"""
import argparse, os, subprocess, sys
from collections import Counter

import numpy as np
import scipy.optimize
import scipy.sparse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKENIZER = ["--tweet", "--lowercase", "--squeeze", "--collapse-whitespace"]   # train-classify's defaults


def read(path, keep):
    rows = [line.rstrip("\n").split("\t", 1) for line in open(path, encoding="utf-8")]
    return [(label, text) for label, text in rows if keep is None or label in keep]


def tokenize(s2s, texts):
    out = subprocess.run([s2s, "tokenize", *TOKENIZER], input="\n".join(texts) + "\n",
                         capture_output=True, text=True, check=True).stdout
    return [[token.lstrip("￭") for token in line.split()] for line in out.splitlines()]


def features(tokens):
    return set(tokens) | {a + " " + b for a, b in zip(tokens, tokens[1:])}


def matrix(docs, index):
    rows, cols = [], []
    for i, tokens in enumerate(docs):
        for j in (index[f] for f in features(tokens) if f in index):
            rows.append(i)
            cols.append(j)
    return scipy.sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(index)))


def softmax(z):
    z = z - z.max(1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(1, keepdims=True)


def fit(x, y, classes, l2):
    n, v = x.shape
    def loss(w):
        weights, bias = w[:v * classes].reshape(v, classes), w[v * classes:]
        p = softmax(x @ weights + bias)
        value = -np.log(p[np.arange(n), y] + 1e-12).mean() + l2 * (weights * weights).sum()
        p[np.arange(n), y] -= 1
        p /= n
        return value, np.concatenate([(x.T @ p + 2 * l2 * weights).ravel(), p.sum(0)])
    w = scipy.optimize.minimize(loss, np.zeros(v * classes + classes), jac=True, method="L-BFGS-B",
                                options={"maxiter": 500}).x
    return lambda m: softmax(m @ w[:v * classes].reshape(v, classes) + w[v * classes:])


def score(p, y):
    predicted = p.argmax(1)
    f1 = [2 * ((predicted == k) & (y == k)).sum() / max(1, (predicted == k).sum() + (y == k).sum())
          for k in range(p.shape[1])]
    return (predicted == y).mean(), float(np.mean(f1))


def s2s_probabilities(s2s, models, texts, labels):
    out = subprocess.run([s2s, "classify", *sum((["-m", m] for m in models), []), "--k", str(len(labels)), "--prob"],
                         input="\n".join(texts) + "\n", capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        fields = line.split("\t")
        found = dict(zip(fields[0::2], map(float, fields[1::2])))
        rows.append([found[label] for label in labels])
    return np.array(rows)


def load_split(out, labels, s2s, dev):
    """The split's three sets (train, dev, held out): their (label, text) rows, the class names in id
    order, each tweet's tokens and each set's label ids. `labels`: a comma-separated subset, or None."""
    keep = set(labels.split(",")) if labels else None
    sets = {name: read(path, keep) for name, path in
            [("train", os.path.join(out, "train90.tsv")), ("dev", dev), ("held out", os.path.join(out, "holdout.tsv"))]}
    classes = sorted({label for label, _ in sets["train"]})
    tokens = {name: tokenize(s2s, [text for _, text in rows]) for name, rows in sets.items()}
    y = {name: np.array([classes.index(label) for label, _ in rows]) for name, rows in sets.items()}
    return sets, classes, tokens, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="a classifier-holdout.sh output directory")
    parser.add_argument("--labels", help="keep only these labels, comma-separated (the binary task)")
    parser.add_argument("-m", dest="models", action="append", default=[], help="s2s models to mix with")
    parser.add_argument("--mix", type=float, default=0.5, help="the baseline's weight in the mixture")
    parser.add_argument("--s2s", default=os.path.join(ROOT, ".build/release/s2s"))
    parser.add_argument("--dev", default=os.path.join(ROOT, "../shared/corpora/sentiment/airline/dev.tsv"))
    args = parser.parse_args()
    sets, labels, tokens, y = load_split(args.out, args.labels, args.s2s, args.dev)
    counts = Counter(f for doc in tokens["train"] for f in features(doc))
    index = {f: i for i, f in enumerate(f for f, c in counts.items() if c >= 2)}
    x = {name: matrix(docs, index) for name, docs in tokens.items()}

    best = None
    for l2 in [3e-5, 1e-4, 3e-4, 1e-3, 3e-3]:
        predict = fit(x["train"], y["train"], len(labels), l2)
        accuracy, f1 = score(predict(x["dev"]), y["dev"])
        print(f"L2 {l2:g}: dev accuracy {accuracy:.4f}, macro-F1 {f1:.4f}")
        if best is None or accuracy + f1 > best[0]:
            best = (accuracy + f1, l2, predict)
    _, l2, predict = best
    baseline = predict(x["held out"])
    print(f"{len(index)} features (words and word pairs seen twice); L2 {l2:g} picked on dev")
    print("bag of words and pairs, held out: accuracy %.4f, macro-F1 %.4f" % score(baseline, y["held out"]))
    if args.models:
        members = s2s_probabilities(args.s2s, args.models, [text for _, text in sets["held out"]], labels)
        print("the s2s models, held out:        accuracy %.4f, macro-F1 %.4f" % score(members, y["held out"]))
        mixed = args.mix * baseline + (1 - args.mix) * members
        print(f"mixed ({args.mix:g} baseline), held out: accuracy %.4f, macro-F1 %.4f" % score(mixed, y["held out"]))


if __name__ == "__main__":
    sys.exit(main())
