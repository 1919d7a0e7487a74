#!/usr/bin/env bash
# Image completion as in Sohn et al. 2015 (section 5.1), on Fashion-MNIST: x = the bottom-left
# quadrant, y = the other three. Trains a conditional VAE (recognition q(z|x,y), prior p(z|x),
# generator p(y|x,z), hybrid objective with the GSNN term, weight ALPHA) and the deterministic
# baseline ŷ = f(x) with the same MLP widths and the same Bernoulli likelihood, on the same rows and
# for the same epochs, then reports the test conditional NLL −log p(y|x) in nats per image (lower is
# better): importance-sampled with S draws from q(z|x,y) for the CVAE (and the paper's "prior
# sampling" estimate), exact for the baseline. Writes the completion picture to PNG.
#
#   bench/cvae-completion.sh [EPOCHS] [TRAIN_ROWS] [HIDDEN] [LATENT] [S] [TEST_ROWS] [PNG]
#       defaults: 4 3000 256,256 32 100 500 docs/cvae-completions.png (TRAIN_ROWS/TEST_ROWS 0 = all)
#   ALPHA=1 for a pure CVAE (default 0.5); KINDS=cvae skips the baseline (its run does not depend on ALPHA);
#   BOTTLENECK=... overrides the launcher; FASHION_MNIST_DIR=datasets/fashion-mnist-2k for a smoke run.
#   (needs: apt-get install dataset-fashion-mnist)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
EPOCHS="${1:-4}"
TRAIN_ROWS="${2:-3000}"
HIDDEN="${3:-256,256}"
LATENT="${4:-32}"
S="${5:-100}"
TEST_ROWS="${6:-500}"
PNG="${7:-$HERE/docs/cvae-completions.png}"
ALPHA="${ALPHA:-0.5}"
KINDS="${KINDS:-baseline cvae}"
BN="${BOTTLENECK:-$HERE/bottleneck}"
DATA="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz; do
  [ -f "$DATA/$f" ] || { echo "missing $DATA/$f: apt-get install dataset-fashion-mnist" >&2; exit 1; }
done
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== settings: epochs $EPOCHS, train rows $TRAIN_ROWS, hidden $HIDDEN, latent $LATENT, alpha $ALPHA, S $S, test rows $TEST_ROWS"
COMMON=(--data "$DATA/train-images-idx3-ubyte.gz" --quadrants 1 --rows "$TRAIN_ROWS" --hidden "$HIDDEN"
        --epochs "$EPOCHS" --batch-size 100 --lr 0.001 --validation 0 --seed 0)

report() {  # name, model dir, nll output, wall seconds of the nll command
  /usr/bin/python3 - "$@" <<'PY'
import json, sys
name, model, nll_file, secs = sys.argv[1:5]
p = json.load(open(model + "/config.json"))["provenance"]
v = dict(line.split() for line in open(nll_file) if line.strip())
out = {"model": name, "train_rows": p["rows"], "epochs": p["epochs"], "train_seconds": round(p["train_seconds"], 1),
       "test_rows": int(v["rows"]), "test_nll": float(v["nll"]), "samples": int(v["samples"]),
       "eval_seconds": round(float(secs), 1)}
if "nll_prior_sampling" in v:
    out["test_nll_prior_sampling"] = float(v["nll_prior_sampling"])
print(json.dumps(out))
PY
}

for kind in $KINDS; do
  echo "== train $kind" >&2
  extra=()
  [ "$kind" = cvae ] && extra=(--latent "$LATENT" --alpha "$ALPHA")
  $BN cvae train "${COMMON[@]}" --kind "$kind" "${extra[@]}" --out "$OUT/$kind" >&2
  start=$(date +%s.%N)
  prior=()
  [ "$kind" = cvae ] && prior=(--prior)
  $BN cvae nll --model "$OUT/$kind" --data "$DATA/t10k-images-idx3-ubyte.gz" --rows "$TEST_ROWS" --samples "$S" --seed 0 "${prior[@]}" > "$OUT/$kind.nll"
  end=$(date +%s.%N)
  report "$kind" "$OUT/$kind" "$OUT/$kind.nll" "$(echo "$end - $start" | bc)"
done
base=()
[ -d "$OUT/baseline" ] && base=(--baseline "$OUT/baseline")
$BN cvae complete --model "$OUT/cvae" "${base[@]}" --data "$DATA/t10k-images-idx3-ubyte.gz" --n 10 --samples 5 --seed 0 --out "$PNG" >&2
echo "== completions: $PNG"
