#!/usr/bin/env bash
# Runs the DL4J example (src/test/java/dev/softsilhouette/dl4j/example/DigitsExample.java): cross-entropy versus
# cross-entropy + soft silhouette in a two-output ComputationGraph on the bundled digits, over several seeds.
# Arguments go to the example: --seeds N (3) --epochs E (50) --lambda L (1.0) --metric M (euclidean) --tau T (0.1).
#
# Builds the module and its test class path with Maven (the first run downloads DL4J and ND4J, about 150 MB), then
# runs on Java 25+ found the way the build finds it (JAVA_HOME, ~/.m2/toolchains.xml, the usual JDK folders).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/integration-dl4j"
MIN_JAVA=25
# shellcheck source=../build-tools/find-java.sh
source "$ROOT/build-tools/find-java.sh"
JAVA="$(find_java)"
[ -n "$JAVA" ] || { echo "run-example: no Java $MIN_JAVA or newer found; install one or set JAVA_HOME" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "run-example: Maven (mvn) is not on PATH" >&2; exit 1; }

echo "run-example: building integration-dl4j and its class path ..." >&2
log="$(mktemp "${TMPDIR:-/tmp}/dl4j-example-build.XXXXXX")"
if ! (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl integration-dl4j -am test-compile \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath) >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "run-example: the build failed (cd $ROOT && mvn -B -DskipTests -pl integration-dl4j -am test-compile)" >&2
  exit 1
fi
rm -f "$log"

CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"
# shellcheck disable=SC2086  # SILHOUETTE_JAVA_OPTS is a list of options
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${SILHOUETTE_JAVA_OPTS:-} \
  -cp "$CP" dev.softsilhouette.dl4j.example.DigitsExample "$@"
