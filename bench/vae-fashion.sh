#!/usr/bin/env bash
# Side-by-side benchmark for the VAE issue: an MLP or conv VAE on all of Fashion-MNIST (60,000
# train / 10,000 test), trained by Bottleneck and by Debian's PyTorch in the same run with the same
# setup — mlp: 784→512→128→(μ, log σ²) of size L, decoder L→128→512→784 with a sigmoid; conv: the
# conv autoencoder's layers (bench/conv-ae-fashion.sh) with a 2L-wide code layer; Bernoulli likelihood
# (BCE summed over pixels), β = 1, no KL warm-up, Adam 1e-3, batch 128, seed 0, 2 threads.
# Prints one JSON line per system: test ELBO and importance-sampled log p(x) (k samples), mean
# nats per image (higher is better), training wall time, samples/s, and the evaluation wall time
# (for Bottleneck the whole `bottleneck elbo` command, JVM start included).
#
#   bench/vae-fashion.sh [EPOCHS] [LATENT] [K] [mlp|conv]      (defaults 10 16 100 mlp)
#   (needs: apt-get install dataset-fashion-mnist python3-torch)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
EPOCHS="${1:-10}"
LATENT="${2:-16}"
K="${3:-100}"
ARCH="${4:-mlp}"
case "$ARCH" in
  mlp) MODEL=(--model vae --hidden 512,128) ;;
  conv) MODEL=(--model conv-vae --filters 32,64 --kernel 3 --stride 2) ;;
  *) echo "architecture must be mlp or conv, got $ARCH" >&2; exit 2 ;;
esac
DATA="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"   # FASHION_MNIST_DIR=datasets/fashion-mnist-2k for a smoke run
# shellcheck source=bench/fashion-preflight.sh
source "$HERE/bench/fashion-preflight.sh"

echo "== Bottleneck"
"$HERE/bottleneck" train --data "$DATA/train-images-idx3-ubyte.gz" "${MODEL[@]}" --latent "$LATENT" \
  --objective bernoulli --epochs "$EPOCHS" --batch-size 128 --lr 0.001 --validation 0 --seed 0 --out "$OUT/ours" >&2
start=$(date +%s.%N)
"$HERE/bottleneck" elbo --model "$OUT/ours" --data "$DATA/t10k-images-idx3-ubyte.gz" --k "$K" --seed 0 > "$OUT/elbo.txt"
end=$(date +%s.%N)
/usr/bin/python3 - "$OUT/ours/config.json" "$OUT/elbo.txt" "$EPOCHS" "$K" "$start" "$end" "$ARCH" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1])); p = cfg["provenance"]
vals = dict(line.split() for line in open(sys.argv[2]) if line.strip())
secs = p["train_seconds"]; epochs = int(sys.argv[3])
print(json.dumps({"system": "bottleneck", "engine": p["engine"], "task": sys.argv[7] + "_vae_fashion_mnist",
                  "latent": cfg["architecture"]["latent"], "epochs": epochs,
                  "test_elbo": float(vals["elbo"]), "test_log_px": float(vals["log_px"]), "k": int(sys.argv[4]),
                  "train_seconds": secs, "eval_seconds": float(sys.argv[6]) - float(sys.argv[5]),
                  "samples_per_second": p["rows"] * epochs / secs}))
PY

echo "== PyTorch peer"
/usr/bin/python3 "$HERE/bench/peers/vae_torch.py" --epochs "$EPOCHS" --latent "$LATENT" --k "$K" --arch "$ARCH" --threads 2 --seed 0 --data-dir "$DATA" | tail -1
