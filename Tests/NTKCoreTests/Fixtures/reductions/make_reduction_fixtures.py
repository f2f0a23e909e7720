"""Writes reductions.json: numpy's sum, mean, min, max, var and std of matrices that the Swift test
draws again with Tangent's numpy-compatible generator (default_rng(seed).standard_normal),
scaled as A = Z * scale + offset. Values are stored as float.hex strings: the test compares
bits. Run with the reference venv (numpy as neural-tangents 0.6.5 pins it):

    /tmp/ntref/bin/python Tests/NTKCoreTests/Fixtures/reductions/make_reduction_fixtures.py
"""
import json
import os

import numpy as np

# (seed, rows, cols, scale, offset): small lines (below numpy's 8-entry and 128-entry
# pairwise thresholds), long rows past its 8192-entry buffer, tall columns, and matrices
# big enough (≥ 2^20 entries) for Tangent's parallel path.
CASES = [
    (0, 1, 1, 1.0, 0.0),
    (1, 3, 5, 1.0, 0.0),
    (2, 37, 53, 1e3, 1e6),
    (3, 1, 129, 1.0, 0.5),
    (4, 300, 300, 1.0, 0.0),
    (5, 8193, 1, 1e-3, 1.0),
    (6, 3, 20000, 1.0, 1e4),
    (7, 4000, 3, 1e5, -3e7),
    (8, 1000, 1000, 1.0, 0.1),
    (9, 2048, 1024, 1e2, 1e8),
]


def h(x):
    return float(x).hex()


def ends(values):
    """The first and the last 32 values (all of them when there are at most 64)."""
    n = len(values)
    index = list(range(n)) if n <= 64 else list(range(32)) + list(range(n - 32, n))
    return {"count": n, "index": index, "value": [h(values[i]) for i in index]}


def main():
    out = []
    for seed, rows, cols, scale, offset in CASES:
        z = np.random.default_rng(seed).standard_normal((rows, cols))
        a = z * scale + offset
        out.append({
            "seed": seed, "rows": rows, "cols": cols, "scale": h(scale), "offset": h(offset),
            "sum": h(np.sum(a)), "mean": h(np.mean(a)), "min": h(np.min(a)), "max": h(np.max(a)),
            "sum_axis0": ends(np.sum(a, axis=0)),
            "sum_axis1": ends(np.sum(a, axis=1)),
            "mean_axis0": ends(np.mean(a, axis=0)),
            "mean_axis1": ends(np.mean(a, axis=1)),
            "trace": h(np.trace(a)),
            "var": h(np.var(a)), "std_ddof1": h(np.std(a, ddof=1)),
            "var_axis0": ends(np.var(a, axis=0)),
            "var_axis1": ends(np.var(a, axis=1)),
        })
    meta = {"numpy": np.__version__, "cases": out}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reductions.json")
    with open(path, "w") as f:
        json.dump(meta, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
