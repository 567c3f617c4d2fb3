#!/usr/bin/env bash
# Runs the DL4J example (src/test/java/dev/softsilhouette/dl4j/example/DigitsExample.java): cross-entropy versus
# cross-entropy + soft silhouette in a two-output ComputationGraph on the bundled digits, over several seeds.
# Arguments go to the example: --seeds N (3) --epochs E (50) --lambda L (1.0) --metric M (euclidean) --tau T (0.1).
#
# Builds the module and its test class path with Maven (the first run downloads DL4J and ND4J, about 150 MB), then
# runs on Java 25+ found the way the build finds it (JAVA_HOME, ~/.m2/toolchains.xml, the usual JDK folders).
set -euo pipefail

# shellcheck source=../build-tools/test-classpath.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-tools/test-classpath.sh" integration-dl4j
# shellcheck disable=SC2086  # SILHOUETTE_JAVA_OPTS is a list of options
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${SILHOUETTE_JAVA_OPTS:-} \
  -cp "$CP" dev.softsilhouette.dl4j.example.DigitsExample "$@"
