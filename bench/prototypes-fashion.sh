#!/usr/bin/env bash
# Prototype network (Li, Liu, Chen & Rudin 2018) on all of Fashion-MNIST: 15 prototypes, the
# paper's conv autoencoder (32-32-32-10 maps, 40-d sigmoid code) with ReLU hidden layers, λ = 20/1/1/1,
# Adam batch 125 (paper: 250) with a short cosine schedule, 5% of the training images held out for validation.
# Prints the test accuracy; the model directory (prototypes.png, weights.png, history.jsonl) is kept.
#
#   bench/prototypes-fashion.sh OUT_DIR [EPOCHS] [extra `prototypes train` options...]
#     e.g. bench/prototypes-fashion.sh /tmp/proto 6
#   (the R1/R2 ablation: bench/prototypes-ablation.sh)
#   BOTTLENECK=path/to/launcher overrides ./bottleneck. Ctrl-C keeps a checkpoint; rerun with --resume.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:?usage: bench/prototypes-fashion.sh OUT_DIR [EPOCHS] [options...]}"
EPOCHS="${2:-6}"
shift $(( $# >= 2 ? 2 : 1 ))
DATA=/usr/share/datasets/fashion-mnist
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz; do
  [ -f "$DATA/$f" ] || { echo "missing $DATA/$f: apt-get install dataset-fashion-mnist" >&2; exit 1; }
done
echo "== machine: $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
"${BOTTLENECK:-$HERE/bottleneck}" prototypes train --data "$DATA/train-images-idx3-ubyte.gz" \
  --test "$DATA/t10k-images-idx3-ubyte.gz" --out "$OUT" --prototypes 15 --activation relu \
  --epochs "$EPOCHS" --batch-size 125 --lr 0.003 --warmup-steps 100 --schedule cosine --min-lr 0.00001 \
  --validation 0.05 --seed 0 "$@"
echo "== finished $(date -u +%Y-%m-%dT%H:%MZ)"
