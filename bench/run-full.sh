#!/usr/bin/env bash
# Full profile: the standard workloads with longer iterations, the reference up to N^2*D = 3e10 (4096x256x100 and
# the 20000x64x10 score included), and the large 65536x128x100 workload in JVMs limited to -Xmx512m with peak
# memory recorded. Writes bench/results-full/. Expect an hour or more on 2 cores. Extra arguments go to the runner.
set -euo pipefail
source "$(dirname "$0")/bench-java.sh"
run_bench full "$@"
