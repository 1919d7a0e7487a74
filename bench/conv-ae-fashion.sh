#!/usr/bin/env bash
# Side-by-side benchmark for the foundation issue: the conv autoencoder on all of Fashion-MNIST
# (60,000 train / 10,000 test), trained by Bottleneck and by Debian's PyTorch in the same run with
# the same setup — conv 1→32 (3×3, s2) → conv 32→64 (3×3, s2) → linear 32, mirrored with
# transposed convs and a sigmoid; Adam 1e-3, batch 128, MSE, 10 epochs, seed 0, 2 threads.
# Prints one line per system: test MSE (pixels in [0,1]), training wall time, samples/s.
#
#   bench/conv-ae-fashion.sh [EPOCHS]          (needs: apt-get install dataset-fashion-mnist python3-torch)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
EPOCHS="${1:-10}"
DATA=/usr/share/datasets/fashion-mnist
# shellcheck source=bench/fashion-preflight.sh
source "$HERE/bench/fashion-preflight.sh"

echo "== Bottleneck"
"$HERE/bottleneck" train --data "$DATA/train-images-idx3-ubyte.gz" --model conv --filters 32,64 --kernel 3 --stride 2 \
  --latent 32 --epochs "$EPOCHS" --batch-size 128 --lr 0.001 --validation 0 --seed 0 --out "$OUT/ours" >&2
"$HERE/bottleneck" score --model "$OUT/ours" --data "$DATA/t10k-images-idx3-ubyte.gz" --out "$OUT/scores.csv"
/usr/bin/python3 - "$OUT/ours/config.json" "$OUT/scores.csv" "$EPOCHS" <<'PY'
import csv, json, sys
cfg = json.load(open(sys.argv[1])); p = cfg["provenance"]
scores = [float(r["score"]) for r in csv.DictReader(open(sys.argv[2]))]
secs = p["train_seconds"]; epochs = int(sys.argv[3])
print(json.dumps({"system": "bottleneck", "engine": p["engine"], "epochs": epochs, "test_mse": sum(scores) / len(scores),
                  "train_seconds": secs, "seconds_per_epoch": secs / epochs, "samples_per_second": p["rows"] * epochs / secs}))
PY

echo "== PyTorch peer"
/usr/bin/python3 "$HERE/bench/peers/conv_ae_torch.py" --epochs "$EPOCHS" --threads 2 --seed 0 | tail -1
