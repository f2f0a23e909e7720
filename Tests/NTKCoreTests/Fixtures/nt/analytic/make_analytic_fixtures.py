#!/usr/bin/env python3
"""Golden fixtures for Tangent's analytic NNGP/NTK kernels, from neural-tangents 0.6.5.

    /tmp/ntref/bin/python make_analytic_fixtures.py [--verify-cli 4]

Writes, next to this script:
  analytic_spec.json      the cases: nt_reference.py "analytic" specs (inputs included)
  analytic_expected.json  neural-tangents' NNGP and NTK for each case
  gauss_hermite.json      scipy.special.roots_hermite(deg) nodes and weights

The grid is a pairwise covering design: every value of every factor appears together
with every value of every other factor at least once --
  activation (relu, erf, identity, gelu, tanh) x parameterization (ntk, standard)
  x bias (hidden+readout, none, readout only, hidden only) x depth (0..4)
  x input width d (1..20) x form (K(X) with x2=None, K(X1, X2))
-- built greedily (AETG-style) from a fixed seed. Within a case W_std, b_std, the
read-out's stds, per-layer widths (used by 'standard'), n <= 8 inputs, their scale and
tanh_deg (25, or 10 in about a third of the tanh cases) are drawn at random.

Excluded: ReLU with d = 1 and no (or zero) hidden bias. Then every pair of inputs is
exactly collinear, rho = +-1, and neural-tangents' off-diagonal entries carry the
rounding noise of CONVENTIONS.md section 1.4 (~1e-8), which no implementation can match.

Each spec is run through nt_reference.run_analytic -- the function nt_reference.py's
CLI dispatches "mode": "analytic" to -- in this one process (importing TensorFlow for
every case would take minutes). --verify-cli N re-runs N cases through the CLI itself
and checks the outputs are bit-identical.
"""

import argparse
import itertools
import json
import math
import os
import random
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = "/work/shared/reference"
SEED = 20251125

FACTORS = {
    "activation": ["relu", "erf", "identity", "gelu", "tanh"],
    "parameterization": ["ntk", "standard"],
    "bias": ["both", "none", "readout_only", "hidden_only"],
    "depth": [0, 1, 2, 3, 4],
    "d": list(range(1, 21)),
    "form": ["x2_none", "x1_x2"],
}


def allowed(case):
    """Constraint on (possibly partial) assignments."""
    if case.get("activation") == "relu" and case.get("d") == 1 and case.get("depth", 1) >= 1:
        if case.get("bias") in ("none", "readout_only"):
            return False
    return True


def pairs_of(case):
    names = sorted(case)
    return {((a, case[a]), (b, case[b])) for a, b in itertools.combinations(names, 2)}


def covering_design(rng):
    names = list(FACTORS)
    uncovered = set()
    for a, b in itertools.combinations(sorted(names), 2):
        for va in FACTORS[a]:
            for vb in FACTORS[b]:
                if allowed({a: va, b: vb}):
                    uncovered.add(((a, va), (b, vb)))
    cases = []
    while uncovered:
        # Seed the case with one uncovered pair, then fill the other factors greedily.
        best, best_gain = None, -1
        for _ in range(60):
            (fa, va), (fb, vb) = rng.choice(sorted(uncovered))
            case = {fa: va, fb: vb}
            order = [n for n in names if n not in case]
            rng.shuffle(order)
            for n in order:
                options = [v for v in FACTORS[n] if allowed({**case, n: v})]
                rng.shuffle(options)
                case[n] = max(options, key=lambda v: len(pairs_of({**case, n: v}) & uncovered))
            if not allowed(case):
                continue
            gain = len(pairs_of(case) & uncovered)
            if gain > best_gain:
                best, best_gain = case, gain
        cases.append(best)
        uncovered -= pairs_of(best)
    return cases


def make_spec(i, case, rng, nrng):
    depth, d, act = case["depth"], case["d"], case["activation"]
    w_std = rng.choice([0.6, 0.9, 1.0, 1.3, math.sqrt(2.0), 1.7, 2.2])
    relu_d1 = act == "relu" and d == 1
    def b_value():
        return rng.choice([0.05, 0.1, 0.3, 0.7, 1.2] if relu_d1 else [0.0, 0.05, 0.1, 0.3, 0.7, 1.2])
    b = case["bias"]
    b_std = b_value() if b in ("both", "hidden_only") else None
    if b == "both":
        b_std_out = b_std if rng.random() < 0.5 else rng.choice([0.0, 0.2, 0.5, 1.0])
    elif b == "readout_only":
        b_std_out = rng.choice([0.0, 0.2, 0.5, 1.0])
    else:
        b_std_out = None
    w_std_out = w_std if rng.random() < 0.5 else rng.choice([0.5, 1.0, 1.5, 2.0])
    widths = [rng.choice([1, 2, 3, 7, 16, 50, 128, 300, 512, 2048]) for _ in range(depth)]
    scale = rng.choice([0.3, 1.0, 2.5])
    n1 = rng.randint(1, 8)
    spec = {
        "mode": "analytic", "id": f"case{i:03d}",
        "depth": depth, "activation": act, "W_std": w_std, "b_std": b_std,
        "W_std_out": w_std_out, "b_std_out": b_std_out,
        "parameterization": case["parameterization"], "widths": widths,
        "X1": (scale * nrng.standard_normal((n1, d))).tolist(),
    }
    if case["form"] == "x1_x2":
        spec["X2"] = (scale * nrng.standard_normal((rng.randint(1, 8), d))).tolist()
    if act == "tanh":
        spec["tanh_deg"] = 10 if rng.random() < 0.35 else 25
    spec["factors"] = case
    return spec


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--verify-cli", type=int, default=0, metavar="N",
                    help="also run N cases through the nt_reference.py CLI and compare bit for bit")
    a = ap.parse_args()
    sys.path.insert(0, REFERENCE)
    import nt_reference as ntr

    rng = random.Random(SEED)
    nrng = np.random.default_rng(SEED)
    cases = covering_design(rng)
    specs = [make_spec(i, c, rng, nrng) for i, c in enumerate(cases)]
    # Make sure both tanh degrees meet both parameterizations and both forms.
    for param, form in itertools.product(FACTORS["parameterization"], FACTORS["form"]):
        for deg in (10, 25):
            if not any(s["activation"] == "tanh" and s["parameterization"] == param and
                       s["factors"]["form"] == form and s["tanh_deg"] == deg for s in specs):
                extra = {"activation": "tanh", "parameterization": param, "form": form,
                         "bias": rng.choice(FACTORS["bias"]), "depth": rng.randint(1, 4),
                         "d": rng.randint(1, 20)}
                s = make_spec(len(specs), extra, rng, nrng)
                s["tanh_deg"] = deg
                specs.append(s)

    results = []
    for s in specs:
        out = ntr.run_analytic({k: v for k, v in s.items() if k not in ("id", "factors")})
        results.append({"id": s["id"], "nngp": out["nngp"], "ntk": out["ntk"]})
        print(s["id"], s["activation"], s["parameterization"], "depth", s["depth"],
              "d", len(s["X1"][0]), file=sys.stderr)

    if a.verify_cli:
        for s, r in list(zip(specs, results))[:: max(1, len(specs) // a.verify_cli)][: a.verify_cli]:
            p = subprocess.run([sys.executable, os.path.join(REFERENCE, "nt_reference.py")],
                               input=json.dumps({k: v for k, v in s.items() if k not in ("id", "factors")}),
                               capture_output=True, text=True, check=True)
            cli = json.loads(p.stdout)["results"]
            assert cli["nngp"] == r["nngp"] and cli["ntk"] == r["ntk"], s["id"]
            print("CLI identical:", s["id"], file=sys.stderr)

    versions = ntr.versions()
    with open(os.path.join(HERE, "analytic_spec.json"), "w") as f:
        json.dump({"generator": "make_analytic_fixtures.py", "seed": SEED,
                   "factors": FACTORS, "cases": specs}, f, separators=(",", ":"))
    with open(os.path.join(HERE, "analytic_expected.json"), "w") as f:
        json.dump({"versions": versions, "cases": results}, f, separators=(",", ":"))

    from scipy.special import roots_hermite
    rules = []
    for deg in (1, 2, 3, 4, 5, 8, 10, 16, 25, 40, 64, 100, 150):
        x, w = roots_hermite(deg)
        rules.append({"degree": deg, "nodes": x.tolist(), "weights": w.tolist()})
    with open(os.path.join(HERE, "gauss_hermite.json"), "w") as f:
        json.dump({"source": "scipy.special.roots_hermite", "scipy": versions["scipy"], "rules": rules},
                  f, separators=(",", ":"))
    print(f"{len(specs)} cases", file=sys.stderr)


if __name__ == "__main__":
    main()
