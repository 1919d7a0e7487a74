#!/usr/bin/env bash
# Load test of `bottleneck serve` (issue 9): fits an ae detector on WDBC (or serves the models in
# MODELS_DIR), starts the server on loopback, and drives POST /api/models/NAME/score with wrk for
# SECONDS at CONCURRENCY connections, once with one row per request and once with BATCH rows.
# Reports throughput, p50 / p99 latency, errors and the server's resident memory (RSS) before and
# after each run, plus the server's own 5xx count from /api/metrics.
#
#   bench/serve-load.sh                       60 s, 16 connections, batches of 1 and 100 rows
#   SECONDS_PER_RUN=10 bench/serve-load.sh    a quick check
#   REPEAT=3 bench/serve-load.sh              three measured runs per body size (does RSS level off?)
#   BOTTLENECK="java -jar cli/target/bottleneck.jar" bench/serve-load.sh   run a built jar instead of the launcher
set -euo pipefail
HERE="$(cd "$(dirname "$0")/.." && pwd)"
RUN_SECONDS="${SECONDS_PER_RUN:-60}"
CONCURRENCY="${CONCURRENCY:-16}"
BATCH="${BATCH:-100}"
REPEAT="${REPEAT:-1}"    # measured runs per body size: RSS that stops growing from run to run is flat memory
BOTTLENECK="${BOTTLENECK:-$HERE/bottleneck}"
command -v wrk >/dev/null || { echo "missing wrk: apt-get install wrk" >&2; exit 1; }
command -v curl >/dev/null || { echo "missing curl: apt-get install curl" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
DATA="$HERE/datasets/wdbc/wdbc.csv.gz"
if [ -z "${MODELS_DIR:-}" ]; then
  MODELS_DIR="$WORK/models"
  echo "== fitting an ae detector on $DATA"
  $BOTTLENECK detect --data "$DATA" --label label --test "$DATA" --out "$WORK/scores.csv" --seed 0 \
      --save "$MODELS_DIR/wdbc" >/dev/null 2>"$WORK/detect.log" || { cat "$WORK/detect.log" >&2; exit 1; }
fi
MODEL="${MODEL:-wdbc}"

PORT="$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# a fixed, pre-touched heap: the Java heap is resident from the start, so RSS growth during the
# runs is native memory (tensors, allocator arenas, JIT code), which is what must stay flat
JAVA_OPTS="${SERVE_JAVA_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}" \
  $BOTTLENECK serve --models "$MODELS_DIR" --port "$PORT" 2>"$WORK/server.log" &
SERVER_PID=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  curl -sf "$URL/api/health" >/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
# the launcher execs java, so the server's pid is the JVM's
rss() { echo "$(( $(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status") / 1024 )) MiB"; }

# rows of the feature columns (label dropped), as JSON
ROWS_JSON="$(zcat "$DATA" | /usr/bin/python3 -c '
import csv, json, sys
r = csv.reader(sys.stdin); head = next(r); keep = [i for i, h in enumerate(head) if h != "label"]
print(json.dumps([[float(row[i]) for i in keep] for row in r]))')"
body() { /usr/bin/python3 -c 'import json, sys; rows = json.loads(sys.argv[1]); n = int(sys.argv[2]); print(json.dumps({"rows": [rows[i % len(rows)] for i in range(n)]}))' "$ROWS_JSON" "$1"; }

echo "== server pid $SERVER_PID at $URL, RSS after start: $(rss)"
for n in 1 "$BATCH"; do
  export BODY; BODY="$(body "$n")"
  wrk -t2 -c "$CONCURRENCY" -d 10s -s "$HERE/bench/serve-load.lua" "$URL/api/models/$MODEL/score" >/dev/null  # warm-up
  for run in $(seq 1 "$REPEAT"); do
    echo "== $n row(s) per request, $CONCURRENCY connections, ${RUN_SECONDS} s, run $run; RSS before: $(rss)"
    wrk -t2 -c "$CONCURRENCY" -d "${RUN_SECONDS}s" --timeout 10s -s "$HERE/bench/serve-load.lua" \
        "$URL/api/models/$MODEL/score" | grep '=' | sed 's/^/   /'
    echo "   rows_per_request=$n"
    echo "   rss_after=$(rss)"
  done
done
echo "== server metrics: $(curl -sf "$URL/api/metrics")"
