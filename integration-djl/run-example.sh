#!/usr/bin/env bash
# Runs the DJL example (src/test/java/dev/softsilhouette/djl/example/DjlExample.java): cross-entropy versus
# cross-entropy + soft silhouette on a block with outputs (logits, embeddings), trained by DJL's EasyTrain on the
# PyTorch engine (CPU), over several seeds; on the bundled digits, then on Fashion-MNIST when Debian's
# dataset-fashion-mnist is installed. Arguments go to the example: --dataset digits|fashion-mnist|all (all)
# --seeds N (5 digits, 3 Fashion-MNIST) --epochs E (50 digits, 4 Fashion-MNIST) --lambda L (1.0)
# --metric M (euclidean) --tau T (0.1).
set -euo pipefail
# shellcheck source=test-classpath.sh
source "$(dirname "${BASH_SOURCE[0]}")/test-classpath.sh"
# shellcheck disable=SC2086  # SILHOUETTE_JAVA_OPTS is a list of options
exec "$JAVA" "${DJL_FLAGS[@]}" ${SILHOUETTE_JAVA_OPTS:-} -cp "$CP" dev.softsilhouette.djl.example.DjlExample "$@"
