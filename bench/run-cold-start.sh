#!/usr/bin/env bash
# Cold start (issue 14, item 5): JMH single-shot times in fresh forks of the first forwardBackward after build()
# and of the first 200 calls, N=256 D=128 K=10 euclidean, with the default code (plain loops for the first call) and
# with the Vector API from the first call; then 200 x the steady-state time of the same call for the ratio.
# Extra arguments go to JMH (e.g. -f 3 for fewer forks, -p workload=1024x512x100).
# Writes bench/results-cold-start/{cold.json,steady.json}. BENCH_SKIP_BUILD=1 reuses bench/target/benchmarks.jar.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../build-tools/find-java.sh
source "$ROOT/build-tools/find-java.sh"
JAVA="$(find_java)"
[ -n "$JAVA" ] || { echo "No Java 25 found: set JAVA_HOME to a JDK 25 or newer" >&2; exit 1; }
cd "$ROOT"
if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
    mvn -B -q -pl bench -am package -DskipTests
fi
OUT="$ROOT/bench/results-cold-start"
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$JAVA" -cp bench/target/benchmarks.jar org.openjdk.jmh.Main ColdStartBenchmark -rf json -rff "$OUT/cold.json" "$@"
"$JAVA" -cp bench/target/benchmarks.jar org.openjdk.jmh.Main 'LossBenchmark.forwardBackward' -p backend=cpu-vector \
    -p workload=256x128x10 -p metric=euclidean -f 1 -wi 5 -w 1 -i 3 -r 1 -rf json -rff "$OUT/steady.json"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
