#!/usr/bin/python3
"""Writes the scikit-learn fixtures the conformance tests compare the reference backend with.

Run with Debian's python3 and python3-sklearn (scikit-learn 1.2.1, numpy 1.24):

    /usr/bin/python3 conformance-tests/src/test/python/make_sklearn_fixtures.py

Only for regenerating the committed fixtures; the build never runs Python.

Every fixture is a text file: '# ' comment lines, then 'n d', 'metric NAME', 'labels' and N labels,
'x' and N rows of D float32 values (omitted for digits, which is read from digits.csv.gz),
'score S' (absent when the score is undefined) and 'samples' and N values of silhouette_samples.
sklearn sees the float32 values widened to float64, as the reference backend does.
"""
import gzip
import os

import numpy as np
import sklearn
from sklearn.metrics import silhouette_samples, silhouette_score

HERE = os.path.dirname(os.path.abspath(__file__))
RESOURCES = os.path.join(HERE, "..", "resources")
OUT = os.path.join(RESOURCES, "sklearn")
METRICS = ["euclidean", "sqeuclidean", "cosine"]


def write(name, x32, labels, metric, include_x):
    x = x32.astype(np.float64)
    n, d = x.shape
    k = len(set(labels.tolist()))
    samples = silhouette_samples(x, labels, metric=metric)
    lines = ["# scikit-learn %s, numpy %s: silhouette_score / silhouette_samples(X, labels, metric=%r)"
             % (sklearn.__version__, np.__version__, metric),
             "%d %d" % (n, d), "metric " + metric, "labels"]
    lines += [str(int(v)) for v in labels]
    if include_x:
        lines.append("x")
        lines += [" ".join(repr(float(v)) for v in row) for row in x32]
    if 2 <= k <= n - 1:
        lines.append("score " + repr(float(silhouette_score(x, labels, metric=metric))))
    lines.append("samples")
    lines += [repr(float(v)) for v in samples]
    with open(os.path.join(OUT, "%s-%s.txt" % (name, metric)), "w") as f:
        f.write("\n".join(lines) + "\n")


def digits():
    with gzip.open(os.path.join(RESOURCES, "digits.csv.gz"), "rt") as f:
        rows = np.loadtxt(f, delimiter=",")
    return rows[:, :-1].astype(np.float32), rows[:, -1].astype(np.int64)


def synthetic(rng, n, d, labels, spread):
    """Rows around one random centre per class, float32."""
    classes = sorted(set(labels))
    centres = {c: rng.uniform(-1.0, 1.0, size=d) for c in classes}
    x = np.array([centres[c] + spread * rng.normal(size=d) for c in labels])
    return x.astype(np.float32), np.array(labels, dtype=np.int64)


def main():
    os.makedirs(OUT, exist_ok=True)
    x, y = digits()
    for metric in METRICS:
        write("digits", x, y, metric, include_x=False)

    rng = np.random.default_rng(20260415)
    # Four classes with sparse and huge labels, two singletons, rows in no particular order.
    labels = rng.choice([3, 70000, 12, 999999999], size=38).tolist() + [5, 2147483647]
    rng.shuffle(labels)
    sets = {
        "sparse-singletons": synthetic(rng, 40, 5, labels, 0.4),
        # Seven rows, three classes of which two are singletons: few rows have a defined s_i.
        "tiny-singletons": synthetic(rng, 7, 3, [40, 40, 40, 40, 40, 9, 123456], 0.3),
        # 100 rows in ten classes, 17 dimensions, overlapping.
        "ten-classes": synthetic(rng, 100, 17, rng.integers(0, 10, size=100).tolist(), 0.8),
        # Two classes in one dimension.
        "one-dimension": synthetic(rng, 30, 1, rng.integers(7, 9, size=30).tolist(), 0.5),
    }
    for name, (xs, ys) in sets.items():
        for metric in METRICS:
            write(name, xs, ys, metric, include_x=True)


if __name__ == "__main__":
    main()
