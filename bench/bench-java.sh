# Sourced by run-quick.sh and run-full.sh: finds a Java 25+ the way the build does (JAVA_HOME when it is 25 or
# newer, else the newest /usr/lib/jvm/*25* install), builds the benchmarks unless BENCH_SKIP_BUILD=1, and runs them.

java_major() {
    "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}

find_java25() {
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; then
        echo "$JAVA_HOME/bin/java"
        return 0
    fi
    local candidate
    for candidate in $(ls -d /usr/lib/jvm/*25* 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/bin/java" ] && [ "$(java_major "$candidate/bin/java")" -ge 25 ] 2>/dev/null; then
            echo "$candidate/bin/java"
            return 0
        fi
    done
    echo "No Java 25 found: set JAVA_HOME to a JDK 25 or newer (or install one under /usr/lib/jvm)." >&2
    return 1
}

run_bench() {
    local profile="$1"
    shift
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    cd "$root"
    local java
    java="$(find_java25)"
    if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
        mvn -B -q -pl bench -am package -DskipTests
    fi
    # BENCH_JAVA_OPTS: JVM options for the runner; its -Dsilhouette.* properties reach every benchmark JVM
    # (e.g. BENCH_JAVA_OPTS=-Dsilhouette.cpu.threads=1).
    export BENCH_COMMAND="${BENCH_JAVA_OPTS:+BENCH_JAVA_OPTS='$BENCH_JAVA_OPTS' }bench/run-$profile.sh${*:+ $*}"
    # shellcheck disable=SC2086
    "$java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED ${BENCH_JAVA_OPTS:-} \
        -jar bench/target/benchmarks.jar --profile "$profile" "$@"
}
