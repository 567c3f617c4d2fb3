#!/usr/bin/env bash
# Soak: 1,000,000 forwardBackward calls (mixed metrics and temperatures, N 2..300, labels with singletons) from 4
# threads sharing the same loss objects; heap after GC, RSS and NMT at every tenth, flat within 5 % after warm-up;
# a sample of calls recomputed serially must be bit-identical. Exit status 0 = pass.
#   bench/run-soak.sh [--calls N] [--backend NAME] [--threads T] [--samples S] [--seed L]
#   bench/run-soak.sh --backend cuda         # the same run on a GPU backend, where a GPU is present
# BENCH_SKIP_BUILD=1 reuses bench/target/benchmarks.jar; SOAK_HEAP (default 512m) is the fixed heap size.
set -euo pipefail
source "$(dirname "$0")/bench-java.sh"
prepare_bench
heap="${SOAK_HEAP:-512m}"
# A fixed, pre-touched heap: the resident set then measures the rest of the process, not the heap growing.
exec "$BENCH_JAVA" -XX:NativeMemoryTracking=summary -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch \
    --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
    -cp bench/target/benchmarks.jar dev.softsilhouette.bench.soak.SoakRunner "$@"
