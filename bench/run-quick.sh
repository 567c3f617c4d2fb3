#!/usr/bin/env bash
# Quick profile (under 10 minutes on 2 cores): every available backend on the standard workloads, short iterations,
# the reference where it is fast, the OpenBLAS sgemm ceiling. Writes bench/results-quick/ (report.md, table.md,
# chart.png, jmh-result.json, logs/). Extra arguments go to the runner (for example --backends cpu-vector);
# BENCH_SKIP_BUILD=1 reuses bench/target/benchmarks.jar.
set -euo pipefail
source "$(dirname "$0")/bench-java.sh"
run_bench quick "$@"
