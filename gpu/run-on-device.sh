#!/usr/bin/env bash
# Runs ON the GPU machine, from the root of the copied tree, with gpu-bundle/ (gpu/prepare-bundle.sh) next to it.
# No Java or network is needed there: the bundle carries its runtime. Everything is logged under $OUT:
#   nvidia-smi.txt       the device
#   environment.txt      library path, CUDA libraries found, bundle manifest
#   backends.txt         every backend with its availability (and the probe's cause when unavailable)
#   selfcheck-<b>-<s>.txt  loss and gradient of each GPU backend against the reference, SPEC 8 bounds, once per
#                        strategy s (fused, sgemm: -Dsilhouette.cuda.strategy)
#   resident-<b>-<s>.txt  GPU-resident calls (X and the gradient in device memory, the caller's stream) of each
#                        GPU backend and strategy against its own host path; non-finite X rejected on the device
#   tck/ + tck.txt       the conformance kit for the GPU backends (JUnit console launcher, XML reports)
#   tck-sgemm/ + .txt    the kit's GPU backend groups again with -Dsilhouette.cuda.strategy=sgemm
#   sgemm.txt            cuBLAS SGEMM ceiling at the target's Gram shape (16384 x 16384 x 512)
#   target-<b>.txt       EUCLIDEAN forward+backward N=16384 D=512 K=1000 against that ceiling
#   strategy-<b>-<s>.txt every metric's forward+backward at 1024x64x16, 4096x128x64 and 16384x512x1000 on strategy
#                        s; its "strategy ..." lines (ms per call, and what the shape rule picks) go into the summary
#   bench-quick/, bench-target/ (+ .txt)  the bench's quick profile for the GPU backends, and the target case,
#                        when the bundle has benchmarks.jar
#   summary.txt          one line per step with its exit status, and the strategy timings
# Where nvidia-smi is absent the device steps are skipped (a smoke test of the bundle and this script).
# Environment: OUT (default ./gpu-out), GPU_BACKENDS (default: the GPU backend modules in the bundle), STRATEGIES
# (default "fused sgemm"),
# STEP_TIMEOUT seconds per step (default 240), TCK_SCAN (class path root to scan; default the TCK's test classes).
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-$PWD/gpu-out}
B=${BUNDLE:-gpu-bundle}
STEP_TIMEOUT=${STEP_TIMEOUT:-240}
mkdir -p "$OUT"
SUMMARY=$OUT/summary.txt
: > "$SUMMARY"
JAVA=$B/jre/bin/java
FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m
       -Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp-cache)
CP="$B/lib/*"

step() { # step NAME LOGFILE COMMAND...
  local name=$1 log=$2
  shift 2
  local start=$SECONDS
  timeout "$STEP_TIMEOUT" "$@" > "$log" 2>&1
  local rc=$?
  echo "$name rc=$rc $(( SECONDS - start ))s log=$(basename "$log")" >> "$SUMMARY"
  echo "[device] $name: rc=$rc ($(( SECONDS - start )) s)"
  tail -5 "$log" | sed 's/^/    /'
  return 0
}

if [[ ! -x $JAVA ]]; then
  echo "no $JAVA: run gpu/prepare-bundle.sh first and carry gpu-bundle" | tee -a "$SUMMARY"
  exit 2
fi

device=1
if command -v nvidia-smi > /dev/null; then
  nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv >> "$OUT/nvidia-smi.txt" 2>&1
  head -15 "$OUT/nvidia-smi.txt"
else
  device=0
  echo "nvidia-smi not found: device steps skipped (bundle smoke test only)" | tee "$OUT/nvidia-smi.txt"
fi

# CUDA 13 user-space libraries (cudart, NVRTC, cuBLAS): the toolkit, then the nvidia-* Python wheels PyTorch ships.
libdirs=()
for d in "${CUDA_HOME:-}" "${CUDA_PATH:-}" /usr/local/cuda /usr/local/cuda-13*; do
  [[ -n $d ]] && for sub in lib64 lib targets/x86_64-linux/lib; do
    [[ -d $d/$sub ]] && libdirs+=("$d/$sub")
  done
done
while IFS= read -r f; do
  libdirs+=("$(dirname "$f")")
done < <(find /usr/lib/python3* /usr/local/lib/python3* /opt/conda/lib/python3* "$HOME/.local/lib" \
           -maxdepth 6 \( -name 'libnvrtc.so.13*' -o -name 'libcublas.so.13*' -o -name 'libcudart.so.13*' \) \
           2>/dev/null | sort -u)
LD=$(printf '%s\n' "${libdirs[@]}" | awk '!seen[$0]++' | paste -sd:)
export LD_LIBRARY_PATH=${LD}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
{
  echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
  for d in "${libdirs[@]}"; do ls "$d" 2>/dev/null | grep -E '^lib(cudart|nvrtc|cublas)\.so\.13' | sed "s|^|$d/|"; done
  "$JAVA" -version 2>&1
  cat "$B/MANIFEST.txt"
} > "$OUT/environment.txt" 2>&1

# The GPU backends in the bundle.
if [[ -z ${GPU_BACKENDS:-} ]]; then
  GPU_BACKENDS=""
  ls $B/lib/soft-silhouette-backend-cuda-*.jar > /dev/null 2>&1 && GPU_BACKENDS=cuda
  ls $B/lib/soft-silhouette-backend-ffm-cublas-*.jar > /dev/null 2>&1 && GPU_BACKENDS=${GPU_BACKENDS:+$GPU_BACKENDS,}ffm-cublas
fi
echo "[device] GPU backends: ${GPU_BACKENDS:-none}"

step backends "$OUT/backends.txt" "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.softsilhouette.cuda.CudaSelfCheck list

# Both bindings run both engine strategies (fused tiles, cuBLAS SGEMM; chosen by shape unless forced): each pair is
# checked on its own.
STRATEGIES=${STRATEGIES:-fused sgemm}
if (( device )); then
  for b in ${GPU_BACKENDS//,/ }; do
    for s in $STRATEGIES; do
      step "selfcheck-$b-$s" "$OUT/selfcheck-$b-$s.txt" "$JAVA" "${FLAGS[@]}" -Dsilhouette.cuda.strategy="$s" \
          -cp "$CP" dev.softsilhouette.cuda.CudaSelfCheck compare "$b"
      step "resident-$b-$s" "$OUT/resident-$b-$s.txt" "$JAVA" "${FLAGS[@]}" -Dsilhouette.cuda.strategy="$s" \
          -cp "$CP" dev.softsilhouette.cuda.CudaSelfCheck resident "$b"
    done
  done
fi

# The TCK: the conformance kit's test classes (AllBackendsConformanceTest has one @Group per backend, the GPU
# backends' included, and fails for a backend on the class path without one); an unavailable backend's properties
# are skipped with its reason ("[conformance] SKIPPED cuda: ..."). Runs without a device too (smoke test).
# The kit's self-test (KitCatchesABrokenBackendTest) nests its own JUnit launcher, which the standalone console
# launcher does not host; it checks the kit, not the device, and runs in every Maven build.
scan=${TCK_SCAN:-}
if [[ -z $scan ]]; then
  if [[ -d $B/tck-classes ]]; then scan=$B/tck-classes; else scan=$(ls $B/lib/soft-silhouette-conformance-tests-*.jar 2>/dev/null | head -1); fi
fi
if [[ -n $scan ]]; then
  tck_cp=(--class-path "$scan" --class-path "$B/lib")
  for j in $B/lib/*.jar; do tck_cp+=(--class-path "$j"); done
  step tck "$OUT/tck.txt" "$JAVA" "${FLAGS[@]}" -jar "$B/junit-platform-console-standalone.jar" execute \
      "${tck_cp[@]}" --scan-class-path "$scan" --reports-dir "$OUT/tck" --details=summary --disable-banner \
      --exclude-classname '.*KitCatchesABrokenBackendTest' --config "jqwik.database=$OUT/tck/jqwik-database"
  # The kit's batches are small, so the shape rule runs (nearly) all on the fused tiles: the GPU backends' groups once
  # more with the SGEMM strategy forced (without a device they skip, which smoke-tests the selection).
  groups=()
  for b in ${GPU_BACKENDS//,/ }; do
    case $b in
      cuda) groups+=(--select-class 'dev.softsilhouette.conformance.AllBackendsConformanceTest$Cuda') ;;
      ffm-cublas) groups+=(--select-class 'dev.softsilhouette.conformance.AllBackendsConformanceTest$FfmCublas') ;;
    esac
  done
  if (( ${#groups[@]} )); then
    step tck-sgemm "$OUT/tck-sgemm.txt" "$JAVA" "${FLAGS[@]}" -Dsilhouette.cuda.strategy=sgemm \
        -jar "$B/junit-platform-console-standalone.jar" execute "${tck_cp[@]}" "${groups[@]}" \
        --reports-dir "$OUT/tck-sgemm" --details=summary --disable-banner \
        --config "jqwik.database=$OUT/tck-sgemm/jqwik-database"
  fi
else
  echo "tck skipped: no conformance tests in the bundle" | tee -a "$SUMMARY"
fi

if (( device )); then
  step sgemm "$OUT/sgemm.txt" "$JAVA" "${FLAGS[@]}" -cp "$CP" dev.softsilhouette.cuda.CublasSgemmCeiling \
      16384 16384 512 20
  for b in ${GPU_BACKENDS//,/ }; do
    step "target-$b" "$OUT/target-$b.txt" "$JAVA" "${FLAGS[@]}" -Xmx8g -cp "$CP" \
        dev.softsilhouette.cuda.CudaSelfCheck target "$b"
  done
  # Both strategies timed at a small, a middle and the target shape: the figures the shape rule's thresholds
  # (StrategyChoice, docs/gpu-strategies.md) are to be set from.
  for b in ${GPU_BACKENDS//,/ }; do
    for s in $STRATEGIES; do
      step "strategy-$b-$s" "$OUT/strategy-$b-$s.txt" "$JAVA" "${FLAGS[@]}" -Xmx8g -Dsilhouette.cuda.strategy="$s" \
          -cp "$CP" dev.softsilhouette.cuda.CudaSelfCheck strategies "$b"
      grep '^strategy ' "$OUT/strategy-$b-$s.txt" >> "$SUMMARY"
    done
  done
  if [[ -f $B/benchmarks.jar ]]; then
    # Contract with the bench module (BenchRunner options: --profile, --backends, --workloads NxDxK, --metrics,
    # --ops, --out): it runs with the project and JavaCPP jars of gpu-bundle/lib on its class path, and finds the
    # cuBLAS ceiling ('cublas-sgemm', a GemmCeiling adapter over dev.softsilhouette.cuda.CublasSgemmCeiling) there.
    bench_main=${BENCH_MAIN:-dev.softsilhouette.bench.runner.BenchRunner}
    step bench-quick "$OUT/bench-quick.txt" "$JAVA" "${FLAGS[@]}" -cp "$B/benchmarks.jar:$CP" "$bench_main" \
        --profile quick --backends "$GPU_BACKENDS" --out "$OUT/bench-quick"
    step bench-target "$OUT/bench-target.txt" "$JAVA" "${FLAGS[@]}" -cp "$B/benchmarks.jar:$CP" "$bench_main" \
        --profile quick --backends "$GPU_BACKENDS" --workloads 16384x512x1000 --metrics euclidean \
        --ops forwardBackward --out "$OUT/bench-target"
  else
    echo "bench skipped: no benchmarks.jar in the bundle" | tee -a "$SUMMARY"
  fi
fi
echo "[device] summary:"
cat "$SUMMARY"
