#!/usr/bin/env bash
# Where a call's time goes (issue 14: a profile for a target missed): JMH LossBenchmark.forwardBackward with JFR's
# Java execution samples every millisecond (-prof jfr with bench/profile.jfc), then the samples grouped by kernel
# method and the operation it called (KernelProfile). Defaults: cpu-vector, cosine, tau 0.1, 4096x256x100; --metric,
# --workload, --tau and --backend change them, other arguments go to JMH. Writes bench/results-profile/ (the .jfr,
# jmh.log and profile.md). BENCH_SKIP_BUILD=1 reuses bench/target/benchmarks.jar.
set -euo pipefail
source "$(dirname "$0")/bench-java.sh"
backend=cpu-vector metric=cosine tau=0.1 workload=4096x256x100
jmh_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend="$2"; shift 2 ;;
        --metric) metric="$2"; shift 2 ;;
        --tau) tau="$2"; shift 2 ;;
        --workload) workload="$2"; shift 2 ;;
        *) jmh_args+=("$1"); shift ;;
    esac
done
prepare_bench
OUT="bench/results-profile"
rm -rf "$OUT"
mkdir -p "$OUT"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH_JAVA" -cp bench/target/benchmarks.jar org.openjdk.jmh.Main 'LossBenchmark.forwardBackward' \
    -p backend="$backend" -p metric="$metric" -p tau="$tau" -p workload="$workload" \
    -f 1 -wi 5 -w 1 -i 5 -r 2 -prof "jfr:configName=$PWD/bench/profile.jfc;dir=$OUT" ${jmh_args[@]+"${jmh_args[@]}"} \
    | tee "$OUT/jmh.log"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
jfr_file="$(find "$OUT" -name '*.jfr' | head -n 1)"
[ -n "$jfr_file" ] || { echo "JMH wrote no recording under $OUT" >&2; exit 1; }
{
    echo "# Profile: $backend $metric forwardBackward, $workload, tau $tau"
    echo
    echo "Recording: $jfr_file (bench/profile.jfc: Java execution samples every 1 ms on all threads, during the"
    echo "measurement iterations: JMH starts the recording with them)."
    echo
    echo '```'
    grep -E '^(Benchmark|LossBenchmark\.forwardBackward) ' "$OUT/jmh.log" || true
    echo '```'
    echo
    "$BENCH_JAVA" -cp bench/target/benchmarks.jar dev.softsilhouette.bench.profile.KernelProfile "$jfr_file"
} | tee "$OUT/profile.md"
