#!/usr/bin/env bash
# Performance side by side: the same workloads in Bottleneck (`bottleneck bench perf`, through the
# launcher and its CPU settings) and in Debian's PyTorch (bench/peers/perf_torch.py), in one run,
# then one table of medians, min–max spreads, speed ratios and peak RSS.
#
#   bench/perf.sh [--quick] [--threads N] [--reps N] [--only dense,conv,sae,score,sgemm]
#
# Full run: each workload in its own process per side (so peak RSS is that workload's), 5 timed
# repetitions after warm-up, a few minutes on a 2-core machine; run it on a quiet machine.
# --quick: tiny sizes, one repetition, all workloads in one process per side (a smoke test).
# The PyTorch side is skipped, with a note, when /usr/bin/python3 has no torch
# (apt-get install python3-torch). BOTTLENECK_CMD overrides how Bottleneck is started (tests),
# PERF_PYTHON the peer's interpreter, BOTTLENECK_CPU_TUNING=0 runs the launcher untuned.
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
QUICK=0; THREADS="$(nproc)"; REPS=5; ONLY="dense,conv,sae,score,sgemm"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --threads) THREADS="$2"; shift ;;
    --reps) REPS="$2"; shift ;;
    --only) ONLY="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench/perf.sh: unknown option $1 (expected --quick, --threads N, --reps N, --only LIST)" >&2; exit 2 ;;
  esac
  shift
done
read -r -a BOTTLENECK <<< "${BOTTLENECK_CMD:-$HERE/bottleneck}"
PY="${PERF_PYTHON:-/usr/bin/python3}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
RESULTS="$WORK/results.jsonl"; LOG="$WORK/log"
FASHION=/usr/share/datasets/fashion-mnist
if [ "$QUICK" = 1 ] || [ ! -f "$FASHION/train-images-idx3-ubyte.gz" ]; then
  FASHION="$HERE/datasets/fashion-mnist-2k"   # the 2,000 shipped images (the full set: apt-get install dataset-fashion-mnist)
fi
COMMON=(--threads "$THREADS" --seed 0)
[ "$QUICK" = 1 ] && COMMON+=(--quick) || COMMON+=(--reps "$REPS")

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores;" \
     "load average $(cut -d' ' -f1-3 /proc/loadavg); threads $THREADS; data $FASHION;" \
     "launcher CPU tuning ${BOTTLENECK_CPU_TUNING:-1}$([ "$QUICK" = 1 ] && echo '; QUICK (smoke sizes: numbers mean nothing)')"

if "$PY" -c 'import torch' >/dev/null 2>&1; then PEER=1; else
  PEER=0
  echo "{\"system\":\"pytorch\",\"skipped\":\"$PY has no torch (apt-get install python3-torch)\"}" >> "$RESULTS"
fi

side() { # label, command...: appends the command's JSON lines; its stderr goes to the log
  local label="$1"; shift
  echo "-- $label" >&2
  if ! "$@" >> "$RESULTS" 2>> "$LOG"; then
    echo "bench/perf.sh: $label failed; its log:" >&2; tail -40 "$LOG" >&2; exit 1
  fi
}
BATCHES="$ONLY"; [ "$QUICK" = 1 ] || BATCHES="${ONLY//,/ }"
for w in $BATCHES; do   # quick: one process per side for everything; full: one per workload
  side "Bottleneck $w" "${BOTTLENECK[@]}" bench perf --workload "$w" --fashion-dir "$FASHION" --datasets "$HERE/datasets" "${COMMON[@]}"
  [ "$PEER" = 1 ] && side "PyTorch $w" "$PY" "$HERE/bench/peers/perf_torch.py" --workload "$w" --data-dir "$FASHION" \
      --datasets "$HERE/datasets" "${COMMON[@]}"
done
"${BOTTLENECK[@]}" bench perf --report "$RESULTS" 2>> "$LOG"
