# Sourced by the framework examples' scripts (integration-*/run-*.sh) with the module folder as its argument: finds
# Java 25+ the way the build does, builds the module and its test class path with Maven, and sets ROOT, MODULE,
# JAVA and CP (test classes, classes, every test-scope dependency).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODULE="$ROOT/$1"
MIN_JAVA=25
# shellcheck source=find-java.sh
source "$ROOT/build-tools/find-java.sh"
JAVA="$(find_java)"
[ -n "$JAVA" ] || { echo "$0: no Java $MIN_JAVA or newer found; install one or set JAVA_HOME" >&2; exit 1; }
command -v mvn >/dev/null 2>&1 || { echo "$0: Maven (mvn) is not on PATH" >&2; exit 1; }

echo "$0: building $1 and its class path ..." >&2
log="$(mktemp "${TMPDIR:-/tmp}/test-classpath.XXXXXX")"
if ! (cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipTests -pl "$1" -am test-compile \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath) >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  echo "$0: the build failed (cd $ROOT && mvn -B -DskipTests -pl $1 -am test-compile)" >&2
  exit 1
fi
rm -f "$log"
CP="$MODULE/target/test-classes:$MODULE/target/classes:$(cat "$MODULE/target/test.classpath")"
