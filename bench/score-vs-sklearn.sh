#!/usr/bin/env bash
# ./silhouette score against scikit-learn on the same file, end to end (process start to exit, what a user waits
# for), alternating them R times (default 5), and the ratio of the medians. Issue 14, item 5. The launcher's first
# run (untimed) makes its AOT cache if it has none; the timed runs use it, and a third series times the launcher with
# the cache off (SILHOUETTE_AOT=0), what a run costs without one.
#
#   bench/score-vs-sklearn.sh [--repeat R] [--metric M] [EMBEDDINGS.npy LABELS.npy]
#
# Without files it uses examples/digits.npy and examples/digits-labels.npy (1797 x 64). Needs a
# python3 with numpy and scikit-learn (Debian: apt-get install python3-sklearn); SILHOUETTE_PYTHON picks one.
# Only this script uses Python; the build and the tests never do.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
REPEAT=5
METRIC=euclidean
while [ $# -gt 0 ]; do
    case "$1" in
        --repeat) REPEAT="$2"; shift 2 ;;
        --metric) METRIC="$2"; shift 2 ;;
        *) break ;;
    esac
done
PY="${SILHOUETTE_PYTHON:-}"
if [ -z "$PY" ]; then
    for candidate in python3 /usr/bin/python3; do
        if "$candidate" -c 'import sklearn, numpy' 2>/dev/null; then PY="$candidate"; break; fi
    done
fi
[ -n "$PY" ] || { echo "no python3 with scikit-learn and numpy (apt-get install python3-sklearn)" >&2; exit 1; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/score-vs-sklearn.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
if [ $# -ge 2 ]; then
    X="$1"; Y="$2"
else
    X="$ROOT/examples/digits.npy"; Y="$ROOT/examples/digits-labels.npy" # the bundled digits, 1797 x 64
fi
cat > "$TMP/score.py" <<'PYEOF'
import sys
import numpy as np
from sklearn.metrics import silhouette_score
print("score     %.6f" % silhouette_score(np.load(sys.argv[1]), np.load(sys.argv[2]), metric=sys.argv[3]))
PYEOF

"$ROOT/silhouette" score --embeddings "$X" --labels "$Y" --metric "$METRIC" >/dev/null # builds the jar if needed

now() { date +%s.%N; }
java_times=()
plain_times=()
python_times=()
seconds() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", b - a}'; }
for ((r = 0; r < REPEAT; r++)); do
    t0=$(now); "$ROOT/silhouette" score --embeddings "$X" --labels "$Y" --metric "$METRIC" >"$TMP/java.out"; t1=$(now)
    "$PY" "$TMP/score.py" "$X" "$Y" "$METRIC" >"$TMP/python.out"; t2=$(now)
    SILHOUETTE_AOT=0 "$ROOT/silhouette" score --embeddings "$X" --labels "$Y" --metric "$METRIC" >/dev/null; t3=$(now)
    java_times+=("$(seconds "$t0" "$t1")")
    python_times+=("$(seconds "$t1" "$t2")")
    plain_times+=("$(seconds "$t2" "$t3")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ratio() { awk -v j="$1" -v p="$2" 'BEGIN {printf "%.2f", j / p}'; }
J=$(median "${java_times[@]}")
N=$(median "${plain_times[@]}")
P=$(median "${python_times[@]}")
echo "file        $X ($METRIC)"
echo "silhouette  $(head -1 "$TMP/java.out")   runs: ${java_times[*]} s"
echo "  no cache  runs: ${plain_times[*]} s (SILHOUETTE_AOT=0)"
echo "sklearn     $(head -1 "$TMP/python.out")   runs: ${python_times[*]} s   ($("$PY" -c 'import sklearn; print("scikit-learn", sklearn.__version__)'))"
echo "median wall: silhouette $J s, scikit-learn $P s; ratio silhouette / scikit-learn = $(ratio "$J" "$P")"
echo "             without the AOT cache: silhouette $N s, ratio $(ratio "$N" "$P")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (both timed alternately in the same run)"
