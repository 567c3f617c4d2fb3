#!/usr/bin/env bash
# Runs the Spark example (src/test/java/dev/softsilhouette/spark/example/SparkSilhouetteExample.java): the three
# silhouettes of SilhouetteEvaluator in Spark local mode with their times, next to ClusteringEvaluator and the
# single-machine cpu-vector score. Arguments go to the example (--help lists them); by default 20,000 generated rows
# of 32 dimensions in 10 clusters on local[*].
#
# Builds the module and its test class path with Maven (Spark comes from Maven Central, about 300 MB, the first
# time), then runs on Java 25+ found the way the build finds it, with the JVM options Spark's launcher adds
# (spark-jvm.options).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/integration-spark"
MIN_JAVA=25
# shellcheck source=../build-tools/find-java.sh
source "$ROOT/build-tools/find-java.sh"
JAVA="$(find_java)"
[ -n "$JAVA" ] || { echo "run-example: no Java $MIN_JAVA or newer found; install one or set JAVA_HOME" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "run-example: Maven (mvn) is not on PATH" >&2; exit 1; }

echo "run-example: building integration-spark and its class path ..." >&2
log="$(mktemp "${TMPDIR:-/tmp}/spark-example-build.XXXXXX")"
if ! (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl integration-spark -am test-compile \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath) >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "run-example: the build failed (cd $ROOT && mvn -B -DskipTests -pl integration-spark -am test-compile)" >&2
  exit 1
fi
rm -f "$log"

CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"
# shellcheck disable=SC2086  # SILHOUETTE_JAVA_OPTS is a list of options
exec "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED "@$MODULE/spark-jvm.options" \
  ${SILHOUETTE_JAVA_OPTS:-} -cp "$CP" dev.softsilhouette.spark.example.SparkSilhouetteExample "$@"
