#!/usr/bin/env bash
# Runs the JMH benchmark of the wrapper's overhead over the raw API call
# (src/test/java/dev/softsilhouette/djl/bench/WrapperOverheadBenchmark.java). Arguments go to JMH, e.g.
# -p shape=256x128 -wi 2 -i 3 -r 1s.
set -euo pipefail
# shellcheck source=test-classpath.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-classpath.sh"
# JMH forks with this JVM's flags, so the fork runs offline too.
# shellcheck disable=SC2086  # SILHOUETTE_JAVA_OPTS is a list of options
exec "$JAVA" "${DJL_FLAGS[@]}" ${SILHOUETTE_JAVA_OPTS:-} -cp "$CP" org.openjdk.jmh.Main WrapperOverheadBenchmark "$@"
