#!/usr/bin/python3
"""PyTorch peer of `bottleneck bench perf` (bench/perf.sh): the same workloads, sizes and timing rules.

Workloads (keep in step with cli/.../bench/PerfWorkloads.java):
  dense  784-512-128-32 AE (dense_ae_torch.DenseAE), MSE, Adam 1e-3, batch 256, Fashion-MNIST  -> samples/s
  conv   the foundation's conv AE (conv_ae_torch.ConvAE), batch 128                            -> samples/s
  sae    TopK SAE 384 -> 3072 (k = 32) -> 384, batch 4096, Adam 1e-3, SaeTrainer's step, Gaussian input -> tokens/s
  score  dense AE 30-64-32-8 trained on datasets/wdbc, per-row MSE of 4096 rows / of one row    -> rows/s, ms
  sgemm  float32 2048 x 2048 matmul on 1 and 2 threads                                          -> GFLOP/s
Training: W warm-up steps, then --reps repetitions of S steps, each timed (loss.item() every step,
as Bottleneck's trainer reads the loss every step); the data is the first (W + reps*S)*batch
training images, reshuffled each epoch. Prints one JSON object per measurement on stdout, with the
process's peak RSS so far (resource.getrusage); progress on stderr. --quick: tiny sizes, 1 rep.

Usage: /usr/bin/python3 bench/peers/perf_torch.py --workload dense --reps 5 --threads 2
"""

import argparse
import json
import math
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
from conv_ae_torch import ConvAE  # noqa: E402
from dense_ae_torch import DenseAE  # noqa: E402

NAMES = ["dense", "conv", "sae", "score", "sgemm"]


def emit(workload, unit, values, **extra):
    values = [float(v) for v in values]
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux
    print(json.dumps({"system": "pytorch", "workload": workload, "unit": unit,
                      "median": float(np.median(values)), "min": min(values), "max": max(values),
                      "values": values, "rss_mib": rss_mib, **extra}), flush=True)


def fashion(args, rows):
    """The first `rows` training images as (rows, 784) float32 in [0, 1], as Bottleneck reads them."""
    data_dir = args.data_dir
    if not os.path.exists(os.path.join(data_dir, "train-images-idx3-ubyte.gz")):
        data_dir = os.path.join(args.datasets, "fashion-mnist-2k")
    x = common.load_images(data_dir, "train")[:rows]
    return torch.from_numpy(x.reshape(x.shape[0], -1).copy())


def sizes(args, warmup, steps):
    return (1, 2) if args.quick else (warmup, steps)


def train(args, name, model, x, batch, warmup, steps, shape):
    """Times reps of `steps` optimizer steps after `warmup` steps; returns samples/s per rep."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    gen = torch.Generator().manual_seed(args.seed)
    n = x.shape[0]
    total = warmup + args.reps * steps
    ends, counts = [], []
    start = time.perf_counter()
    while len(ends) < total:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, batch):
            if len(ends) == total:
                break
            idx = perm[i:i + batch]
            if idx.numel() < 2:  # Bottleneck's trainer drops a final batch of one row
                continue
            xb = x[idx].reshape(-1, *shape)
            loss = loss_fn(model(xb), xb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
            ends.append(time.perf_counter())
            counts.append(idx.numel())
    out = []
    for r in range(args.reps):
        first = warmup + r * steps
        t0 = start if first == 0 else ends[first - 1]
        out.append(sum(counts[first:first + steps]) / (ends[first + steps - 1] - t0))
    emit(name, "samples/s", out, batch=batch, rows=n, warmup_steps=warmup, steps_per_rep=steps,
         threads=torch.get_num_threads())


def dense(args):
    warmup, steps = sizes(args, 20, 40)
    x = fashion(args, (warmup + args.reps * steps) * 256)
    train(args, "dense", DenseAE(), x, 256, warmup, steps, (784,))


def conv(args):
    warmup, steps = sizes(args, 10, 30)
    x = fashion(args, (warmup + args.reps * steps) * 128)
    train(args, "conv", ConvAE(), x, 128, warmup, steps, (1, 28, 28))


def sae(args):
    # the step of Bottleneck's SaeTrainer (and of sae_topk_torch.py): FVU loss, decoder-gradient
    # projection, unit-norm decoder rows, dead-latent counts (none die here, so AuxK stays off)
    d, m, k, batch = (64, 256, 8, 256) if args.quick else (384, 3072, 32, 4096)
    warmup, steps = sizes(args, 2, 3)
    w = torch.randn(m, d)
    w /= w.norm(dim=1, keepdim=True)
    w_enc = nn.Parameter(w.t().clone())  # the encoder starts as the decoder's transpose
    w_dec = nn.Parameter(w.clone())
    b_enc = nn.Parameter(torch.zeros(m))
    b_dec = nn.Parameter(torch.zeros(d))
    opt = torch.optim.Adam([w_enc, b_enc, w_dec, b_dec], lr=1e-3)
    since = torch.zeros(m)
    pool = torch.randn(4 * batch, d)  # synthetic Gaussian "activations"
    total = warmup + args.reps * steps
    ends = []
    start = time.perf_counter()
    for s in range(total):
        x = pool[(s % 4) * batch:(s % 4 + 1) * batch]
        pre = (x - b_dec) @ w_enc + b_enc
        vals, idx = torch.relu(pre).topk(k, dim=1, sorted=False)
        codes = torch.zeros_like(pre).scatter(1, idx, vals)
        var = (x - x.mean(0, keepdim=True)).pow(2).sum()
        loss = (codes @ w_dec + b_dec - x).pow(2).sum() / var
        opt.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            g = w_dec.grad
            g -= (g * w_dec).sum(1, keepdim=True) * w_dec
            since = (since + x.shape[0]) * ((codes > 0).sum(0) == 0)
        opt.step()
        with torch.no_grad():
            w_dec /= w_dec.norm(dim=1, keepdim=True).clamp_min(1e-12)
        loss.item()
        ends.append(time.perf_counter())
    out = []
    for r in range(args.reps):
        first = warmup + r * steps
        t0 = start if first == 0 else ends[first - 1]
        out.append(batch * steps / (ends[first + steps - 1] - t0))
    emit("sae", "tokens/s", out, d=d, latents=m, k=k, batch=batch, threads=torch.get_num_threads(),
         input="synthetic Gaussian")


class TabularAE(nn.Module):
    """30-64-32-8, mirrored; ReLU; linear output (standardised data), as Bottleneck's DenseSpec."""

    def __init__(self, d):
        super().__init__()
        widths = [d, 64, 32, 8]
        layers = []
        for a, b in zip(widths, widths[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.pop()  # linear code
        back = widths[::-1]
        for a, b in zip(back, back[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.pop()  # linear output
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


def score(args):
    import csv
    import gzip
    with gzip.open(os.path.join(args.datasets, "wdbc", "wdbc.csv.gz"), "rt") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("label")
    x = np.array([[float(v) for i, v in enumerate(r) if i != label] for r in body], dtype=np.float32)
    mean, std = x.mean(0), x.std(0)
    std[std == 0] = 1
    model = TabularAE(x.shape[1])
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    xt = torch.from_numpy((x - mean) / std)
    gen = torch.Generator().manual_seed(args.seed)
    for _ in range(2 if args.quick else 30):
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 64):
            xb = xt[perm[i:i + 64]]
            loss = nn.functional.mse_loss(model(xb), xb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    model.eval()
    big = np.tile(x, (4096 // len(x) + 1, 1))[:4096]
    one = x[:1]

    @torch.no_grad()
    def scores(raw):  # the whole product path: scale, forward, per-row MSE, back to numpy
        z = torch.from_numpy((raw - mean) / std)
        return ((model(z) - z) ** 2).mean(1).numpy()

    # as Bottleneck's side: ~1M rows per timed repetition, a warm-up of twice that
    calls, warmup, single = (2, 2, 50) if args.quick else (250, 500, 5000)
    for _ in range(warmup):
        scores(big)
        scores(one)
    rps = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        for _ in range(calls):
            scores(big)
        rps.append(4096 * calls / (time.perf_counter() - t0))
    lat = []
    for _ in range(single):
        t0 = time.perf_counter()
        scores(one)
        lat.append((time.perf_counter() - t0) * 1e3)
    info = dict(architecture="30-64-32-8", threads=torch.get_num_threads())
    emit("score-batch", "rows/s", rps, **info)
    emit("score-row-p50", "ms", [np.percentile(lat, 50)], **info)
    emit("score-row-p99", "ms", [np.percentile(lat, 99)], **info)


def sgemm(args):
    n, calls = (256, 2) if args.quick else (2048, 5)
    before = torch.get_num_threads()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        a = torch.empty(n, n).uniform_(-1, 1)
        b = torch.empty(n, n).uniform_(-1, 1)
        for _ in range(2):
            a @ b
        out = []
        for _ in range(args.reps):
            t0 = time.perf_counter()
            for _ in range(calls):
                a @ b
            out.append(2.0 * n ** 3 * calls / (time.perf_counter() - t0) / 1e9)
        emit(f"sgemm-{threads}t", "GFLOP/s", out, n=n, threads=threads)
    torch.set_num_threads(before)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workload", default=",".join(NAMES), help="comma-separated: " + ", ".join(NAMES))
    p.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--data-dir", default=common.DEFAULT_DATA_DIR)
    p.add_argument("--datasets", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "datasets"))
    args = p.parse_args()
    if args.quick:
        args.reps = 1
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    for name in args.workload.split(","):
        if name not in NAMES:
            p.error(f"workload {name!r} is not known (expected one of {NAMES})")
        common.log(f"perf_torch: {name} ({torch.get_num_threads()} threads)")
        globals()[name](args)


if __name__ == "__main__":
    main()
