#!/usr/bin/env python3
"""Generate the golden PyTorch fixtures that the Swift tests of S2SNN compare against.

Writes small `.safetensors` files into Tests/S2SNNTests/Fixtures/ (relative to the repo root,
found from this file's location). Every tensor is stored as contiguous float32; integer-valued
tensors (lengths, targets) too. Hyper-parameters go into the safetensors metadata.

Layers and losses are computed in float64 from float32-representable inputs (drawn as float32,
then `.double()`), so the stored results are exact up to the final float32 rounding. Optimizer
steps run in float32, as a real optimizer would. Gradients: for each output `y` a random
upstream gradient `grad_y` is stored, L = sum_y sum(y * grad_y) is backpropagated, and the
gradient of every input and parameter `x` is stored as `grad.x`.

Each fixture seeds torch itself, so output is deterministic. The tensor layout of every file
is documented in Tests/S2SNNTests/Fixtures/README.md; keep the two in step.

Usage: python Tools/reference/make_fixtures.py
"""
import json
import struct
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

OUT = Path(__file__).resolve().parents[2] / "Tests" / "S2SNNTests" / "Fixtures"


def randn(*shape):
    """Standard normal, drawn in float32 and widened, so exactly float32-representable."""
    return torch.randn(*shape, dtype=torch.float32).double()


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def save(name, tensors, **meta):
    out = {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}
    meta = {k: str(v) for k, v in meta.items()}
    meta["generator"] = "Tools/reference/make_fixtures.py"
    path = OUT / f"{name}.safetensors"
    save_file(out, str(path), metadata=meta)
    sort_metadata(path)
    print(f"{path.name:36s} {path.stat().st_size:6d} bytes  {len(out)} tensors")


def sort_metadata(path):
    """save_file writes metadata in hash order; sort it so reruns give identical bytes."""
    data = bytearray(path.read_bytes())
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header["__metadata__"] = dict(sorted(header["__metadata__"].items()))
    text = json.dumps(header, separators=(",", ":")).encode()
    assert len(text) <= n, "canonical header must fit in the original one"
    data[8:8 + n] = text.ljust(n, b" ")  # same length: tensor offsets are unchanged
    path.write_bytes(bytes(data))


def backprop(outputs, leaves):
    """Random upstream gradients for `outputs`, backward, gradients of `leaves` as grad.<name>."""
    upstream = {f"grad_{k}": randn(*v.shape) for k, v in outputs.items()}
    loss = sum((v * upstream[f"grad_{k}"]).sum() for k, v in outputs.items())
    loss.backward()
    grads = {f"grad.{k}": v.grad for k, v in leaves.items()}
    return {**upstream, **grads}


def lstm_fixture(name, layers, bidirectional, lengths, T=5, B=3, I=4, H=6, seed=0):
    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(I, H, num_layers=layers, bidirectional=bidirectional).double()
    D = 2 if bidirectional else 1
    x = leaf(randn(T, B, I))  # padded positions keep their random values on purpose
    h0, c0 = leaf(randn(layers * D, B, H)), leaf(randn(layers * D, B, H))
    lens = torch.tensor(lengths)
    packed = pack_padded_sequence(x, lens, enforce_sorted=False)
    out, (h_n, c_n) = lstm(packed, (h0, c0))
    output, _ = pad_packed_sequence(out, total_length=T)
    params = dict(lstm.named_parameters())
    leaves = {"input": x, "h0": h0, "c0": c0, **params}
    outputs = {"output": output, "h_n": h_n, "c_n": c_n}
    grads = backprop(outputs, leaves)
    save(name, {**leaves, "lengths": lens, **outputs, **grads},
         layers=layers, bidirectional=str(bidirectional).lower(), hidden_size=H, input_size=I,
         seq_len=T, batch=B, lengths=",".join(map(str, lengths)), seed=seed)


def recurrent_fixture(name, cell, layers, bidirectional, lengths, T=5, B=3, I=4, H=6, seed=0):
    """nn.GRU or nn.RNN (tanh, relu) over a packed batch: outputs, final state, every gradient."""
    torch.manual_seed(seed)
    if cell == "gru":
        net = torch.nn.GRU(I, H, num_layers=layers, bidirectional=bidirectional)
    else:
        net = torch.nn.RNN(I, H, num_layers=layers, bidirectional=bidirectional,
                           nonlinearity="relu" if cell == "rnn-relu" else "tanh")
    net = net.double()
    D = 2 if bidirectional else 1
    x = leaf(randn(T, B, I))  # padded positions keep their random values on purpose
    h0 = leaf(randn(layers * D, B, H))
    lens = torch.tensor(lengths)
    packed = pack_padded_sequence(x, lens, enforce_sorted=False)
    out, h_n = net(packed, h0)
    output, _ = pad_packed_sequence(out, total_length=T)
    params = dict(net.named_parameters())
    leaves = {"input": x, "h0": h0, **params}
    outputs = {"output": output, "h_n": h_n}
    grads = backprop(outputs, leaves)
    save(name, {**leaves, "lengths": lens, **outputs, **grads},
         cell=cell, layers=layers, bidirectional=str(bidirectional).lower(), hidden_size=H, input_size=I,
         seq_len=T, batch=B, lengths=",".join(map(str, lengths)), seed=seed)


def lstm_cell_fixture(B=3, I=4, H=6, seed=10):
    torch.manual_seed(seed)
    cell = torch.nn.LSTMCell(I, H).double()
    x, h, c = leaf(randn(B, I)), leaf(randn(B, H)), leaf(randn(B, H))
    h_next, c_next = cell(x, (h, c))
    leaves = {"x": x, "h": h, "c": c, **dict(cell.named_parameters())}
    outputs = {"h_next": h_next, "c_next": c_next}
    grads = backprop(outputs, leaves)
    save("lstm_cell", {**leaves, **outputs, **grads}, hidden_size=H, input_size=I, batch=B,
         seed=seed)


class GlobalAttention(torch.nn.Module):
    """OpenNMT-py GlobalAttention (one target step, softmax) with its parameter names."""

    def __init__(self, dim, attn_type):
        super().__init__()
        self.attn_type = attn_type
        if attn_type == "general":
            self.linear_in = torch.nn.Linear(dim, dim, bias=False)
        elif attn_type == "mlp":
            self.linear_context = torch.nn.Linear(dim, dim, bias=False)
            self.linear_query = torch.nn.Linear(dim, dim, bias=True)
            self.v = torch.nn.Linear(dim, 1, bias=False)
        self.linear_out = torch.nn.Linear(2 * dim, dim, bias=attn_type == "mlp")

    def forward(self, query, memory, lengths):
        """query [B,H], memory [B,S,H], lengths [B] -> attn_h [B,H], align [B,S]."""
        if self.attn_type == "mlp":
            wq = self.linear_query(query)[:, None, :]                   # [B,1,H]
            uh = self.linear_context(memory)                            # [B,S,H]
            score = self.v(torch.tanh(wq + uh)).squeeze(-1)             # [B,S]
        else:
            q = self.linear_in(query) if self.attn_type == "general" else query
            score = torch.bmm(memory, q[:, :, None]).squeeze(-1)        # [B,S]
        S = memory.shape[1]
        mask = torch.arange(S)[None, :] >= lengths[:, None]
        align = F.softmax(score.masked_fill(mask, float("-inf")), dim=-1)
        context = torch.bmm(align[:, None, :], memory).squeeze(1)       # [B,H]
        attn_h = self.linear_out(torch.cat([context, query], dim=-1))
        if self.attn_type in ("dot", "general"):
            attn_h = torch.tanh(attn_h)
        return attn_h, align


def attention_fixture(attn_type, B=3, S=5, H=6, lengths=(5, 2, 4), seed=20):
    torch.manual_seed(seed)
    attn = GlobalAttention(H, attn_type).double()
    query, memory = leaf(randn(B, H)), leaf(randn(B, S, H))  # memory random at padded positions
    lens = torch.tensor(lengths)
    attn_h, align = attn(query, memory, lens)
    leaves = {"query": query, "memory": memory, **dict(attn.named_parameters())}
    outputs = {"attn_h": attn_h, "align": align}
    grads = backprop(outputs, leaves)
    save(f"attention_{attn_type}", {**leaves, "lengths": lens, **outputs, **grads},
         attn_type=attn_type, hidden_size=H, batch=B, src_len=S,
         lengths=",".join(map(str, lengths)), seed=seed)


def cross_entropy_fixture(eps, N=7, V=5, ignore_index=0, seed=30):
    torch.manual_seed(seed)
    logits = leaf(randn(N, V))
    targets = torch.randint(1, V, (N,))
    targets[1] = targets[4] = ignore_index
    loss = F.cross_entropy(logits, targets, ignore_index=ignore_index, label_smoothing=eps)
    loss.backward()
    # Torch's smoothing spreads eps uniformly over ALL V classes, the ignore_index class included,
    # and averages over the non-ignored rows. Check that reading before writing it down.
    keep = targets != ignore_index
    logp = F.log_softmax(logits.detach(), dim=-1)[keep]
    nll = -logp.gather(1, targets[keep][:, None]).squeeze(1)
    manual = ((1 - eps) * nll - eps / V * logp.sum(dim=1)).mean()
    assert torch.allclose(loss, manual, atol=1e-12), (loss, manual)
    save(f"cross_entropy_ls{eps:g}", {"logits": logits, "targets": targets,
                                     "loss": loss.reshape(1), "grad.logits": logits.grad},
         label_smoothing=eps, ignore_index=ignore_index, reduction="mean", num_rows=N,
         num_classes=V, seed=seed)


def optimizer_fixture(name, make_opt, state_names, seed, steps=3, **meta):
    """Float32 throughout: an optimizer runs in the parameter's own precision."""
    torch.manual_seed(seed)
    param = torch.randn(4, 3)
    grads = [torch.randn(4, 3) for _ in range(steps)]
    p = param.clone().requires_grad_(True)
    opt = make_opt([p])
    tensors = {"param": param}
    for i, g in enumerate(grads):
        tensors[f"grad.{i}"] = g
        p.grad = g.clone()
        opt.step()
        tensors[f"param.after.{i + 1}"] = p.detach().clone()
    state = opt.state[p]
    tensors.update({k: state[k] for k in state_names})
    save(name, tensors, steps=steps, dtype="float32", seed=seed, **meta)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    for layers in (1, 2):
        for bi in (False, True):
            name = f"lstm_l{layers}_{'bi' if bi else 'uni'}"
            lstm_fixture(name, layers, bi, [5, 3, 2], seed=layers * 2 + bi)
    lstm_fixture("lstm_l1_bi_unsorted", 1, True, [2, 5, 3], seed=6)
    lstm_cell_fixture()
    for cell in ("gru", "rnn", "rnn-relu"):
        for layers in (1, 2):
            for bi in (False, True):
                recurrent_fixture(f"{cell}_l{layers}_{'bi' if bi else 'uni'}", cell, layers, bi, [5, 3, 2],
                                  seed=100 + layers * 2 + bi)
        recurrent_fixture(f"{cell}_l1_bi_unsorted", cell, 1, True, [2, 5, 3], seed=106)
    for attn_type in ("dot", "general", "mlp"):
        attention_fixture(attn_type)
    for eps in (0.0, 0.1):
        cross_entropy_fixture(eps)

    adam = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8)
    for name, wd in (("adam_steps", 0.0), ("adam_steps_wd", 0.01)):
        optimizer_fixture(
            name, lambda ps, wd=wd: torch.optim.Adam(ps, **adam, weight_decay=wd, foreach=False),
            ["exp_avg", "exp_avg_sq"], seed=40,
            optimizer="Adam", lr=adam["lr"], beta1=adam["betas"][0], beta2=adam["betas"][1],
            eps=adam["eps"], weight_decay=wd, amsgrad="false", decoupled_weight_decay="false")
    optimizer_fixture(
        "sgd_momentum_steps",
        lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0, nesterov=False,
                                   foreach=False),
        ["momentum_buffer"], seed=41,
        optimizer="SGD", lr=0.1, momentum=0.9, dampening=0.0, nesterov="false", weight_decay=0.0)


if __name__ == "__main__":
    main()
