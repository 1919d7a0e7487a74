#!/usr/bin/python3
"""PyTorch peer: convolutional autoencoder on Fashion-MNIST.

Trains exactly this model on the 60k training images and reports the test MSE
on the 10k t10k images:

  encoder  Conv2d(1->32, k3, s2, p1) -> ReLU                   28x28 -> 14x14
           Conv2d(32->64, k3, s2, p1) -> ReLU                  14x14 -> 7x7
           Flatten -> Linear(64*7*7 -> 32)                      code: 32
  decoder  Linear(32 -> 64*7*7) -> ReLU -> Unflatten(64,7,7)
           ConvTranspose2d(64->32, k3, s2, p1, op1) -> ReLU    7x7 -> 14x14
           ConvTranspose2d(32->1,  k3, s2, p1, op1) -> Sigmoid 14x14 -> 28x28

state_dict keys: encoder.{0,2,5}.{weight,bias}, decoder.{0,3,5}.{weight,bias}.

Protocol: MSE loss (mean over pixels and batch), Adam(lr=1e-3, default betas/eps),
batch 128, reshuffled each epoch with a seeded torch.Generator (the last,
partial batch of each epoch is kept). Per-epoch progress goes to stderr; the
last stdout line is one JSON object (see README.md).

Usage:
  /usr/bin/python3 bench/peers/conv_ae_torch.py --epochs 10 --threads 2
  /usr/bin/python3 bench/peers/conv_ae_torch.py --limit 2000 --epochs 1   # smoke
"""

import torch
from torch import nn

import common

BATCH_SIZE = 128
LR = 1e-3
CODE = 32


class ConvAE(nn.Module):
    def __init__(self, code=CODE):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 32, kernel_size=3, stride=2, padding=1),   # 0
            nn.ReLU(),                                              # 1
            nn.Conv2d(32, 64, kernel_size=3, stride=2, padding=1),  # 2
            nn.ReLU(),                                              # 3
            nn.Flatten(),                                           # 4
            nn.Linear(64 * 7 * 7, code),                            # 5
        )
        self.decoder = nn.Sequential(
            nn.Linear(code, 64 * 7 * 7),                            # 0
            nn.ReLU(),                                              # 1
            nn.Unflatten(1, (64, 7, 7)),                            # 2
            nn.ConvTranspose2d(64, 32, kernel_size=3, stride=2,
                               padding=1, output_padding=1),        # 3
            nn.ReLU(),                                              # 4
            nn.ConvTranspose2d(32, 1, kernel_size=3, stride=2,
                               padding=1, output_padding=1),        # 5
            nn.Sigmoid(),                                           # 6
        )

    def forward(self, x):
        return self.decoder(self.encoder(x))


def main():
    args = common.base_parser(__doc__.splitlines()[0]).parse_args()
    gen = common.setup(args)  # threads + seeds; gen drives the epoch shuffles

    # Data: (N, 1, 28, 28) float32 in [0, 1]. Loaded outside the timed region.
    x_train, x_test = common.load_train_test(args, (1, 28, 28))
    n = x_train.shape[0]

    model = ConvAE()  # initialised after torch.manual_seed -> deterministic weights
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.MSELoss()  # reduction='mean' over batch and pixels

    model.train()
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        with common.Timer() as t:
            perm = torch.randperm(n, generator=gen)
            loss_sum = 0.0
            for i in range(0, n, BATCH_SIZE):
                xb = x_train[perm[i:i + BATCH_SIZE]]
                loss = loss_fn(model(xb), xb)
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                loss_sum += loss.item() * xb.shape[0]  # sample-weighted epoch mean
        train_seconds += t.seconds
        common.log(f"epoch {epoch}/{args.epochs}  train_loss {loss_sum / n:.6f}  {t.seconds:.2f}s")

    mse = common.test_mse(model, x_test, batch_size=1000)
    common.log(f"test_mse {mse:.6f}")

    common.emit_result({
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "task": "conv_ae_fashion_mnist",
        "epochs": args.epochs,
        "test_mse": mse,
        "train_seconds": train_seconds,
        "seconds_per_epoch": train_seconds / args.epochs if args.epochs else None,
        "samples_per_second": n * args.epochs / train_seconds if train_seconds > 0 else None,
        "threads": args.threads,
        "seed": args.seed,
        "train_samples": n,
        "batch_size": BATCH_SIZE,
    })


if __name__ == "__main__":
    main()
