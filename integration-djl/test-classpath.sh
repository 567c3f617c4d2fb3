# Sourced by run-example.sh and run-bench.sh: builds this module and its test class path (the first run downloads
# DJL and libtorch for the CPU from Maven Central, about 130 MB) and sets JAVA, CP and DJL_FLAGS. DJL runs offline:
# libtorch comes from the pytorch-native-cpu jar and is extracted under integration-djl/target/djl-cache; one PyTorch
# thread, which is faster for networks this small.
# shellcheck source=../build-tools/test-classpath.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-tools/test-classpath.sh" integration-djl
CACHE="$MODULE/target/djl-cache"
DJL_FLAGS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Dai.djl.offline=true
  -DOPT_OUT_TRACKING=true "-DDJL_CACHE_DIR=$CACHE" "-DENGINE_CACHE_DIR=$CACHE" -Dai.djl.pytorch.num_threads=1)
