#!/usr/bin/env bash
# Prepares, from this repository, the bundle the GPU device machine runs (it has CUDA and nvcc but no Java and no
# network): a jlink'ed Java 25 runtime plus every jar the GPU checks need, in gpu-bundle/ (git-ignored), under
# 64 MiB. Then, on the device, from the copied tree's root: gpu/run-on-device.sh (logs under $OUT).
#
# Layout:
#   gpu-bundle/jre/              jlink'ed runtime
#   gpu-bundle/lib/*.jar         project jars (api, cuda-kernels, conformance-tests, GPU backends) and their
#                                runtime and test dependencies (JavaCPP + CUDA bindings, jqwik, ...)
#   gpu-bundle/tck-classes/      the conformance tests' test classes (when the module has any)
#   gpu-bundle/junit-platform-console-standalone.jar
#   gpu-bundle/benchmarks.jar    the bench's runnable jar, when the bench module exists
#   gpu-bundle/MANIFEST.txt      what is in it, with sizes
#
# Environment: JDK25 (default /usr/lib/jvm/temurin-25-jdk-amd64), BUNDLE (default gpu-bundle).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JDK25=${JDK25:-/usr/lib/jvm/temurin-25-jdk-amd64}
BUNDLE=${BUNDLE:-gpu-bundle}
LIMIT_MIB=64
CONSOLE_VERSION=1.14.4

join() { local IFS=,; echo "$*"; }

# Modules present in this checkout (the GPU backends, the TCK's content and the bench may not exist yet).
gpu_backends=()
for m in backend-cuda backend-ffm-cublas; do
  [[ -f $m/pom.xml ]] && gpu_backends+=("$m")
done
jvm_modules=(api cuda-kernels conformance-tests "${gpu_backends[@]}")
echo "[bundle] modules: $(join "${jvm_modules[@]}")$([[ -f bench/pom.xml ]] && echo ' + bench')"
tck=1

# package + copy-dependencies in one reactor run, so siblings resolve from target/ (never `install`: ~/.m2
# snapshots would clash with other checkouts). Runtime and test dependencies of every module built, without our
# own jars (copied below) and without JUnit's (the console launcher bundles the platform and Jupiter).
copy_flags=(dependency:copy-dependencies -DincludeScope=test "-DoutputDirectory=$ROOT/$BUNDLE/lib"
            -DexcludeGroupIds=dev.softsilhouette,org.junit.jupiter,org.junit.platform,org.opentest4j,org.apiguardian)
rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/lib"
if ! mvn -B -q -DskipTests -pl "$(join "${jvm_modules[@]}")" -am package "${copy_flags[@]}" \
      > /tmp/prepare-bundle-build.log 2>&1; then
  # A checkout whose TCK does not build yet (work in progress) still gets a bundle, without the TCK.
  echo "[bundle] WARNING: the build failed (log: /tmp/prepare-bundle-build.log); retrying without conformance-tests:"
  grep -E "^\[ERROR\] /" /tmp/prepare-bundle-build.log | head -3 || true
  jvm_modules=(api cuda-kernels "${gpu_backends[@]}")
  tck=0
  rm -rf "$BUNDLE/lib"
  mkdir -p "$BUNDLE/lib"
  mvn -B -q -DskipTests -pl "$(join "${jvm_modules[@]}")" -am package "${copy_flags[@]}"
fi
for m in "${jvm_modules[@]}"; do
  jar=$(ls "$m"/target/*.jar 2>/dev/null | grep -v -e '-sources\.jar$' -e '-javadoc\.jar$' -e '-tests\.jar$' | head -1 || true)
  if [[ -z $jar ]]; then
    echo "[bundle] ERROR: no jar for $m" >&2
    exit 1
  fi
  cp "$jar" "$BUNDLE/lib/"
done
if (( tck )) && [[ -d conformance-tests/target/test-classes ]]; then
  cp -r conformance-tests/target/test-classes "$BUNDLE/tck-classes"
fi

if [[ -f bench/pom.xml ]]; then
  if mvn -B -q -DskipTests -pl bench -am package > /tmp/prepare-bundle-bench.log 2>&1 \
       && [[ -f bench/target/benchmarks.jar ]]; then
    cp bench/target/benchmarks.jar "$BUNDLE/benchmarks.jar"
    # The runner's own dependencies (JMH and friends). OpenBLAS (about 20 MB) stays behind: on the device the
    # ceiling is cuBLAS SGEMM, and the OpenBLAS ceiling then reports itself unavailable.
    for j in bench/target/lib/*.jar; do
      case $(basename "$j") in openblas*) continue ;; esac
      [[ -f $BUNDLE/lib/$(basename "$j") ]] || cp "$j" "$BUNDLE/lib/"
    done
  else
    echo "[bundle] WARNING: no bench/target/benchmarks.jar (log: /tmp/prepare-bundle-bench.log): no bench on the device"
  fi
fi

console="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$CONSOLE_VERSION/junit-platform-console-standalone-$CONSOLE_VERSION.jar"
if [[ ! -f $console ]]; then
  mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:$CONSOLE_VERSION \
      -Dtransitive=false
fi
cp "$console" "$BUNDLE/junit-platform-console-standalone.jar"

# The runtime: the JDK modules the jars use, directly or reflectively (Vector API; logging; management for JMH;
# XML for JUnit's reports; Unsafe for JavaCPP). The jars run on the class path, so jlink needs only JDK modules.
mods=java.base,java.logging,java.management,jdk.management,java.xml,java.naming,jdk.incubator.vector,jdk.unsupported
"$JDK25/bin/jlink" --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress zip-9 \
    --output "$BUNDLE/jre" 2>&1 | grep -v "incubator modules" || true
# jlink's --strip-debug leaves libjvm.so's symbol table (about 5 MB); the loader does not need it.
if command -v strip > /dev/null; then
  find "$BUNDLE/jre" -name '*.so' -exec strip --strip-unneeded {} \;
fi
"$BUNDLE/jre/bin/java" --add-modules jdk.incubator.vector -version > /dev/null 2>&1 \
  || { echo "[bundle] ERROR: the jlink'ed runtime does not start" >&2; exit 1; }

total=$(du -sb "$BUNDLE" | cut -f1)
{
  echo "bundle built $(date -u +%FT%TZ) from $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "modules: $(join "${jvm_modules[@]}")"
  (( tck )) || echo "WARNING: no TCK in this bundle (conformance-tests did not build)"
  echo "jlink: $mods"
  (cd "$BUNDLE" && find . -type f -name '*.jar' -printf '%10s %p\n' | sort -k2)
  echo "jre: $(du -sb "$BUNDLE/jre" | cut -f1) bytes"
  echo "total: $total bytes"
} > "$BUNDLE/MANIFEST.txt"

mib=$(( (total + 1048575) / 1048576 ))
echo "[bundle] $BUNDLE: $total bytes (~$mib MiB): jre $(du -sb "$BUNDLE/jre" | cut -f1), lib $(du -sb "$BUNDLE/lib" | cut -f1)"
if (( total > LIMIT_MIB * 1048576 )); then
  echo "[bundle] ERROR: over the $LIMIT_MIB MiB the device copy allows" >&2
  exit 1
fi
