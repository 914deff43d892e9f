#!/usr/bin/env bash
# Downloads the real corpora that s2s's tests, benchmarks and README recipes read, from the pinned
# GitHub snapshots described in ../shared/corpora/README.md, rebuilds the same splits, and checks every
# file's sha256 against the published table. Needs curl, gzip, python3 and sha256sum.
#
#   bash Corpora/download.sh [DEST]      # DEST defaults to ../shared/corpora (where s2s looks)
#
# Nothing is written into the repository; an existing file with the right checksum is kept.
set -euo pipefail

dest="${1:-$(cd "$(dirname "$0")/.." && pwd)/../shared/corpora}"
raw="https://raw.githubusercontent.com"
multi30k="$raw/multi30k/dataset/a3d2e0d26b56f3846f66a952536ffed4e401d05a/data/task1/raw"
charrnn="$raw/karpathy/char-rnn/6f9487a6fe5b420b7ca9afb0d7c078e37c1d1b4e/data/tinyshakespeare"
bcs="$raw/nicholaslocascio/bcs-lstm/0cfcdafa7f032e36b2795cdc769192184323b56e/data"
tatoeba_fra="$raw/Soubhagya264/Language_Translator-Encoder-Decoder-/f6c89651306aa93d2f0f0447ce15b553a530abb0/fra.txt"
tatoeba_deu="$raw/DarrenCarvalho/Language-Translation/a30fc3ec31687d0ed561047a9c7d7fdb5915f89c/data/deu.txt"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fetch() { echo "downloading $1" >&2; curl -fsSL --retry 3 -o "$2" "$1"; }

mkdir -p "$dest"/translation/{multi30k,tatoeba-eng-fra,tatoeba-eng-deu} "$dest"/sentiment/{airline,bcs-lstm-tutorial} \
         "$dest"/lm/tinyshakespeare

# Multi30k task 1, raw: gunzipped, nothing else changed.
for split in train val test_2016_flickr; do
    for lang in en de fr; do
        out="$dest/translation/multi30k/$split.$lang"
        [ -s "$out" ] && continue
        fetch "$multi30k/$split.$lang.gz" "$work/$split.$lang.gz"
        gunzip -c "$work/$split.$lang.gz" > "$out.tmp" && mv "$out.tmp" "$out"
    done
done

# Tiny Shakespeare, split as nanoGPT does: the first 90% of the characters (ASCII, so bytes) train.
lm="$dest/lm/tinyshakespeare"
if [ ! -s "$lm/val.txt" ]; then
    fetch "$charrnn/input.txt" "$work/input.txt"
    python3 - "$work/input.txt" "$lm" <<'EOF'
import sys
data = open(sys.argv[1], encoding="utf-8", newline="").read()
cut = int(len(data) * 0.9)
for name, text in [("input.txt", data), ("train.txt", data[:cut]), ("val.txt", data[cut:])]:
    open(f"{sys.argv[2]}/{name}", "w", encoding="utf-8", newline="").write(text)
EOF
fi

# Airline tweets and the 2017 tutorial's test set (the tutorial's repository holds both).
if [ ! -s "$dest/sentiment/airline/dev.tsv" ]; then
    fetch "$bcs/sentiment-tweets.csv" "$work/tweets.csv"
    python3 - "$work/tweets.csv" "$dest/sentiment/airline" <<'EOF'
# The split procedure published in the corpora README: one row per tweet id, identical texts in one
# split, 80/10/10 per label in sha256 order. The test split is written too (s2s never reads it).
import csv, hashlib, io, re, sys
from collections import defaultdict
rows = list(csv.DictReader(io.StringIO(open(sys.argv[1], "rb").read().decode("utf-8"), newline="")))
seen, uniq = set(), []
for i, r in enumerate(rows):
    if r["tweet_id"] in seen: continue
    seen.add(r["tweet_id"])
    uniq.append((i, r["tweet_id"], r["airline_sentiment"], re.sub(r"[\t\r\n]+", " ", r["text"]).strip()))
groups = defaultdict(list)
for it in uniq: groups[it[3]].append(it)
key = lambda t: hashlib.sha256(("airline-v1\x00" + t).encode("utf-8")).hexdigest()
by_label = defaultdict(list)
for t, items in groups.items(): by_label[items[0][2]].append(t)
assign = {}
for label in sorted(by_label):
    ts = sorted(by_label[label], key=key); n = len(ts)
    n_train, n_dev = round(0.8 * n), round(0.1 * n)
    for j, t in enumerate(ts):
        assign[t] = "train" if j < n_train else ("dev" if j < n_train + n_dev else "test")
out = {"train": [], "dev": [], "test": []}
for it in uniq: out[assign[it[3]]].append(it)
for split, items in out.items():
    items.sort(key=lambda it: (key(it[3]), it[0]))
    with open(f"{sys.argv[2]}/{split}.tsv", "w", encoding="utf-8", newline="") as f:
        f.writelines(f"{lab}\t{text}\n" for _, _, lab, text in items)
EOF
fi
tutorial="$dest/sentiment/bcs-lstm-tutorial"
if [ ! -s "$tutorial/vocab.txt" ]; then
    fetch "$bcs/testTweets_preprocessed.json" "$tutorial/testTweets_preprocessed.json"
    fetch "$bcs/emeddings.bin" "$work/embeddings.bin"
    python3 - "$work/embeddings.bin" "$tutorial/vocab.txt" <<'EOF'
# vocab.txt = the words of the tutorial's word2vec binary, in id order (its header is "V D\n", then
# per word: the word, a space, D little-endian floats, and an optional newline).
import sys
data = open(sys.argv[1], "rb").read()
end = data.index(b"\n")
count, dim = map(int, data[:end].split())
pos, words = end + 1, []
for _ in range(count):
    while data[pos:pos + 1] == b"\n": pos += 1
    space = data.index(b" ", pos)
    words.append(data[pos:space].decode("utf-8"))
    pos = space + 1 + 4 * dim
open(sys.argv[2], "w", encoding="utf-8", newline="").write("".join(w + "\n" for w in words))
EOF
fi

# Tatoeba smoke-test pairs: the first 20,000 lines of each export (the German one parsed from its CSV).
if [ ! -s "$dest/translation/tatoeba-eng-fra/eng-fra.tsv" ]; then
    fetch "$tatoeba_fra" "$work/fra.txt"
    head -n 20000 "$work/fra.txt" > "$dest/translation/tatoeba-eng-fra/eng-fra.tsv"
fi
if [ ! -s "$dest/translation/tatoeba-eng-deu/eng-deu.tsv" ]; then
    fetch "$tatoeba_deu" "$work/deu.txt"
    python3 - "$work/deu.txt" "$dest/translation/tatoeba-eng-deu/eng-deu.tsv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8", newline=""), delimiter="\t"))[1:20001]
open(sys.argv[2], "w", encoding="utf-8", newline="").write("".join(f"{a}\t{b}\n" for a, b, *_ in rows))
EOF
fi

# The checksums published in the corpora README.
cd "$dest"
sha256sum --check --quiet <<'EOF'
86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed  lm/tinyshakespeare/input.txt
a9e24e23a1ec77744dad26844bfd5a09b6e041954e1eef0000e7f24cba6db735  lm/tinyshakespeare/train.txt
c54f3753a4e6e3c3d1759212815a7caf826e68a33021b25312984400bed40a1f  lm/tinyshakespeare/val.txt
5262c6ce3033f9e2d97cc25e6fe1db5a1b6735954a8c5afc1f4501ac6d3b6fae  sentiment/airline/dev.tsv
24dae892cf9cc9f46ad16b8e07cf2f66b5d75179a12aa58a0cab4b86f2790e3b  sentiment/airline/train.tsv
5be99f53105a6204e082bc2ddeba4e489b14942b63fb39585ed173f5f0ecc206  sentiment/bcs-lstm-tutorial/testTweets_preprocessed.json
9827dca7cb9abb75123fecf1134be17759e9dc23905a30a8b8132f83b62e8c66  sentiment/bcs-lstm-tutorial/vocab.txt
4be6b5b3236b79c25475c6bb829800a7ce559e9ba7a1f6c2394fe4d40be46d16  translation/multi30k/test_2016_flickr.de
399a4382932c1aadd3ceb9bef1008d388a64c76d4ae4e9d4728c6f4301cac182  translation/multi30k/test_2016_flickr.en
cb3160d69b002bb638e66cc7612fcd56cb0af82eadc9c142dedc438afb885ef6  translation/multi30k/test_2016_flickr.fr
2c2b73fd2b548fbcde3a875e0a78d6ee94d498bfdee6bd3eae3945779e9ddf72  translation/multi30k/train.de
460a15fbd157e34a7a9957ee388c1ca247fe47af3ef25fb50442af6c274e0fc6  translation/multi30k/train.en
5925a3c18f1587b6b54b87743106e6e8ab93618edb6f65d19eac0621f853a10d  translation/multi30k/train.fr
660e09eb7e1da2f856ea13ee5ad3cf6d36b3d5b0b733c857e94c5747a3dfc660  translation/multi30k/val.de
1f2a23d992769b5b3d209b0a10dd0b77c08cceb1f20dfb97ed0aafa49d107227  translation/multi30k/val.en
5304e444d842e962b2dda4d816b70b22a1765b15401642b7ca37a67477e708dc  translation/multi30k/val.fr
ba89c07a39137ce01d78df6475db7f5f049fb1c85ad3cd64942f1b137e8fd5fb  translation/tatoeba-eng-deu/eng-deu.tsv
f6cbebcd20aeaeeec9f5081b08086446f95f36355aa99096ead55a4906d078d0  translation/tatoeba-eng-fra/eng-fra.tsv
EOF
echo "corpora ready in $dest" >&2
