# Sourced by the Fashion-MNIST benchmarks: checks the data and the PyTorch peer are installed,
# makes a scratch directory $OUT (removed on exit), and prints the machine line.
# Expects $DATA (the directory of the IDX files).
for f in train-images-idx3-ubyte.gz t10k-images-idx3-ubyte.gz; do
  [ -f "$DATA/$f" ] || { echo "missing $DATA/$f: apt-get install dataset-fashion-mnist" >&2; exit 1; }
done
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "missing Debian PyTorch: apt-get install python3-torch" >&2; exit 1; }
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
echo "== machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(getconf _NPROCESSORS_ONLN) cores, $(date -u +%Y-%m-%d)"
