#!/usr/bin/env bash
# Outlier-detection benchmark on the ADBench tabular sets in datasets/adbench (issue 4): for each
# set and seed, a stratified 60/40 split; detectors are fitted on the training part without its
# labels (standardised on it) and ROC-AUC / average precision are measured on the test part.
# Bottleneck's detectors and scikit-learn's IsolationForest and PCA (Debian python3-sklearn) run
# side by side in the same run on the same splits; the metrics are computed once, in Java.
#
#   bench/adbench.sh                                   all 29 sets, seeds 0,1,2, the default detector pae (long)
#   bench/adbench.sh --sets WDBC,wine,Hepatitis        some sets
#   bench/adbench.sh --detectors ae,memae --seeds 0,1,2 --out results.csv
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
/usr/bin/python3 -c 'import sklearn' 2>/dev/null || { echo "missing scikit-learn: apt-get install python3-sklearn" >&2; exit 1; }
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%Y-%m-%dT%H:%MZ)" >&2
exec "$HERE/bottleneck" bench adbench --dir "$HERE/datasets/adbench" --peer "$HERE/bench/peers/sklearn_detectors.py" "$@"
