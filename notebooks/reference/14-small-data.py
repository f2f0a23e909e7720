"""Recompute the table of notebooks/14-small-data.md with numpy, independently of Tangent.

How to run it, from the repository root (any Python with numpy and scikit-learn):

    OPENBLAS_NUM_THREADS=1 python notebooks/reference/14-small-data.py

The data are scikit-learn's copies (`load_iris`, `load_wine`, `load_breast_cancer`), which
`dataset(...)` equals bit for bit; the folds are numpy's default_rng(0).permutation(n), which
`permutation(n, seed: 0)` equals. The NTK is written from the recursion of Arora et al.'s code
(github.com/LeoYu/neural-tangent-kernel-UCI, NTK.py: ReLU, no bias), the RBF kernel with
scikit-learn's `rbf_kernel`, kernel regression with numpy's `solve`. The protocol is the
notebook's: 4 outer folds, 3 inner folds, relative ridges [1, 0.1, 0.01, 1e-3] (strongest first,
ties keep the first). The script reads the table stored in the notebook (its tangent:data
comment, full precision) and exits with status 1 unless every accuracy is the same count of
correct test points.
"""
import json
import math
import re
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.metrics.pairwise import rbf_kernel

REGS = [1, 0.1, 0.01, 1e-3]
DEPTHS = [1, 2, 3, 4, 5]


def arora_ntk(X, hidden):
    """NTK of `hidden` ReLU layers, no bias (NTK.py's kernel_value with fix_dep = 0, depth hidden + 1)."""
    S = X @ X.T / X.shape[1]
    H = np.zeros_like(S)
    for _ in range(hidden):
        H += S
        L = np.diag(S)
        P = np.sqrt(np.outer(L, L))
        Sn = np.clip(S / P, -1, 1)
        S = (Sn * (math.pi - np.arccos(Sn)) + np.sqrt(1 - Sn * Sn)) * P / 2 / math.pi
        H = H * (math.pi - np.arccos(Sn)) / 2 / math.pi
    return H + S


def split(idx, k):
    n = len(idx)
    return [idx[math.floor(i * n / k):math.floor((i + 1) * n / k)] for i in range(k)]


def others(parts, i):
    return np.concatenate([p for j, p in enumerate(parts) if j != i])


def fit_accuracy(K, y, c, tr, te, reg):
    A = K[np.ix_(tr, tr)]
    A = A + reg * np.mean(np.diag(A)) * np.eye(len(tr))
    F = K[np.ix_(te, tr)] @ np.linalg.solve(A, np.eye(c)[y[tr]])
    return np.mean(F.argmax(axis=1) == y[te])


def cv_scores(K, y, c, idx, k=3):
    parts = split(idx, k)
    return [np.mean([fit_accuracy(K, y, c, others(parts, f), parts[f], r) for f in range(k)]) for r in REGS]


def best(scores, candidates):
    choice = (candidates[0], 0)
    for i in candidates:
        for r in range(len(REGS)):
            if scores[i][r] > scores[choice[0]][choice[1]]:
                choice = (i, r)
    return choice


def cv_test_correct(kernels, groups, y, c):
    folds = split(np.random.default_rng(0).permutation(len(y)), 4)
    correct = np.zeros(len(groups))
    for f in range(4):
        tr = others(folds, f)
        scores = [cv_scores(K, y, c, tr) for K in kernels]
        for g, group in enumerate(groups):
            i, r = best(scores, group)
            correct[g] += round(len(folds[f]) * fit_accuracy(kernels[i], y, c, tr, folds[f], REGS[r]))
    return correct


def stored_table(path):
    text = open(path).read()
    block = text[text.index("<!-- tangent:begin id=study"):text.index("<!-- tangent:end id=study")]
    data = json.loads(re.search(r"<!-- tangent:data (.*) -->", block).group(1))
    return np.array(data[0]["numbers"]).reshape(data[0]["shape"])


def main():
    groups = [[0], [1, 2, 3]] + [[3 + L] for L in DEPTHS] + [[4, 5, 6, 7, 8]]
    stored = stored_table("notebooks/14-small-data.md")
    ok = True
    for s, load in enumerate([load_iris, load_wine, load_breast_cancer]):
        X, y = load(return_X_y=True)
        X = (X - X.mean(axis=0)) / X.std(axis=0)
        d = X.shape[1]
        kernels = [X @ X.T / d] + [rbf_kernel(X, gamma=g / d) for g in [0.1, 0.3, 1]]
        kernels += [arora_ntk(X, L) for L in DEPTHS]
        correct = cv_test_correct(kernels, groups, y, y.max() + 1)
        tangent = np.round(stored[s] * len(y))
        print(load.__name__[5:], "numpy:", " ".join(f"{a / len(y):.4f}" for a in correct))
        print(" " * len(load.__name__[5:]), "tangent:", " ".join(f"{a / len(y):.4f}" for a in tangent))
        ok = ok and np.array_equal(correct, tangent)
    print("same counts of correct test points" if ok else "DIFFERENT")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
