#!/usr/bin/env bash
# The Python side of the references, in one command: a virtualenv at the repository's root (.venv,
# ignored by git; `s2s bench … --python` defaults to it) with PyTorch's CPU build and everything the
# scripts of Tools/reference/ and `s2s bench tokenize` import.
#
#     Tools/reference/setup.sh            # .venv
#     Tools/reference/setup.sh --onmt     # also .venv-onmt with OpenNMT-py 3.5.1 (on the same CPU torch)
#
# torch is installed with --no-deps: a plain `pip install torch` pulls the CUDA build, which does not
# import on these machines; its pure-Python dependencies are in requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv
# The CPU wheel: from pip's find-links when the machine has it there, else from PyTorch's CPU index.
.venv/bin/pip install --quiet --no-deps "torch==2.13.0+cpu" \
    || .venv/bin/pip install --quiet --no-deps --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0+cpu"
.venv/bin/pip install --quiet -r Tools/reference/requirements.txt
.venv/bin/pip install --quiet sacremoses subword-nmt sacrebleu
.venv/bin/python -c 'import torch, safetensors; print("torch", torch.__version__, "in .venv")'
if [ "${1:-}" = "--onmt" ]; then
    # OpenNMT-py 3.5.1 pins torch 2.2.2, whose wheel is the CUDA build: it goes in with --no-deps beside the
    # CPU torch above, and its own pure-Python requirements after it (checked with this torch: fixtures,
    # onmt_train, onmt_translate; torch >= 2.6 reads its checkpoints with TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1).
    python3 -m venv .venv-onmt
    .venv-onmt/bin/pip install --quiet --no-deps "torch==2.13.0+cpu" \
        || .venv-onmt/bin/pip install --quiet --no-deps --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0+cpu"
    .venv-onmt/bin/pip install --quiet -r Tools/reference/requirements.txt
    .venv-onmt/bin/pip install --quiet --no-deps OpenNMT-py==3.5.1
    .venv-onmt/bin/pip install --quiet configargparse pyyaml six sacrebleu pyonmttok rapidfuzz pyahocorasick spacy fasttext-wheel \
        waitress flask tensorboard
    TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 .venv-onmt/bin/python -c \
        'import onmt, onmt.bin.translate, onmt.bin.train; print("OpenNMT-py", onmt.__version__, "in .venv-onmt")'
fi
