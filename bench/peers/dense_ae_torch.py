#!/usr/bin/python3
"""PyTorch peer: dense (MLP) autoencoder on Fashion-MNIST.

Model (images flattened to 784):

  encoder  Linear(784->512) -> ReLU -> Linear(512->128) -> ReLU -> Linear(128->32)   (linear code)
  decoder  Linear(32->128)  -> ReLU -> Linear(128->512) -> ReLU -> Linear(512->784) -> Sigmoid

state_dict keys: encoder.{0,2,4}.{weight,bias}, decoder.{0,2,4}.{weight,bias}.

Protocol: MSE loss (mean over pixels and batch), Adam(lr=1e-3, default betas/eps),
batch 256, reshuffled each epoch with a seeded torch.Generator (the last,
partial batch of each epoch is kept).

Two modes:
  * epochs (default): train --epochs epochs; samples_per_second = samples / train time.
  * --steps N: run exactly N optimizer steps, cycling through the data (a fresh
    shuffle each time it is exhausted); the first 20 steps are warm-up and
    samples_per_second is measured over the remaining N-20 steps only.
In both modes the test MSE is reported at the end.

Usage:
  /usr/bin/python3 bench/peers/dense_ae_torch.py --epochs 10 --threads 2
  /usr/bin/python3 bench/peers/dense_ae_torch.py --steps 300               # throughput
  /usr/bin/python3 bench/peers/dense_ae_torch.py --limit 2000 --epochs 1   # smoke
"""

import torch
from torch import nn

import common

BATCH_SIZE = 256
LR = 1e-3
WARMUP_STEPS = 20


class DenseAE(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(),
            nn.Linear(512, 128), nn.ReLU(),
            nn.Linear(128, 32),                  # linear code
        )
        self.decoder = nn.Sequential(
            nn.Linear(32, 128), nn.ReLU(),
            nn.Linear(128, 512), nn.ReLU(),
            nn.Linear(512, 784), nn.Sigmoid(),
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


def batches(x, gen):
    """Endless stream of shuffled mini-batches; reshuffles at every pass (epoch)."""
    n = x.shape[0]
    while True:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, BATCH_SIZE):
            yield x[perm[i:i + BATCH_SIZE]]


def main():
    p = common.base_parser(__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=None,
                   help=f"run exactly N training steps instead of epochs; throughput "
                        f"is measured after {WARMUP_STEPS} warm-up steps (needs N > {WARMUP_STEPS})")
    args = p.parse_args()
    if args.steps is not None and args.steps <= WARMUP_STEPS:
        p.error(f"--steps must be > {WARMUP_STEPS}")
    gen = common.setup(args)

    # Data: (N, 784) float32 in [0, 1]. Loaded outside the timed region.
    x_train, x_test = common.load_train_test(args, (784,))
    n = x_train.shape[0]

    model = DenseAE()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()

    def step(xb):
        loss = loss_fn(model(xb), xb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return loss

    model.train()
    result = {
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "task": "dense_ae_fashion_mnist",
    }

    if args.steps is None:
        # ---- epoch mode --------------------------------------------------- #
        train_seconds = 0.0
        stream = batches(x_train, gen)
        steps_per_epoch = (n + BATCH_SIZE - 1) // BATCH_SIZE
        for epoch in range(1, args.epochs + 1):
            with common.Timer() as t:
                loss_sum = 0.0
                for _ in range(steps_per_epoch):
                    xb = next(stream)
                    loss_sum += step(xb).item() * xb.shape[0]
            train_seconds += t.seconds
            common.log(f"epoch {epoch}/{args.epochs}  train_loss {loss_sum / n:.6f}  {t.seconds:.2f}s")
        result.update({
            "epochs": args.epochs,
            "train_seconds": train_seconds,
            "seconds_per_epoch": train_seconds / args.epochs if args.epochs else None,
            "samples_per_second": n * args.epochs / train_seconds if train_seconds > 0 else None,
        })
    else:
        # ---- fixed-step throughput mode ----------------------------------- #
        # loss.item() is called on every step (as in epoch mode) so each step
        # is fully synchronous and timings are comparable.
        stream = batches(x_train, gen)
        samples_timed = 0
        with common.Timer() as total:
            for s in range(args.steps):
                if s == WARMUP_STEPS:
                    t_measure = total.elapsed()
                xb = next(stream)
                last_loss = step(xb).item()
                if s >= WARMUP_STEPS:
                    samples_timed += xb.shape[0]
        measured = total.seconds - t_measure
        common.log(f"{args.steps} steps ({WARMUP_STEPS} warm-up) in {total.seconds:.2f}s  "
                   f"last train_loss {last_loss:.6f}  {samples_timed / measured:.0f} samples/s")
        result.update({
            "epochs": args.steps * BATCH_SIZE / n,  # fractional epochs covered
            "steps": args.steps,
            "warmup_steps": WARMUP_STEPS,
            "train_seconds": total.seconds,
            "seconds_per_epoch": measured / samples_timed * n,  # extrapolated from the timed steps
            "samples_per_second": samples_timed / measured,
        })

    mse = common.test_mse(model, x_test, batch_size=1000)
    common.log(f"test_mse {mse:.6f}")
    result.update({
        "test_mse": mse,
        "threads": args.threads,
        "seed": args.seed,
        "train_samples": n,
        "batch_size": BATCH_SIZE,
    })
    # Put keys in the documented order, extras after.
    order = ["peer", "torch_version", "task", "epochs", "test_mse", "train_seconds",
             "seconds_per_epoch", "samples_per_second", "threads", "seed"]
    common.emit_result({k: result[k] for k in order} | {k: v for k, v in result.items() if k not in order})


if __name__ == "__main__":
    main()
