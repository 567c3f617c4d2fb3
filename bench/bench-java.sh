# Sourced by run-quick.sh, run-full.sh and run-soak.sh: finds a Java 25+ the way the build does
# (build-tools/find-java.sh), builds the benchmarks unless BENCH_SKIP_BUILD=1, and runs them.

# shellcheck source=../build-tools/find-java.sh
source "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/build-tools/find-java.sh"

# Finds Java 25+ (into BENCH_JAVA), moves to the repository root and builds the benchmarks jar unless
# BENCH_SKIP_BUILD=1. Used by run_bench and run-soak.sh.
prepare_bench() {
    cd "$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    BENCH_JAVA="$(find_java)"
    if [ -z "$BENCH_JAVA" ]; then
        echo "No Java 25 found: set JAVA_HOME to a JDK 25 or newer (or install one under /usr/lib/jvm)." >&2
        return 1
    fi
    if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        mvn -B -q -pl bench -am package -DskipTests
    fi
}

run_bench() {
    local profile="$1"
    shift
    prepare_bench || return 1
    # BENCH_JAVA_OPTS: JVM options for the runner; its -Dsilhouette.* properties reach every benchmark JVM
    # (e.g. BENCH_JAVA_OPTS=-Dsilhouette.cpu.threads=1).
    export BENCH_COMMAND="${BENCH_JAVA_OPTS:+BENCH_JAVA_OPTS='$BENCH_JAVA_OPTS' }bench/run-$profile.sh${*:+ $*}"
    # shellcheck disable=SC2086
    "$BENCH_JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} \
        -jar bench/target/benchmarks.jar --profile "$profile" "$@"
}
