#!/usr/bin/env python3
"""Writes classification.json and bounded.json: the classification tools' answers from numpy,
scipy and JAX/neural-tangents (LANGUAGE.md §11).

Run from anywhere with the reference venv (numpy, scipy, jax, neural_tangents 0.6.5):
    /tmp/ntref/bin/python Tests/LanguageTests/Fixtures/classification/make_classification.py

classification.json holds cases: each binds its `inputs`, runs `code` (with the block seed `seed`,
whose stream numpy's default_rng(seed) reproduces) and compares the bindings in `expected`:
  compare "exact"  bit for bit (NaN equals NaN),
  compare "rel"    max|got - want| <= tol * max|want| per binding (infinities at the same places).
bounded.json holds RandomState(PCG64(seed)).randint(0, high + 1, dtype=uint64) for ranges wider
than 32 bits, as decimal strings: its masked rejection (bounded_masked_uint64) is the 64-bit path of
random_interval, which permutation(n) takes for n > 2^32 (too large to check directly).
Floats are written with repr (round-trip) as strings so that nan and inf survive JSON.
"""
import json
import os

import numpy as np
import scipy.special

HERE = os.path.dirname(os.path.abspath(__file__))
nan, inf = float("nan"), float("inf")
rng = np.random.default_rng(22)


def enc(v):
    if np.ndim(v) == 0:
        return {"number": repr(float(v))}
    a = np.asarray(v, dtype=np.float64)
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    assert a.ndim == 2, a.shape
    return {"rows": a.shape[0], "cols": a.shape[1], "data": [repr(float(x)) for x in a.ravel()]}


cases = []


def case(name, code, inputs, expected, compare="exact", tol=0.0, seed=0):
    cases.append({"name": name, "code": code, "compare": compare, "tol": tol, "seed": seed,
                  "inputs": {k: enc(v) for k, v in inputs.items()},
                  "expected": {k: enc(v) for k, v in expected.items()}})


def col(x):
    return np.asarray(x, dtype=np.float64).reshape(-1, 1)


# one_hot
labels = rng.integers(0, 4, size=9)
case("one_hot", "r = one_hot(labels, 4)\ns = one_hot(labels, 6)", {"labels": col(labels)},
     {"r": np.eye(4)[labels], "s": np.eye(6)[labels]})

# argmax / argmin: rows by default, axis 0, axis none (row-major), ties -> first index.
ties = rng.integers(0, 3, size=(7, 5)).astype(np.float64)
case("argmax_ties", "r = argmax(A)\ns = argmax(A, axis: 0)\nt = argmax(A, axis: none)\n"
     "u = argmin(A)\nv = argmin(A, axis: 0)\nw = argmin(A, axis: none)", {"A": ties},
     {"r": col(ties.argmax(1)), "s": ties.argmax(0).reshape(1, -1), "t": ties.argmax(),
      "u": col(ties.argmin(1)), "v": ties.argmin(0).reshape(1, -1), "w": ties.argmin()})

# softmax / log_softmax, including logits far beyond exp's range.
logits = rng.standard_normal((6, 4)) * 5
huge = np.array([[1e308, -1e308, 0.0], [-1e308, -1e308, -1e308], [1e308, 1e308, 1e308],
                 [700.0, 710.0, -745.0], [1e-320, 0.0, -1e-320]])
for name, a in [("random", logits), ("extreme", huge)]:
    case("softmax_" + name,
         "r = softmax(A)\ns = softmax(A, axis: 0)\nt = softmax(A, axis: none)\n"
         "u = log_softmax(A)\nv = log_softmax(A, axis: 0)\nw = log_softmax(A, axis: none)", {"A": a},
         {"r": scipy.special.softmax(a, axis=1), "s": scipy.special.softmax(a, axis=0),
          "t": scipy.special.softmax(a, axis=None),
          "u": scipy.special.log_softmax(a, axis=1), "v": scipy.special.log_softmax(a, axis=0),
          "w": scipy.special.log_softmax(a, axis=None)},
         compare="rel", tol=1e-14)

# accuracy: labels as indices or one-hot; ties in the outputs go to the first column.
outs = rng.integers(0, 3, size=(40, 5)).astype(np.float64)
truth = rng.integers(0, 5, size=40)
case("accuracy", "r = accuracy(F, y)\ns = accuracy(F, one_hot(y, 5))", {"F": outs, "y": col(truth)},
     {"r": np.mean(outs.argmax(1) == truth), "s": np.mean(outs.argmax(1) == truth)})

# permutation with a seed, for sizes around the 32-bit buffer and up to 10^5.
for n, seed in [(0, 1), (1, 1), (2, 3), (5, 0), (10, 42), (300, 7)]:
    case(f"permutation_{n}", f"r = permutation({n}, seed: {seed})", {},
         {"r": col(np.random.default_rng(seed).permutation(n))})
# Large n: the first and last 64 entries, Σ i·p[i] (exact: integers below 2^53) and that it is a permutation.
for n, seed in [(65537, 123), (100000, 2026)]:
    big = np.random.default_rng(seed).permutation(n)
    case(f"permutation_{n}",
         f"p = permutation({n}, seed: {seed})\nhead = p[0:64]\ntail = p[-64:]\n"
         f"w = sum(p * linspace(0, {n - 1}, {n}))\ns = sum(abs(sort(p, axis: 0) - linspace(0, {n - 1}, {n})))",
         {}, {"head": col(big[:64]), "tail": col(big[-64:]), "w": float(np.dot(big, np.arange(n))), "s": 0.0})

# Without seed: the block's stream, shared with randn (doubles do not touch the 32-bit buffer).
g = np.random.default_rng(31)
a = g.permutation(5)
b = g.permutation(4)   # 3 draws: leaves half a word buffered
z = g.standard_normal((2, 3))
c = g.permutation(6)   # starts with the buffered half
case("permutation_stream", "a = permutation(5)\nb = permutation(4)\nz = randn(2, 3)\nc = permutation(6)", {},
     {"a": col(a), "b": col(b), "z": z, "c": col(c)}, seed=31)

# Fancy indexing and nonzero.
X = rng.standard_normal((8, 5))
y = rng.integers(0, 4, size=8)
idx = [3, -1, 0, 3]
M = (rng.standard_normal((3, 4)) > 0).astype(np.float64)
case("fancy_indexing",
     "r = X[[3, -1, 0, 3]]\ns = X[[3, -1, 0, 3], :]\nt = X[:, [4, 0, -2]]\nu = X[nonzero(y == 2)]\n"
     "v = nonzero(M)\nw = X[permutation(8, seed: 5)]\nq = y[[1, 2]]\nk = X[idx, 1]\nm = X[1, [0, 2]]",
     {"X": X, "y": col(y), "M": M, "idx": col(idx)},
     {"r": X[idx], "s": X[idx, :], "t": X[:, [4, 0, -2]], "u": X[np.nonzero(y == 2)[0]],
      "v": col(np.flatnonzero(M)), "w": X[np.random.default_rng(5).permutation(8)], "q": col(y[[1, 2]]),
      "k": col(X[idx, 1]), "m": X[1, [0, 2]].reshape(1, -1)})


# standardize: population std; a constant column is centred, not scaled (StandardScaler).
def standardize(a, axis):
    mean = a.mean(axis=axis, keepdims=True)
    std = a.std(axis=axis, keepdims=True)
    const = (a == np.take(a, [0], axis=axis)).all(axis=axis, keepdims=True)
    return (a - mean) / np.where(const, 1.0, std)


S = rng.standard_normal((9, 4)) * [1, 10, 1e-3, 1] + [0, 5, -3, 0]
S[:, 3] = 0.1
case("standardize", "r = standardize(S)\ns = standardize(S, axis: 1)\nt = standardize(S, axis: none)", {"S": S},
     {"r": standardize(S, 0), "s": standardize(S, 1),
      "t": ((S - S.mean()) / S.std())}, compare="rel", tol=1e-13)

# Cross-entropy loss of an mlp and of a layer network on explicit params (neural-tangents apply_fn).
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from neural_tangents import stax  # noqa: E402


def ce(f, Y):
    return float(-jnp.mean(jnp.sum(Y * jax.nn.log_softmax(f, axis=1), axis=1)))


n, d, k = 12, 3, 4
Xn = rng.standard_normal((n, d))
yl = rng.integers(0, k, size=n)
Y = np.eye(k)[yl]
W1, b1 = rng.standard_normal((d, 6)), rng.standard_normal(6)
W2, b2 = rng.standard_normal((6, k)), rng.standard_normal(k)
_, apply_mlp, _ = stax.serial(stax.Dense(6, W_std=1.5, b_std=0.1), stax.Relu(), stax.Dense(k, W_std=1.5, b_std=0.1))
f = apply_mlp([(W1, b1), (), (W2, b2)], Xn)
P = np.abs(rng.standard_normal((n, k)))
P /= P.sum(1, keepdims=True)
case("cross_entropy_mlp",
     "net = mlp(depth: 1, width: 6, W_std: 1.5, b_std: 0.1, out_dim: 4)\n"
     "p = params(net, weights: [W1, W2], biases: [b1, b2])\n"
     "r = loss(net, p, X, Y, kind: \"cross_entropy\")\ns = loss(net, p, X, y, kind: \"cross_entropy\")\n"
     "t = loss(net, p, X, P, kind: \"cross_entropy\")\nm = loss(net, p, X, Y)",
     {"W1": W1, "W2": W2, "b1": b1.reshape(1, -1), "b2": b2.reshape(1, -1), "X": Xn, "Y": Y, "y": col(yl), "P": P},
     {"r": ce(f, Y), "s": ce(f, Y), "t": ce(f, P), "m": float(0.5 * jnp.mean((f - Y) ** 2))},
     compare="rel", tol=1e-13)

V1, c1 = rng.standard_normal((d, 7)), rng.standard_normal(7)
V2, c2 = rng.standard_normal((7, 5)), rng.standard_normal(5)
V3, c3 = rng.standard_normal((5, k)), rng.standard_normal(k)
_, apply_layer, _ = stax.serial(stax.Dense(7, W_std=1.3, b_std=0.2), stax.Erf(),
                                stax.Dense(5, W_std=0.9, b_std=0.3), stax.Gelu(),
                                stax.Dense(k, W_std=1.1, b_std=0.05))
g = apply_layer([(V1, c1), (), (V2, c2), (), (V3, c3)], Xn)
case("cross_entropy_layers",
     "net = serial(Dense(7, W_std: 1.3, b_std: 0.2), Erf(), Dense(5, W_std: 0.9, b_std: 0.3), Gelu(), "
     "Dense(4, W_std: 1.1, b_std: 0.05))\n"
     "p = params(net, weights: [V1, V2, V3], biases: [c1, c2, c3])\n"
     "r = loss(net, p, X, Y, kind: \"cross_entropy\")\ns = loss(net, p, X, y, kind: \"cross_entropy\")",
     {"V1": V1, "V2": V2, "V3": V3, "c1": c1.reshape(1, -1), "c2": c2.reshape(1, -1), "c3": c3.reshape(1, -1),
      "X": Xn, "Y": Y, "y": col(yl)},
     {"r": ce(g, Y), "s": ce(g, Y)}, compare="rel", tol=1e-12)

with open(os.path.join(HERE, "classification.json"), "w") as out:
    json.dump({"cases": cases}, out, indent=None, separators=(",", ":"))
    out.write("\n")

bounded = []
for seed, high in [(0, 2**32), (1, 2**40 + 12345), (2, 2**63 - 25), (3, 2**64 - 2)]:
    draws = np.random.RandomState(np.random.PCG64(seed)).randint(0, high + 1, size=16, dtype=np.uint64)
    bounded.append({"seed": seed, "high": str(high), "values": [str(int(v)) for v in draws]})
with open(os.path.join(HERE, "bounded.json"), "w") as out:
    json.dump({"cases": bounded}, out, indent=1)
    out.write("\n")
print(len(cases), "cases")
