#!/usr/bin/env bash
# The paper's ablation: a prototype network trained with and without R1/R2 (λ1 = λ2 = 0), same
# seed and settings otherwise, on the 2,000 Fashion-MNIST images shipped in datasets/. Writes
# OUT_DIR/with-r1r2/ and OUT_DIR/without-r1r2/ (model directories with prototypes.png) and prints
# each model's accuracy on the 1,000 shipped test images. Without R1/R2 the classifier still
# learns but nothing ties the prototypes to encoded images, so they decode to noise.
#
#   bench/prototypes-ablation.sh OUT_DIR [EPOCHS]          (default 30 epochs, about 450 steps)
#   BOTTLENECK=path/to/launcher overrides ./bottleneck.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:?usage: bench/prototypes-ablation.sh OUT_DIR [EPOCHS]}"
EPOCHS="${2:-30}"
DATA="$HERE/datasets/fashion-mnist-2k"
echo "== machine: $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)"
for run in with-r1r2 without-r1r2; do
  extra=()
  [ "$run" = without-r1r2 ] && extra=(--no-prototype-terms)
  echo "== $run"
  "${BOTTLENECK:-$HERE/bottleneck}" prototypes train --data "$DATA/train-images-idx3-ubyte.gz" \
    --test "$DATA/t10k-images-idx3-ubyte.gz" --out "$OUT/$run" --overwrite --prototypes 15 --activation relu \
    --epochs "$EPOCHS" --batch-size 125 --lr 0.003 --schedule cosine --min-lr 0.00001 --validation 0 --seed 0 \
    "${extra[@]}"
done
echo "== finished $(date -u +%Y-%m-%dT%H:%MZ)"
