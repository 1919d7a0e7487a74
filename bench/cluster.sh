#!/usr/bin/env bash
# Clustering benchmark (issue 5): Bottleneck's methods beside scikit-learn, in the same run.
#   Fashion-MNIST (first N training images, default 10,000): ACC / NMI of k-means on pixels, PCA-50 +
#     k-means (ours and scikit-learn's), AE + k-means (the DEC stacked AE 784-500-500-2000-10 with
#     greedy pre-training, k-means on its codes: DEC's starting point), DEC, conv AE + k-means and
#     DEPICT-style (DEPICT's starting point and result).
#   Statlog Landsat (6435 × 36, standardised): stacked AE + k-means NMI vs PCA (90 %) + k-means.
#   Playa scene (7 bands, 3 × 3 neighbourhood): agreement on the labelled pixels after Hungarian
#     matching, stacked AE + k-means vs PCA (90 %) + k-means; the map PNG is copied to docs/.
# Prints one JSON line per run, then a table. Seed 0 everywhere.
#
#   bench/cluster.sh [FASHION_ROWS] [SECTIONS]   (rows default 10000; above 60000 the test images are appended:
#                                                  70000 = all of Fashion-MNIST, as the papers use it;
#                                                  SECTIONS: some of landsat,playa,fashion,n2d,scan, default all but
#                                                  n2d and scan; fashion runs k-means, PCA, DEC and DEPICT, n2d runs
#                                                  k-means, PCA and N2D, scan k-means, PCA and SCAN on N2D's
#                                                  embedding: about 20 minutes each on all 70000 images)
#   SEED=1 bench/cluster.sh ...            our seed (scikit-learn's k-means keeps random_state=0)
#   Effort knobs (environment): PRETRAIN_EPOCHS AE_EPOCHS DEC_T DEC_STEPS CONV_EPOCHS DEPICT_T DEPICT_STEPS N2D_EPOCHS UMAP_NEIGHBOURS
#   DEPICT_LAMBDA LANDSAT_PRETRAIN LANDSAT_EPOCHS PLAYA_PRETRAIN PLAYA_EPOCHS PLAYA_K; BENCHMARKS.md gives the ones used.
#   BOTTLENECK="java -Xmx6g -Dai.djl.offline=true -jar cli/target/bottleneck.jar" bench/cluster.sh   (a worktree build)
#   (needs: apt-get install dataset-fashion-mnist python3-sklearn)
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
ROWS="${1:-10000}"
SECTIONS=",${2:-landsat,playa,fashion},"
SEED="${SEED:-0}"
read -r -a BN <<< "${BOTTLENECK:-$HERE/bottleneck}"
DATA="${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}"
# shellcheck source=bench/fashion-preflight.sh
source "$HERE/bench/fashion-preflight.sh"
PY=/usr/bin/python3
IMAGES="$DATA/train-images-idx3-ubyte.gz"
LABELS="$DATA/train-labels-idx1-ubyte.gz"
if (( ROWS > 60000 )); then
  # all 70,000 images (training set, then test set) as one IDX pair, as the clustering papers use them
  $PY - "$DATA" "$OUT" <<'PY'
import gzip, struct, sys
src, dst = sys.argv[1], sys.argv[2]
read = lambda name: gzip.open(f"{src}/{name}").read()
images = read("train-images-idx3-ubyte.gz")[16:] + read("t10k-images-idx3-ubyte.gz")[16:]
labels = read("train-labels-idx1-ubyte.gz")[8:] + read("t10k-labels-idx1-ubyte.gz")[8:]
n = len(labels)
gzip.open(f"{dst}/all-images-idx3-ubyte.gz", "wb").write(struct.pack(">IIII", 0x803, n, 28, 28) + images)
gzip.open(f"{dst}/all-labels-idx1-ubyte.gz", "wb").write(struct.pack(">II", 0x801, n) + labels)
PY
  IMAGES="$OUT/all-images-idx3-ubyte.gz"
  LABELS="$OUT/all-labels-idx1-ubyte.gz"
fi
LANDSAT="$HERE/datasets/statlog-landsat/statlog-landsat.csv.gz"
PLAYA="$HERE/datasets/remote-sensing/Playa_Image.tif"
TRUTH="$HERE/datasets/remote-sensing/Playa_Training.tif"
RESULTS="$OUT/results.jsonl"

# runs `bottleneck cluster` and prints its metrics (and, for dec/depict, the starting point's) as JSON lines
ours() {
  local name="$1" data="$2"; shift 2
  local start end
  start=$(date +%s.%N)
  "${BN[@]}" cluster --seed "$SEED" --out "$OUT/$name" "$@" >&2
  end=$(date +%s.%N)
  $PY - "$OUT/$name/metrics.json" "$name" "$data" "$start" "$end" <<'PY' | tee -a "$RESULTS"
import json, sys
m = json.load(open(sys.argv[1])); name, data = sys.argv[2], sys.argv[3]
wall = float(sys.argv[5]) - float(sys.argv[4])
if "start_accuracy" in m:
    print(json.dumps({"system": "bottleneck", "data": data, "method": name + " (start: AE + k-means)",
                      "acc": m["start_accuracy"], "nmi": m["start_nmi"], "ari": m["start_ari"]}))
print(json.dumps({"system": "bottleneck", "data": data, "method": name, "rows": m["rows"], "code_width": m["code_width"],
                  "acc": m.get("accuracy"), "nmi": m.get("nmi"), "ari": m.get("ari"), "seconds": round(m["seconds"], 1),
                  "wall_seconds": round(wall, 1), **({"deep_iterations": m["deep"]["iterations"],
                  "converged": m["deep"]["converged"]} if "deep" in m else {})}))
PY
}

if [[ "$SECTIONS" == *,landsat,* ]]; then
echo "== Statlog Landsat, k = 6"
$PY "$HERE/bench/peers/sklearn_cluster.py" landsat "$LANDSAT" 6 | tee -a "$RESULTS"
ours pca-90% statlog-landsat --data "$LANDSAT" --label class --k 6 --method pca
ours ae-6 statlog-landsat --data "$LANDSAT" --label class --k 6 --method ae --latent 6 \
  --epochs "${LANDSAT_EPOCHS:-200}" --batch-size 64
ours stacked-ae-128-64-6 statlog-landsat --data "$LANDSAT" --label class --k 6 --method stacked-ae --layers 128,64 --latent 6 \
  --pretrain-epochs "${LANDSAT_PRETRAIN:-20}" --epochs "${LANDSAT_EPOCHS:-200}" --batch-size 64
fi

if [[ "$SECTIONS" == *,playa,* ]]; then
echo "== Playa scene, 3 x 3 neighbourhood, k = ${PLAYA_K:=6}"
$PY "$HERE/bench/peers/sklearn_cluster.py" scene "$PLAYA" "$TRUTH" "$PLAYA_K" | tee -a "$RESULTS"
ours playa-pca-90% playa --data "$PLAYA" --truth "$TRUTH" --neighbourhood 3 --k "$PLAYA_K" --method pca
ours playa-stacked-ae playa --data "$PLAYA" --truth "$TRUTH" --neighbourhood 3 --k "$PLAYA_K" --method stacked-ae \
  --layers 32 --latent 8 --pretrain-epochs "${PLAYA_PRETRAIN:-1}" --epochs "${PLAYA_EPOCHS:-3}" --batch-size 1024
mkdir -p "$HERE/docs"
cp "$OUT/playa-stacked-ae/map.png" "$HERE/docs/playa-stacked-ae-map.png"
cp "$OUT/playa-pca-90%/map.png" "$HERE/docs/playa-pca-map.png"
fi

# the baselines both Fashion-MNIST sections start with: scikit-learn's and our k-means and PCA-50 + k-means
fashion_baselines() {
  echo "== Fashion-MNIST, first $ROWS images, k = 10: $1"
  $PY "$HERE/bench/peers/sklearn_cluster.py" fashion "$IMAGES" "$LABELS" "$ROWS" 10 | tee -a "$RESULTS"
  ours kmeans fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method kmeans
  ours pca-50 fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method pca --components 50
}

if [[ "$SECTIONS" == *,fashion,* ]]; then
fashion_baselines "DEC and DEPICT"
ours dec fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method dec --layers 500,500,2000 --latent 10 \
  --pretrain-epochs "${PRETRAIN_EPOCHS:-10}" --epochs "${AE_EPOCHS:-30}" --update-interval "${DEC_T:-140}" --max-iterations "${DEC_STEPS:-4000}"
ours depict fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method depict --latent 10 \
  --epochs "${CONV_EPOCHS:-10}" --update-interval "${DEPICT_T:-100}" --max-iterations "${DEPICT_STEPS:-1500}" --reconstruction-weight "${DEPICT_LAMBDA:-1}"
fi

if [[ "$SECTIONS" == *,n2d,* ]]; then
fashion_baselines "N2D"
ours n2d fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method n2d --layers 500,500,2000 --latent 10 \
  --pretrain-epochs 0 --epochs "${N2D_EPOCHS:-100}" --umap-neighbours "${UMAP_NEIGHBOURS:-10}"
mkdir -p "$HERE/docs"
cp "$OUT/n2d/scatter-labels.png" "$HERE/docs/fashion-n2d-scatter-labels.png"
fi

if [[ "$SECTIONS" == *,scan,* ]]; then
fashion_baselines "SCAN on N2D's embedding"
# the same autoencoder and UMAP as the n2d section (same seed), then SCAN instead of the mixture
ours scan fashion-mnist --data "$IMAGES" --limit "$ROWS" --k 10 --method scan --layers 500,500,2000 --latent 10 \
  --pretrain-epochs 0 --epochs "${N2D_EPOCHS:-100}" --umap-neighbours "${UMAP_NEIGHBOURS:-10}" --scan-heads "${SCAN_HEADS:-5}"
fi

echo "== table"
$PY - "$RESULTS" <<'PY'
import json, sys
print("| data | method | system | ACC | NMI | ARI | seconds |")
print("|---|---|---|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    r = json.loads(line)
    f = lambda v: "" if v is None else "%.4f" % v
    print("| %s | %s | %s | %s | %s | %s | %s |" % (r["data"], r["method"], r["system"], f(r.get("acc")),
          f(r.get("nmi")), f(r.get("ari")), r.get("wall_seconds", r.get("seconds", ""))))
PY
