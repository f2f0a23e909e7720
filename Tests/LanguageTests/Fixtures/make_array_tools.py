#!/usr/bin/env python3
"""Writes array_tools.json: ntk code for the array-tool builtins with numpy's / scipy's answers.

Run from anywhere (numpy and scipy needed):
    python3 -m venv /tmp/arrays-venv && /tmp/arrays-venv/bin/pip install numpy scipy
    /tmp/arrays-venv/bin/python Tests/LanguageTests/Fixtures/make_array_tools.py

Each case binds its `inputs`, runs `code`, and compares the bindings named in `expected`:
  compare "exact"  bit for bit (NaN equals NaN),
  compare "rel"    max|got - want| <= tol * max|want| per binding,
  compare "sign"   as "rel", but each column may be negated (eigenvectors),
  compare "ulps"   each entry within tol units in the last place (numpy's AVX-512 power, used by
                   logspace, is not correctly rounded, so it can differ from libm's pow by one ulp).
Floats are written with repr (round-trip) as strings so that nan and inf survive JSON.
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.linalg

warnings.simplefilter("ignore")  # numpy warns for ddof >= N and all-NaN slices; the values are what we test
rng = np.random.default_rng(18)
nan, inf = float("nan"), float("inf")


def enc(v):
    """A Python / numpy value as the fixture's tagged JSON."""
    if isinstance(v, (bool, np.bool_)):
        return {"bool": bool(v)}
    if np.ndim(v) == 0:
        return {"number": repr(float(v))}
    a = np.asarray(v, dtype=np.float64)
    assert a.ndim == 2, a.shape
    return {"rows": a.shape[0], "cols": a.shape[1], "data": [repr(float(x)) for x in a.ravel()]}


cases = []


def case(name, code, inputs, expected, compare="exact", tol=0.0):
    cases.append({"name": name, "code": code, "compare": compare, "tol": tol,
                  "inputs": {k: enc(v) for k, v in inputs.items()},
                  "expected": {k: enc(v) for k, v in expected.items()}})


def col(x):
    return np.asarray(x, dtype=np.float64).reshape(-1, 1)


def row(x):
    return np.asarray(x, dtype=np.float64).reshape(1, -1)


# argmax / argmin: default axis 1 (rows) -> n×1, axis 0 -> 1×k, axis none -> a number.
ties = rng.integers(0, 3, size=(6, 5)).astype(np.float64)
withnan = np.array([[1, nan, 3, nan], [2, 2, 1, 0], [nan, 5, nan, 1], [-inf, -inf, 4, 4]])
vec = col([3, 1, 4, 1, 5, 9, 2, 6, 5, 9])
for f in ("argmax", "argmin"):
    npf = getattr(np, f)
    for label, A in (("ties", ties), ("nan", withnan)):
        case(f"{f}_{label}", f"r = {f}(A)\nc = {f}(A, axis: 0)\nw = {f}(A, axis: none)", {"A": A},
             {"r": col(npf(A, axis=1)), "c": row(npf(A, axis=0)), "w": float(npf(A))})
    case(f"{f}_vector", f"c = {f}(v, axis: 0)\nw = {f}(v, axis: none)\nr = {f}(v.T)", {"v": vec},
         {"c": row(npf(vec, axis=0)), "w": float(npf(vec)), "r": col(npf(vec.T, axis=1))})

# std / var with ddof, median, cumsum.
X = rng.standard_normal((6, 5)) * 3 + 1
for f in ("std", "var"):
    npf = getattr(np, f)
    case(f"{f}_axes", f"w = {f}(X)\nc = {f}(X, axis: 0)\nr = {f}(X, axis: 1)\n"
         f"w1 = {f}(X, ddof: 1)\nc1 = {f}(X, axis: 0, ddof: 1)\nr1 = {f}(X, axis: 1, ddof: 1)", {"X": X},
         {"w": npf(X), "c": row(npf(X, axis=0)), "r": col(npf(X, axis=1)),
          "w1": npf(X, ddof=1), "c1": row(npf(X, axis=0, ddof=1)), "r1": col(npf(X, axis=1, ddof=1))},
         compare="rel", tol=1e-13)
    odd = np.array([[1.0, nan], [2.0, 3.0], [inf, 4.0]])
    case(f"{f}_special", f"c = {f}(A, axis: 0)\nd = {f}(B, ddof: 2)\ne = {f}(C, ddof: 1)",
         {"A": odd, "B": col([1.0, 2.0]), "C": col([5.0])},
         {"c": row(npf(odd, axis=0)), "d": npf(col([1.0, 2.0]), ddof=2), "e": npf(col([5.0]), ddof=1)})
case("median_axes", "w = median(X)\nc = median(X, axis: 0)\nr = median(X, axis: 1)\nu = median(Y)",
     {"X": X, "Y": X[:, :3][:5]},
     {"w": np.median(X), "c": row(np.median(X, axis=0)), "r": col(np.median(X, axis=1)), "u": np.median(X[:5, :3])})
M = np.array([[1.0, nan, 7.0], [4.0, 2.0, 7.0], [3.0, 3.0, 1e308], [2.0, 1.0, 1e308]])
case("median_special", "c = median(M, axis: 0)\nw = median(M)\nr = median(M, axis: 1)", {"M": M},
     {"c": row(np.median(M, axis=0)), "w": np.median(M), "r": col(np.median(M, axis=1))})
case("cumsum", "f = cumsum(X)\nc = cumsum(X, axis: 0)\nr = cumsum(X, axis: 1)", {"X": X},
     {"f": col(np.cumsum(X)), "c": np.cumsum(X, axis=0), "r": np.cumsum(X, axis=1)})

# sort / argsort: numpy's default axis -1 on a matrix (each row); a vector's entries; NaN last;
# argsort is numpy's kind="stable".
S = rng.integers(0, 4, size=(5, 7)).astype(np.float64)
S[1, 2] = nan
S[3, 0] = nan
S[3, 5] = -inf
S[4, 4] = inf
sv = col([2, nan, 1, 2, -1, 1, nan, 0, 2])
for f, npf in (("sort", lambda a, **k: np.sort(a, **k)), ("argsort", lambda a, **k: np.argsort(a, kind="stable", **k))):
    case(f"{f}_matrix", f"r = {f}(S)\nc = {f}(S, axis: 0)\nf = {f}(S, axis: none)\nl = {f}(S, axis: -1)", {"S": S},
         {"r": npf(S, axis=-1), "c": npf(S, axis=0), "f": col(npf(S, axis=None)), "l": npf(S, axis=-1)})
    case(f"{f}_vectors", f"r = {f}(v)\nt = {f}(v.T)\nc = {f}(v, axis: 0)\nn = {f}(v, axis: 1)", {"v": sv},
         {"r": col(npf(sv.ravel())), "t": row(npf(sv.ravel())), "c": npf(sv, axis=0), "n": npf(sv, axis=1)})

# kron, outer, logspace.
K1, K2 = rng.standard_normal((2, 3)), rng.standard_normal((3, 2))
case("kron", "r = kron(A, B)\ns = kron(B, v)", {"A": K1, "B": K2, "v": col([1.5, -2.0])},
     {"r": np.kron(K1, K2), "s": np.kron(K2, col([1.5, -2.0]))})
a, b = rng.standard_normal((4, 1)), rng.standard_normal((1, 3))
case("outer", "r = outer(a, b)\ns = outer(A, b)", {"a": a, "b": b, "A": K1},
     {"r": np.outer(a, b), "s": np.outer(K1, b)})
for i, (lo, hi, n) in enumerate(((0, 3, 7), (-2.5, 1.5, 9), (1, 1, 1), (2, -1, 5), (-300, 300, 13))):
    case(f"logspace_{i}", f"r = logspace({lo}, {hi}, {n})", {}, {"r": col(np.logspace(lo, hi, n))}, compare="ulps", tol=1)

# maximum / minimum with broadcasting and NaN.
P = np.array([[1.0, nan, -3.0, 4.0], [0.5, 2.0, inf, -inf], [7.0, -1.0, 0.0, 2.0]])
Q = row([2.0, 0.0, nan, -5.0])
for f in ("maximum", "minimum"):
    npf = getattr(np, f)
    case(f"{f}", f"r = {f}(P, Q)\ns = {f}(Q, P)\nt = {f}(P, 1)\nu = {f}(c, Q)\nw = {f}(2, -3)",
         {"P": P, "Q": Q, "c": col([1.0, -1.0])},
         {"r": npf(P, Q), "s": npf(Q, P), "t": npf(P, 1), "u": npf(col([1.0, -1.0]), Q), "w": npf(2.0, -3.0)})

# isnan, isfinite, all, any, where.
case("isnan_isfinite", "r = isnan(P)\ns = isfinite(P)\nt = isnan(nan)\nu = isfinite(inf)\nw = isfinite(2)",
     {"P": P}, {"r": np.isnan(P).astype(float), "s": np.isfinite(P).astype(float), "t": 1.0, "u": 0.0, "w": 1.0})
T = np.array([[1.0, 0.0, nan], [2.0, 3.0, -1.0]])
case("all_any", "a = all(T)\nb = any(T)\nc = all(T, axis: 0)\nd = any(T, axis: 1)\ne = all(T[1, :])\n"
     "f = any(zeros(2, 2))\ng = all(zeros(0, 3))\nh = any(zeros(0, 3))\ni = all(T, axis: 1)",
     {"T": T},
     {"a": np.all(T), "b": np.any(T), "c": row(np.all(T, axis=0).astype(float)), "d": col(np.any(T, axis=1).astype(float)),
      "e": np.all(T[1, :]), "f": np.any(np.zeros((2, 2))), "g": np.all(np.zeros((0, 3))), "h": np.any(np.zeros((0, 3))),
      "i": col(np.all(T, axis=1).astype(float))})
mask = col([1.0, 0.0, nan])
case("where", "r = where(m, a, b)\ns = where(m, 10, b)\nt = where(0, 1, 2)\nu = where(P, P, -1)",
     {"m": mask, "a": row([1.0, 2.0, 3.0, 4.0]), "b": -5.0, "P": P},
     {"r": np.where(mask, row([1.0, 2.0, 3.0, 4.0]), -5.0), "s": np.where(mask, 10.0, -5.0),
      "t": float(np.where(0, 1.0, 2.0)), "u": np.where(P, P, -1.0)})

# eigh: values to 1e-12 relative, vectors up to each column's sign.
B = rng.standard_normal((6, 6))
H = B + B.T
w, V = np.linalg.eigh(H)
case("eigh_random", "E = eigh(H)\nr = E.values\nv = E.vectors", {"H": H}, {"r": col(w), "v": V}, compare="sign", tol=1e-12)
Xk = rng.standard_normal((5, 8))
G = Xk @ Xk.T / 8  # full rank: distinct eigenvalues, so each eigenvector is unique up to sign
w, V = np.linalg.eigh(G)
case("eigh_gram", "E = eigh(G)\nr = E.values\nv = E.vectors", {"G": G}, {"r": col(w), "v": V}, compare="sign", tol=1e-11)
w, V = np.linalg.eigh(np.array([[3.0]]))
case("eigh_1x1", "E = eigh([[3]])\nr = E.values\nv = E.vectors", {}, {"r": col(w), "v": V}, compare="sign", tol=1e-15)

# expm against scipy, across Padé degrees and scalings.
for label, A in (("tiny", rng.standard_normal((4, 4)) * 0.002), ("small", rng.standard_normal((5, 5)) * 0.1),
                 ("medium", rng.standard_normal((5, 5)) * 0.4), ("unit", rng.standard_normal((6, 6))),
                 ("large", rng.standard_normal((4, 4)) * 4),
                 ("nilpotent", np.array([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0], [0.0, 0.0, 0.0]])),
                 ("rotation", np.array([[0.0, -1.2], [1.2, 0.0]])), ("zero", np.zeros((3, 3))),
                 ("scalar", np.array([[2.0]])), ("symmetric", H / 2),
                 ("diagonal", np.diag([1.5, -40.0, 0.0])),
                 ("upper", np.array([[1.0, 50.0, 3.0], [0.0, 2.0, 40.0], [0.0, 0.0, -1.0]])),
                 ("lower", np.array([[0.5, 0.0, 0.0], [30.0, 0.5, 0.0], [2.0, -20.0, -3.0]])),
                 ("huge_nilpotent", np.array([[0.0, 1e300], [0.0, 0.0]])),
                 ("skew", np.array([[0.0, -30.0], [30.0, 0.0]]))):
    case(f"expm_{label}", "r = expm(A)", {"A": A}, {"r": scipy.linalg.expm(A)}, compare="rel", tol=1e-12)

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "array_tools.json")
with open(out, "w") as fh:
    json.dump({"numpy": np.__version__, "scipy": scipy.__version__, "cases": cases}, fh, indent=1)
    fh.write("\n")
print(f"wrote {len(cases)} cases to {out}")
