#!/usr/bin/env python3
"""Writes cases.json, the neural-tangents 0.6.5 golden values for FiniteNetworkTests.

Run with the reference venv (see /work/shared/reference/README.md):

    /tmp/ntref/bin/python Tests/NTKCoreTests/Fixtures/nt/finite/make_finite_fixtures.py

NT_REFERENCE (default /work/shared/reference) is the folder holding nt_reference.py,
whose `run_empirical` and `run_train` compute everything (NT's stax apply_fn,
nt.empirical_ntk_fn with implementations 1, 2, 3, and plain JAX gradient descent).

The cases are a covering design over
    activation x parameterization x depth (0-3)   -- every triple, twice,
    bias option x out_dim (1, 3)                  -- cycled so that every pair with
                                                     the three factors above occurs.
plus two ReLU 'standard' cases with b_std = 0 and hidden layers (see covering_design).
Bias options: none (b_std null), both (hidden 0.3, read-out 0.2), readout (only the
read-out has a bias), hidden (only the hidden layers), zero (b_std 0.0 everywhere: a bias
that exists, and in 'standard' starts at exactly 0). Every case has its own per-layer
widths (2-16), input width d (1-5), n1 <= 6 rows of X1 and n2 <= 5 rows of X2; ReLU cases
put an all-zero row in X1 so that exact zero pre-activations (relu'(0) = 1/2) occur.

Parameters are explicit: raw N(0, 1) draws in 'ntk', N(0, W_std^2/fan_in) and
N(0, b_std^2) in 'standard' (numpy default_rng(1000 + case index)). Each case stores
  spec (the architecture block of nt_reference.py), X1, X2, Y, weights, biases
  (one entry per layer, null where the layer has no bias),
  f1 = f(X1), f2 = f(X2), ntk_11 = Theta(X1, X1) (x2=None), ntk_12 = Theta(X1, X2),
  learning_rate, steps = 50, losses L_0..L_50, and after training on (X1, Y):
  trained_weights, trained_biases, f_trained = f(X1).
Floats are Python reprs (they round-trip). The output is deterministic.
"""

import itertools
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.environ.get("NT_REFERENCE", "/work/shared/reference"))
import nt_reference as ntr  # noqa: E402

ACTIVATIONS = ["relu", "erf", "identity", "gelu", "tanh"]
PARAMETERIZATIONS = ["ntk", "standard"]
DEPTHS = [0, 1, 2, 3]
BIASES = {  # (b_std of the hidden layers, b_std_out)
    "none": (None, None),
    "both": (0.3, 0.2),
    "readout": (None, 0.5),
    "hidden": (0.4, None),
    "zero": (0.0, 0.0),
}
OUT_DIMS = [1, 3]
STEPS = 50


def covering_design():
    """(activation, parameterization, depth, bias, out_dim) tuples."""
    combos = list(itertools.product(BIASES, OUT_DIMS))  # 10
    cases = []
    for i, (act, par, depth) in enumerate(itertools.product(ACTIVATIONS, PARAMETERIZATIONS, DEPTHS)):
        for rep in range(2):
            bias, out = combos[(2 * i + rep + 3 * (i // 20)) % len(combos)]
            cases.append((act, par, depth, bias, out))
    # Exact zero pre-activations in hidden ReLU layers: 'standard' biases with b_std = 0 start
    # at exactly 0, so the all-zero row of X1 stays 0 through every layer and relu'(0) = 1/2
    # enters both the kernel (through the bias term) and the first gradient step.
    cases += [("relu", "standard", 2, "zero", 1), ("relu", "standard", 3, "zero", 3)]
    return cases


def check_pairs(cases):
    """Every pair of factor levels occurs in some case."""
    levels = [ACTIVATIONS, PARAMETERIZATIONS, DEPTHS, list(BIASES), OUT_DIMS]
    missing = []
    for a, b in itertools.combinations(range(5), 2):
        seen = {(c[a], c[b]) for c in cases}
        missing += [(a, x, b, y) for x in levels[a] for y in levels[b] if (x, y) not in seen]
    return missing


def make_case(index, act, par, depth, bias, out):
    rng = np.random.default_rng(1000 + index)
    d = int(rng.integers(1, 6))
    widths = [int(w) for w in rng.integers(2, 13, size=depth)]
    if depth and index % 7 == 0:
        widths[-1] = 16
    n1, n2 = int(rng.integers(3, 7)), int(rng.integers(1, 6))
    w_std = float(round(rng.uniform(0.8, 1.6), 2))
    w_std_out = float(round(rng.uniform(0.8, 1.6), 2))
    b_std, b_std_out = BIASES[bias]
    spec = {"depth": depth, "activation": act, "parameterization": par, "W_std": w_std,
            "b_std": b_std, "W_std_out": w_std_out, "b_std_out": b_std_out,
            "widths": widths, "out_dim": out}

    X1 = rng.standard_normal((n1, d))
    if act == "relu":
        X1[1] = 0.0
    X2 = rng.standard_normal((n2, d))
    Y = rng.standard_normal((n1, out))

    weights, biases, fan_in = [], [], d
    for l in range(depth + 1):
        fan_out = out if l == depth else widths[l]
        ws, bs = (w_std_out, b_std_out) if l == depth else (w_std, b_std)
        W = rng.standard_normal((fan_in, fan_out))
        b = None if bs is None else rng.standard_normal(fan_out)
        if par == "standard":
            W = W * (ws / np.sqrt(fan_in))
            b = None if b is None else b * bs
        weights.append(W.tolist())
        biases.append(None if b is None else b.tolist())
        fan_in = fan_out

    base = dict(spec, mode="empirical", weights=weights, biases=biases,
                implementations=[3, 1, 2], full=False, return_params=False)
    e11 = ntr.run_empirical(dict(base, X1=X1.tolist(), X2=None))
    e12 = ntr.run_empirical(dict(base, X1=X1.tolist(), X2=X2.tolist()))
    worst_impl = max(max(e["impl_max_abs_diff"].values()) for e in (e11, e12))

    lr = 0.5 if par == "ntk" else 0.2
    while True:
        tr = ntr.run_train(dict(spec, mode="train", weights=weights, biases=biases, X=X1.tolist(),
                                Y=Y.tolist(), learning_rate=lr, steps=STEPS))
        losses = tr["loss"]
        if all(np.isfinite(losses)) and losses[-1] < losses[0] and max(losses) <= 1.5 * losses[0]:
            break
        lr /= 2
    name = f"{index:03d}-{act}-{par}-L{depth}-{bias}-k{out}"
    return {"name": name, "spec": spec, "X1": X1.tolist(), "X2": X2.tolist(), "Y": Y.tolist(),
            "weights": weights, "biases": biases,
            "f1": e11["f1"], "f2": e12["f2"], "ntk_11": e11["ntk"], "ntk_12": e12["ntk"],
            "nt_implementations_max_abs_diff": worst_impl,
            "learning_rate": lr, "steps": STEPS, "losses": losses,
            "trained_weights": tr["weights"], "trained_biases": fan_biases(tr["biases"], depth),
            "f_trained": tr["f_final"]}


def fan_biases(bs, depth):
    """nt_reference returns null for 'no bias anywhere'; store one entry per layer."""
    return [None] * (depth + 1) if bs is None else bs


def main():
    cases = covering_design()
    missing = check_pairs(cases)
    if missing:
        raise SystemExit(f"covering design misses pairs: {missing}")
    out = {"about": "neural-tangents 0.6.5 finite-network golden values; see make_finite_fixtures.py",
           "versions": ntr.versions(), "cases": []}
    for i, c in enumerate(cases):
        out["cases"].append(make_case(i, *c))
        print(out["cases"][-1]["name"], "lr", out["cases"][-1]["learning_rate"], file=sys.stderr)
    path = os.path.join(HERE, "cases.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"{len(cases)} cases, {os.path.getsize(path)} bytes -> {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
