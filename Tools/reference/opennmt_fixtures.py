#!/usr/bin/env python3
"""OpenNMT-py 3.5 RNN models and `onmt_translate`'s outputs, for s2s's OpenNMT-py import (issue 42).

Usage (with the python of a virtualenv holding OpenNMT-py 3.5.1, e.g. `Tools/reference/setup.sh --onmt`):

    .venv-onmt/bin/python Tools/reference/opennmt_fixtures.py --corpus ../shared/corpora/translation/multi30k \\
        --work WORK [--fixtures Tests/S2STasksTests/Fixtures/opennmt] [--full] [--steps N]

Multi30k en->de is lowercased and split into words and punctuation (the models take whitespace tokens, as
`onmt_translate` does), the vocabularies are built with `onmt_build_vocab`, and models are trained with
`onmt_train` on the CPU, then stripped of their optimizer state with `onmt_release_model`:

- small models (a few hundred kilobytes, committed as fixtures): brnn LSTM with general attention (2 layers),
  rnn GRU with general attention, brnn LSTM with dot and with mlp attention, each with input feeding;
- with --full, the acceptance model (not committed): brnn LSTM, general attention, input feeding, trained
  longer on all of Multi30k, and its beam-5 output on the 1,000 sentences of test_2016.

For every model, `onmt_translate` (beam 5, n-best 1, its defaults otherwise: length penalty "avg" with
alpha 1, max_length 250, max_length_ratio 1.25, no coverage penalty, no -replace_unk) writes each
sentence's best translation and score (`-with_score`): `<name>.expected.tsv` holds source, translation and
score per line, `<name>.json` the options used. For the small models a second run gives 5-best lists with
`-replace_unk` and `-max_length 12`, one sentence per batch (OpenNMT-py's length limit depends on its batch's
longest source; s2s's on each sentence's own): `<name>.nbest.tsv` holds sentence index, rank, hypothesis and
score per line.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

# torch >= 2.6 loads with weights_only=True by default; OpenNMT-py's checkpoints hold its argparse options.
os.environ.setdefault("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "1")

TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokenize(line):
    return " ".join(TOKEN.findall(line.lower()))


def write_tokenized(source, target, count=None):
    with open(source, encoding="utf-8") as f:
        lines = [tokenize(line) for line in f]
    if count is not None:
        lines = lines[:count]
    with open(target, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def run(command, **kwargs):
    print("+", " ".join(command), file=sys.stderr)
    subprocess.run(command, check=True, **kwargs)


def tool(name):
    return os.path.join(os.path.dirname(sys.executable), name)


CONFIG = """\
save_data: {work}/{name}/run
src_vocab: {work}/{name}/vocab.src
tgt_vocab: {work}/{name}/vocab.tgt
src_vocab_size: {vocab}
tgt_vocab_size: {vocab}
overwrite: true
data:
    corpus_1:
        path_src: {work}/data/train.en
        path_tgt: {work}/data/train.de
    valid:
        path_src: {work}/data/val.en
        path_tgt: {work}/data/val.de
src_seq_length: 60
tgt_seq_length: 60
save_model: {work}/{name}/model
save_checkpoint_steps: {steps}
valid_steps: {steps}
train_steps: {steps}
report_every: 50
seed: 1
model_type: text
encoder_type: {encoder}
decoder_type: rnn
rnn_type: {cell}
layers: {layers}
hidden_size: {hidden}
word_vec_size: {embedding}
global_attention: {attention}
input_feed: 1
bridge: false
dropout: [0.1]
optim: adam
learning_rate: 0.002
max_grad_norm: 5
param_init: 0.1
batch_type: sents
batch_size: 32
num_workers: 0
world_size: 1
"""

SMALL = dict(vocab=400, hidden=32, embedding=16, steps=1500)
MODELS = [
    dict(name="brnn_lstm_general", encoder="brnn", cell="LSTM", layers=2, attention="general", **SMALL),
    dict(name="rnn_gru_general", encoder="rnn", cell="GRU", layers=1, attention="general", **SMALL),
    dict(name="brnn_lstm_dot", encoder="brnn", cell="LSTM", layers=1, attention="dot", **SMALL),
    dict(name="brnn_lstm_mlp", encoder="brnn", cell="LSTM", layers=1, attention="mlp", **SMALL),
]
FULL = dict(name="multi30k_brnn_lstm_general", encoder="brnn", cell="LSTM", layers=1, attention="general",
            vocab=10000, hidden=256, embedding=128, steps=3000)


def train(work, model):
    directory = os.path.join(work, model["name"])
    os.makedirs(directory, exist_ok=True)
    config = os.path.join(directory, "config.yaml")
    with open(config, "w") as f:
        f.write(CONFIG.format(work=work, **model))
    run([tool("onmt_build_vocab"), "-config", config, "-n_sample", "-1"])
    run([tool("onmt_train"), "-config", config])
    released = os.path.join(work, model["name"] + ".pt")
    run([tool("onmt_release_model"), "-m", os.path.join(directory, "model_step_%d.pt" % model["steps"]), "-o", released])
    return released


def attention_batch_first():
    """OpenNMT-py 3.5.1's RNN decoders stack their attention time-first ([T, B, S]) while its beam search
    reads it batch-first, as a Transformer gives it: -replace_unk (and -attn_debug) fail with an IndexError
    on any RNN model. Transposed after the decoder, it is what the beam search expects."""
    from onmt.decoders import decoder

    forward = decoder.RNNDecoderBase.forward

    def batch_first(self, *args, **kwargs):
        out, attns = forward(self, *args, **kwargs)
        return out, {k: v.transpose(0, 1) if hasattr(v, "dim") and v.dim() == 3 else v for k, v in attns.items()}

    decoder.RNNDecoderBase.forward = batch_first


def onmt_translate_with_scores(arguments):
    """`onmt_translate ARGUMENTS`, in this process: OpenNMT-py 3.5.1's -with_score calls .item() on scores
    its beam search already made floats (AttributeError); wrapped back into tensors they print in full.
    With -replace_unk, also `attention_batch_first`."""
    import torch
    from onmt.translate import translation
    from onmt.bin import translate as onmt_translate

    if "-replace_unk" in arguments or "-attn_debug" in arguments:
        attention_batch_first()

    original = translation.Translation.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.pred_scores = [score if torch.is_tensor(score) else torch.tensor(score, dtype=torch.float64)
                            for score in self.pred_scores]

    translation.Translation.__init__ = init
    sys.argv = ["onmt_translate"] + arguments
    onmt_translate.main()


def onmt_predictions(checkpoint, source, output, options):
    """onmt_translate's lines of (translation, score)."""
    run([sys.executable, os.path.abspath(__file__), "--onmt-translate", "-model", checkpoint, "-src", source,
         "-output", output, "-with_score"] + options)
    with open(output, encoding="utf-8") as f:
        return [line.split("\t") for line in f.read().splitlines()]


NBEST = ["-beam_size", "5", "-n_best", "5", "-replace_unk", "-max_length", "12", "-batch_size", "1"]


def translate_nbest(work, model, checkpoint, source):
    predictions = onmt_predictions(checkpoint, source, os.path.join(work, model["name"] + ".nbest.pred"), NBEST)
    rows = ["%d\t%d\t%s\t%s" % (i // 5, i % 5, p[0], p[1]) for i, p in enumerate(predictions)]
    with open(os.path.join(work, model["name"] + ".nbest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


def translate(work, model, checkpoint, source):
    options = ["-beam_size", "5", "-n_best", "1", "-batch_size", "30"]
    predictions = onmt_predictions(checkpoint, source, os.path.join(work, model["name"] + ".pred"), options)
    with open(source, encoding="utf-8") as f:
        sources = f.read().splitlines()
    rows = ["%s\t%s\t%s" % (s, p[0], p[1]) for s, p in zip(sources, predictions)]
    with open(os.path.join(work, model["name"] + ".expected.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(work, model["name"] + ".json"), "w") as f:
        json.dump({"model": model, "onmt_translate": options + ["-with_score"], "nbest": NBEST + ["-with_score"],
                   "defaults": {"length_penalty": "avg", "alpha": 1.0, "max_length": 250, "max_length_ratio": 1.25,
                                "min_length": 0, "coverage_penalty": "none", "replace_unk": False}}, f, indent=1)


def main():
    if sys.argv[1:2] == ["--onmt-translate"]:
        return onmt_translate_with_scores(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", required=True, help="Multi30k directory (train.en, train.de, val.*, test_2016_flickr.*)")
    parser.add_argument("--work", required=True, help="scratch directory for data, runs and outputs")
    parser.add_argument("--fixtures", help="copy the small models' files here")
    parser.add_argument("--full", action="store_true", help="also the acceptance model and its test_2016 output")
    parser.add_argument("--steps", type=int, help="training steps of the small models")
    args = parser.parse_args()

    work = os.path.abspath(args.work)
    data = os.path.join(work, "data")
    os.makedirs(data, exist_ok=True)
    for side in ("en", "de"):
        write_tokenized(os.path.join(args.corpus, "train." + side), os.path.join(data, "train." + side))
        write_tokenized(os.path.join(args.corpus, "val." + side), os.path.join(data, "val." + side))
        write_tokenized(os.path.join(args.corpus, "test_2016_flickr." + side), os.path.join(data, "test." + side))
    write_tokenized(os.path.join(args.corpus, "test_2016_flickr.en"), os.path.join(data, "test20.en"), count=20)

    models = [dict(m, steps=args.steps or m["steps"]) for m in MODELS]
    for model in models:
        checkpoint = train(work, model)
        translate(work, model, checkpoint, os.path.join(data, "test20.en"))
        translate_nbest(work, model, checkpoint, os.path.join(data, "test20.en"))
        if args.fixtures:
            os.makedirs(args.fixtures, exist_ok=True)
            shutil.copy(checkpoint, args.fixtures)
            shutil.copy(os.path.join(data, "test20.en"), os.path.join(args.fixtures, "test20.en"))
            for suffix in (".expected.tsv", ".nbest.tsv", ".json"):
                shutil.copy(os.path.join(work, model["name"] + suffix), args.fixtures)
    if args.full:
        checkpoint = train(work, FULL)
        translate(work, FULL, checkpoint, os.path.join(data, "test.en"))


if __name__ == "__main__":
    main()
