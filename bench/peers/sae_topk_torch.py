"""TopK sparse autoencoder in Debian's PyTorch, the peer of `bottleneck sae train --architecture topk`.

Same algorithm and settings as dev.bottleneck.interpret.sae.SaeTrainer, reading the same activation
store (store.json + float32 shards written by `bottleneck sae collect`):

* activations multiplied by the store's scale (sqrt(d) / mean norm);
* W_dec rows random unit vectors, W_enc = W_dec^T, b_enc = 0, b_dec = mean of the first 262144 rows;
* pre = (x - b_dec) W_enc + b_enc; z = TopK(ReLU(pre)); x_hat = z W_dec + b_dec;
* loss = FVU of the batch + 1/32 * AuxK (top aux_k dead latents reconstruct the residual, weight
  min(dead / aux_k, 1)); a latent is dead after --dead-tokens tokens without firing;
* Adam (0.9, 0.999, eps 1e-8), linear warm-up then constant lr; before each step the decoder
  gradient's component along each row is removed, after it the rows are renormalised.

Prints one JSON line (held-out FVU around the mean, L0, dead fraction, tokens/s). With --save DIR and
--like DIR (a Bottleneck SAE directory) it writes the weights in Bottleneck's SAE format so that
`bottleneck sae eval` measures the peer's spliced fidelity with the same code.

    /usr/bin/python3 bench/peers/sae_topk_torch.py --store STORE --epochs 8 --threads 2
"""

import argparse
import hashlib
import json
import os
import struct
import sys
import time

import numpy as np
import torch


def load_split(store, info, part):
    d = info["d_in"]
    arrays = [np.fromfile(os.path.join(store, s + ".f32"), dtype="<f4").reshape(-1, d) for s in info[part]["shards"]]
    return np.concatenate(arrays) if arrays else np.zeros((0, d), np.float32)


def topk(a, k):
    vals, idx = a.topk(k, dim=-1, sorted=False)
    return torch.zeros_like(a).scatter_(-1, idx, vals)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--store")
    p.add_argument("--adopt-config", action="store_true",
                   help="only write --save DIR/config.json from --like (for weights saved before --like existed)")
    p.add_argument("--expansion", type=int, default=8)
    p.add_argument("--k", type=int, default=32)
    p.add_argument("--epochs", type=int, default=8)
    p.add_argument("--batch", type=int, default=4096)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--dead-tokens", type=int, default=1_000_000)
    p.add_argument("--max-rows", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--save")
    p.add_argument("--like")
    a = p.parse_args()
    if a.adopt_config:
        write_config(a.save, a.like, open(os.path.join(a.save, "model.safetensors"), "rb").read())
        return
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    info = json.load(open(os.path.join(a.store, "store.json")))
    scale = info["scale"]
    train = torch.from_numpy(load_split(a.store, info, "train")) * scale
    if a.max_rows > 0:
        train = train[: a.max_rows]
    held = torch.from_numpy(load_split(a.store, info, "held_out")) * scale
    n, d = train.shape
    m = a.expansion * d
    aux_k = d // 2
    w_dec = torch.randn(m, d)
    w_dec /= w_dec.norm(dim=1, keepdim=True)
    W_enc = torch.nn.Parameter(w_dec.t().clone())
    b_enc = torch.nn.Parameter(torch.zeros(m))
    W_dec = torch.nn.Parameter(w_dec.clone())
    b_dec = torch.nn.Parameter(train[:262144].mean(0).clone())
    params = [W_enc, b_enc, W_dec, b_dec]
    opt = torch.optim.Adam(params, lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    since = torch.zeros(m)
    gen = torch.Generator().manual_seed(a.seed)
    step = 0
    t0 = time.perf_counter()
    for epoch in range(a.epochs):
        perm = torch.randperm(n, generator=gen)
        tot = 0.0
        nb = 0
        for s in range(0, n, a.batch):
            x = train[perm[s : s + a.batch]]
            dead = since >= a.dead_tokens
            num_dead = int(dead.sum())
            pre = (x - b_dec) @ W_enc + b_enc
            z = topk(torch.relu(pre), a.k)
            x_hat = z @ W_dec + b_dec
            e = x_hat - x
            var = (x - x.mean(0, keepdim=True)).pow(2).sum()
            loss = e.pow(2).sum() / var
            if num_dead > 0:
                ka = min(aux_k, num_dead)
                dead_pre = pre.masked_fill(~dead, -1e30)
                z_aux = torch.relu(topk(dead_pre, ka))
                e_hat = z_aux @ W_dec
                loss = loss + (1 / 32) * min(1.0, num_dead / ka) * (e_hat + e.detach()).pow(2).sum() / var
            opt.zero_grad()
            loss.backward()
            with torch.no_grad():
                g = W_dec.grad
                g -= (g * W_dec).sum(1, keepdim=True) * W_dec
                fired = (z > 0).sum(0)
                since = (since + x.shape[0]) * (fired == 0)
            lr = a.lr * min(1.0, (step + 1) / a.warmup) if a.warmup > 0 else a.lr
            for group in opt.param_groups:
                group["lr"] = lr
            opt.step()
            with torch.no_grad():
                W_dec /= W_dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
            step += 1
            tot += float(loss)
            nb += 1
        print(f"epoch {epoch + 1}/{a.epochs} loss {tot / nb:.5f} {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    secs = time.perf_counter() - t0
    with torch.no_grad():
        err = 0.0
        fires = torch.zeros(m)
        for s in range(0, held.shape[0], 4096):
            x = held[s : s + 4096]
            z = topk(torch.relu((x - b_dec) @ W_enc + b_enc), a.k)
            err += float((z @ W_dec + b_dec - x).pow(2).sum())
            fires += (z > 0).sum(0)
        var = float((held - held.mean(0, keepdim=True)).pow(2).sum())
        result = {"system": "pytorch", "torch": torch.__version__, "threads": a.threads, "tokens": n, "epochs": a.epochs,
                  "held_out_tokens": held.shape[0], "fvu": err / var, "l0": float(fires.sum()) / held.shape[0],
                  "dead_fraction": float((fires == 0).float().mean()), "train_seconds": secs,
                  "tokens_per_second": n * a.epochs / secs}
    if a.save:
        save(a, [("W_enc", W_enc), ("b_enc", b_enc), ("W_dec", W_dec), ("b_dec", b_dec)])
    print(json.dumps(result))


def save(a, tensors):
    """Bottleneck's SAE directory: the --like directory's config.json with these weights."""
    header = {}
    blobs = []
    offset = 0
    for name, t in tensors:
        b = t.detach().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    data = struct.pack("<Q", len(h)) + h + b"".join(blobs)
    os.makedirs(a.save, exist_ok=True)
    open(os.path.join(a.save, "model.safetensors"), "wb").write(data)
    if a.like and os.path.exists(os.path.join(a.like, "config.json")):
        write_config(a.save, a.like, data)


def write_config(save, like, data):
    cfg = json.load(open(os.path.join(like, "config.json")))
    cfg["weights_sha256"] = hashlib.sha256(data).hexdigest()
    cfg["provenance"]["engine"] = "PyTorch " + torch.__version__ + " (Debian, peer)"
    json.dump(cfg, open(os.path.join(save, "config.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
