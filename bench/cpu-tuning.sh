#!/usr/bin/env bash
# How the launcher's CPU settings change training speed: one conv-AE epoch on 10,000 Fashion-MNIST
# images (needs dataset-fashion-mnist) and 8 epochs of a 784-512-128-32 dense AE on the shipped
# 2,000 images, untuned, with the MKL shim, and with the shim plus OpenMP spin settings.
set -euo pipefail
cd "$(dirname "$0")/.."
run() { # label, env...
  local label="$1"; shift
  local conv=$(env "$@" ./bottleneck demo --limit 10000 --epochs 1 --out "$(mktemp -d)"/demo 2>&1 | grep -o 'lr [0-9.]*  [0-9.]*s' | awk '{print $3}')
  local dense=$(env "$@" ./bottleneck train --data datasets/fashion-mnist-2k/train-images-idx3-ubyte.gz --model dense --hidden 512,128 --latent 32 --epochs 8 --batch-size 256 --validation 0 --out "$(mktemp -d)"/dense 2>&1 | grep -o 'done: .* s' )
  echo "$label conv-epoch=$conv dense: $dense"
}
run "untuned" BOTTLENECK_CPU_TUNING=0
run "shim (launcher default)" OMP_WAIT_POLICY=
run "shim+ACTIVE" OMP_WAIT_POLICY=ACTIVE
run "shim+spin3M" OMP_WAIT_POLICY= GOMP_SPINCOUNT=3000000
run "shim+spin30M" OMP_WAIT_POLICY= GOMP_SPINCOUNT=30000000
