#!/usr/bin/env python3
"""How much of the held-out error sits on tweets the annotators themselves disagreed on.

    label_agreement.py OUT TWEETS_CSV PREDICTIONS

TWEETS_CSV is the original Kaggle/CrowdFlower `Tweets.csv` that ../shared/corpora/README.md names as the
airline corpus's source (nicholaslocascio/bcs-lstm, data/sentiment-tweets.csv); its
`airline_sentiment_confidence` is the trust-weighted share of annotators who chose the gold label.
OUT is a classifier-holdout.sh output directory; PREDICTIONS has one label per line of its holdout.tsv,
e.g. `cut -f2 OUT/holdout.tsv | s2s classify -m OUT/model-1 -m ...`.

Only rows whose text is in holdout.tsv (a part of train.tsv) are read: the CSV also holds the test split
that is kept out of this repository's work, and nothing here looks at it.
"""
import csv, os, re, sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linear_baseline as shared  # noqa: E402  (the split's reader)

out, csv_path, pred_path = sys.argv[1:4]
held_out = shared.read(os.path.join(out, "holdout.tsv"), None)
wanted = {text for _, text in held_out}
confidence = {}
for row in csv.DictReader(open(csv_path, newline="", encoding="utf-8")):
    text = re.sub(r"[\t\r\n]+", " ", row["text"]).strip()     # the corpus README's cleaning step 2
    if text in wanted and text not in confidence:              # step 1: the first row of a repeated tweet
        confidence[text] = float(row["airline_sentiment_confidence"])
predictions = [line.strip() for line in open(pred_path, encoding="utf-8")]
if len(predictions) != len(held_out):
    sys.exit(f"{pred_path}: {len(predictions)} lines, but the held-out split has {len(held_out)}")
missing = sum(text not in confidence for _, text in held_out)
if missing:
    sys.exit(f"{csv_path}: {missing} held-out tweets not found (is it the corpus's source file?)")

def bucket(c):
    return "all annotators agreed (1.0)" if c >= 0.999 else ("most agreed (0.67-1)" if c >= 0.67 else "split (< 0.67)")
tally = defaultdict(lambda: [0, 0, 0.0])                      # right, count, sum of confidence
for (label, text), predicted in zip(held_out, predictions):
    c = confidence[text]
    for key in (bucket(c), "every held-out tweet"):
        tally[key][0] += predicted == label; tally[key][1] += 1; tally[key][2] += c
print(f"{'annotators':<30} {'tweets':>6} {'share':>6} {'accuracy':>8} {'errors':>6} {'mean confidence':>15}")
for key in ("all annotators agreed (1.0)", "most agreed (0.67-1)", "split (< 0.67)", "every held-out tweet"):
    right, n, csum = tally[key]
    if n == 0: continue
    print(f"{key:<30} {n:>6} {n / len(held_out):>6.1%} {right / n:>8.4f} {n - right:>6} {csum / n:>15.3f}")
