#!/usr/bin/env bash
# One-vs-rest novelty detection on Fashion-MNIST (issue 4): for each class, fit a detector on that
# class's 6,000 training images only (no labels used in fitting), score all 10,000 test images, and
# measure ROC-AUC with the nine other classes as anomalies; prints per-class AUROC and the mean.
#
#   bench/fashion-one-class.sh                                 detectors ae,memae,pae, all classes
#   bench/fashion-one-class.sh --detectors pae --classes 0,1   some
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${DATA:-/usr/share/datasets/fashion-mnist}"
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz; do
  [ -f "$DATA/$f" ] || { echo "missing $DATA/$f: apt-get install dataset-fashion-mnist" >&2; exit 1; }
done
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%Y-%m-%dT%H:%MZ)" >&2
args=("$@")
[[ " ${args[*]} " == *" --detectors "* ]] || args+=(--detectors ae,memae,pae)
exec "$HERE/bottleneck" bench one-class --train "$DATA/train-images-idx3-ubyte.gz" \
    --test "$DATA/t10k-images-idx3-ubyte.gz" "${args[@]}"
