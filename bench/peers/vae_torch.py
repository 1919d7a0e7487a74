#!/usr/bin/python3
"""PyTorch peer: MLP or conv variational autoencoder on Fashion-MNIST (test ELBO and log p(x) in nats).

--arch mlp (default) is `bottleneck train --model vae --latent L` on 784-pixel images:

  encoder  Linear(784->512) -> ReLU -> Linear(512->128) -> ReLU -> Linear(128->2L)
           (first L outputs: mean, last L: log-variance, clamped to [-30, 20])
  decoder  Linear(L->128) -> ReLU -> Linear(128->512) -> ReLU -> Linear(512->784) -> Sigmoid
  state_dict keys: encoder.{0,2,4}.{weight,bias}, decoder.{0,2,4}.{weight,bias} (as Bottleneck's).

--arch conv is `bottleneck train --model conv-vae --filters 32,64 --kernel 3 --stride 2 --latent L`:

  encoder  Conv2d(1->32,k3,s2,p1) -> ReLU -> Conv2d(32->64,k3,s2,p1) -> ReLU -> Flatten -> Linear(3136->2L)
  decoder  Linear(L->3136) -> ReLU -> Unflatten(64,7,7) -> ConvTranspose2d(64->32,k3,s2,p1,op1) -> ReLU
           -> ConvTranspose2d(32->1,k3,s2,p1,op1) -> Sigmoid
  state_dict keys: encoder.{0,2,5}.*, decoder.{0,3,5}.* (as Bottleneck's and conv_ae_torch.py's).

Protocol: Bernoulli likelihood on grey pixels in [0, 1] (binary cross-entropy SUMMED over the 784
pixels, probabilities clamped to [1e-7, 1 - 1e-7] exactly as Bottleneck does), beta = 1 and the KL
in closed form, so the loss is the negative ELBO per image (mean over the batch); one
reparameterised sample per image; Adam(lr=1e-3), batch 128, a fresh seeded permutation per epoch
(the final partial batch kept). Evaluation on the 10k t10k images: ELBO with one sample and the
importance-sampled log p(x) with --k samples (Burda et al.), both mean nats per image.
The last stdout line is one JSON object.

Usage:
  /usr/bin/python3 bench/peers/vae_torch.py --epochs 10 --latent 16 --k 100 --threads 2
  /usr/bin/python3 bench/peers/vae_torch.py --arch conv --epochs 10 --latent 16 --k 100
  /usr/bin/python3 bench/peers/vae_torch.py --limit 2000 --epochs 1 --k 10   # smoke
"""

import math

import torch
from torch import nn

import common

BATCH_SIZE = 128
LR = 1e-3
LOG_VAR_MIN, LOG_VAR_MAX = -30.0, 20.0


class Vae(nn.Module):
    """Rows of 784 pixels in, rows of 784 probabilities out, whatever the architecture."""

    def __init__(self, latent, arch):
        super().__init__()
        self.latent = latent
        if arch == "mlp":
            self.encoder = nn.Sequential(
                nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 2 * latent))
            self.decoder = nn.Sequential(
                nn.Linear(latent, 128), nn.ReLU(), nn.Linear(128, 512), nn.ReLU(), nn.Linear(512, 784), nn.Sigmoid())
        else:
            self.encoder = nn.Sequential(
                nn.Conv2d(1, 32, 3, 2, 1), nn.ReLU(), nn.Conv2d(32, 64, 3, 2, 1), nn.ReLU(),
                nn.Flatten(), nn.Linear(64 * 7 * 7, 2 * latent))
            self.decoder = nn.Sequential(
                nn.Linear(latent, 64 * 7 * 7), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
                nn.ConvTranspose2d(64, 32, 3, 2, 1, output_padding=1), nn.ReLU(),
                nn.ConvTranspose2d(32, 1, 3, 2, 1, output_padding=1), nn.Sigmoid(), nn.Flatten())
        self.arch = arch

    def encode(self, x):
        h = self.encoder(x if self.arch == "mlp" else x.reshape(-1, 1, 28, 28))
        return h[:, :self.latent], h[:, self.latent:].clamp(LOG_VAR_MIN, LOG_VAR_MAX)


def bernoulli_nll(x, p):
    """-log p(x | z) per row in nats: BCE summed over pixels (Bottleneck's 'bernoulli' objective)."""
    p = p.clamp(1e-7, 1 - 1e-7)
    return -(x * p.log() + (1 - x) * (1 - p).log()).sum(1)


def kl_per_row(mu, log_var):
    return 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(1)


@torch.no_grad()
def evaluate(model, x, k, chunk=500):
    """Mean ELBO (1 sample) and importance-sampled log p(x) (k samples) per image, in nats."""
    model.eval()
    elbo_sum, ll_sum = 0.0, 0.0
    for i in range(0, x.shape[0], chunk):
        xb = x[i:i + chunk]
        mu, lv = model.encode(xb)
        sigma = (0.5 * lv).exp()
        eps = torch.randn_like(mu)
        rec = -bernoulli_nll(xb, model.decoder(mu + sigma * eps))
        elbo_sum += (rec - kl_per_row(mu, lv)).double().sum().item()
        if k > 0:
            log_w = []
            for _ in range(k):
                eps = torch.randn_like(mu)
                z = mu + sigma * eps
                ll = -bernoulli_nll(xb, model.decoder(z))
                # log N(z; 0, I) - log N(z; mu, sigma^2): the 2*pi terms cancel
                log_w.append(ll + 0.5 * (eps.pow(2) - z.pow(2)).sum(1) + 0.5 * lv.sum(1))
            lw = torch.stack(log_w, 1).double()
            ll_sum += (torch.logsumexp(lw, 1) - math.log(k)).sum().item()
    n = x.shape[0]
    return elbo_sum / n, (ll_sum / n if k > 0 else None)


def main():
    p = common.base_parser(__doc__.splitlines()[0])
    p.add_argument("--latent", type=int, default=16, help="latent size L (default %(default)s)")
    p.add_argument("--arch", choices=["mlp", "conv"], default="mlp", help="architecture (default %(default)s)")
    p.add_argument("--k", type=int, default=100, help="importance samples for log p(x) (default %(default)s; 0 skips)")
    args = p.parse_args()
    gen = common.setup(args)

    x_train, x_test = common.load_train_test(args, (784,))
    n = x_train.shape[0]

    model = Vae(args.latent, args.arch)
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    model.train()
    train_seconds = 0.0
    for epoch in range(1, args.epochs + 1):
        with common.Timer() as t:
            perm = torch.randperm(n, generator=gen)
            loss_sum = 0.0
            for i in range(0, n, BATCH_SIZE):
                xb = x_train[perm[i:i + BATCH_SIZE]]
                mu, lv = model.encode(xb)
                z = mu + (0.5 * lv).exp() * torch.randn_like(mu)
                loss = (bernoulli_nll(xb, model.decoder(z)) + kl_per_row(mu, lv)).mean()
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                loss_sum += loss.item() * xb.shape[0]
        train_seconds += t.seconds
        common.log(f"epoch {epoch}/{args.epochs}  train_loss {loss_sum / n:.4f}  {t.seconds:.2f}s")

    torch.manual_seed(args.seed)
    with common.Timer() as te:
        elbo, log_px = evaluate(model, x_test, args.k)
    common.log(f"test elbo {elbo:.3f}  log p(x) {log_px}  ({te.seconds:.1f}s)")
    common.emit_result({
        "peer": "pytorch",
        "torch_version": torch.__version__,
        "task": args.arch + "_vae_fashion_mnist",
        "latent": args.latent,
        "epochs": args.epochs,
        "test_elbo": elbo,
        "test_log_px": log_px,
        "k": args.k,
        "train_seconds": train_seconds,
        "eval_seconds": te.seconds,
        "samples_per_second": n * args.epochs / train_seconds if train_seconds > 0 else None,
        "threads": args.threads,
        "seed": args.seed,
        "train_samples": n,
        "batch_size": BATCH_SIZE,
    })


if __name__ == "__main__":
    main()
