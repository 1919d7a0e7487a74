#!/usr/bin/env bash
# Spark scoring throughput (issue 10): rows/s of SparkScore on local[1] vs local[2] over a ~1.1M-row
# Parquet table (ADBench "cover", 286,048 rows × 10 features, repeated 4 times, 4 files), scored by a
# detector (score + anomaly label columns) into Spark's no-op sink, so the number is reading +
# scoring, not writing. One engine thread per task (OMP_NUM_THREADS=1), so local[N] uses N cores.
#
#   bench/spark-score.sh              # 2 runs per master
#   RUNS=3 bench/spark-score.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-2}"
WORK="${WORK:-/tmp/bottleneck-spark-bench}"
mkdir -p "$WORK"
echo "== machine: $(lscpu | grep 'Model name' | cut -d: -f2 | xargs), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)" >&2

mvn -o -q -B -Dstyle.color=never -DskipTests -pl spark -am test-compile
# the module's full classpath, Spark included; core from this checkout, never from ~/.m2
mvn -o -q -B -Dstyle.color=never -pl spark dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.excludeArtifactIds=bottleneck-core -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP="spark/target/classes:spark/target/test-classes:core/target/classes:$(cat "$WORK/cp.txt")"
OPENS=$(sed -n 's:.*<spark.java.opens>\(.*\)</spark.java.opens>.*:\1:p' spark/pom.xml)
JAVA=(java -Xmx4g $OPENS -Dai.djl.offline=true -Dlog4j2.configurationFile=spark/src/test/resources/log4j2.properties -cp "$CP")
export OMP_NUM_THREADS=1

if [ ! -d "$WORK/cover-x4.parquet" ] || [ ! -d "$WORK/detector" ]; then
  "${JAVA[@]}" dev.bottleneck.spark.BenchData datasets/adbench/cover.csv.gz label 4 4 "$WORK/cover-x4.parquet" "$WORK/detector"
fi
for master in 'local[1]' 'local[2]'; do
  for run in $(seq 1 "$RUNS"); do
    line=$("${JAVA[@]}" dev.bottleneck.spark.SparkScore --master "$master" --model "$WORK/detector" \
        --data "$WORK/cover-x4.parquet" --label label --dry-run 2>&1 | grep '^spark-score:')
    echo "$master run $run: ${line#spark-score: }"
  done
done
