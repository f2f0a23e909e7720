#!/usr/bin/env python3
"""Writes cases.json: neural-tangents 0.6.5 kernel-regression outputs that PredictTests.swift checks.

Run with the reference venv (see /work/shared/reference/README.md):

    /tmp/ntref/bin/python Tests/NTKCoreTests/Fixtures/nt/predict/make_predict_fixtures.py

The harness nt_reference.py is found through $NT_REFERENCE, else ../shared/reference/ next to
the repository. It is imported, and each spec goes through its own `MODES[mode](spec)` after a
JSON round trip, so every stored spec is exactly what `nt_reference.py spec.json` would read.

1. Realistic kernels: `analytic` mode on random inputs (train and test points together, so the
   train-train, test-train and test-test blocks come from one NT call).
2. `predict` specs with those matrices written out explicitly: gradient_descent_mse at several
   finite t (0 to 1e12) and at t = inf, diag_reg 0 / relative / absolute, fx_train_0 and
   fx_test_0 as zeros, scalars or matrices, train outputs only, k = 1..3 outputs,
   learning_rate != 1; and gradient_descent_mse_ensemble (mean and covariance, NNGP and NTK).

JSON floats are Python reprs, which round-trip exactly.
"""

import importlib.util
import json
import math
import os
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[4]
REF = pathlib.Path(os.environ.get("NT_REFERENCE", REPO.parent / "shared" / "reference" / "nt_reference.py"))


def load_harness():
    spec = importlib.util.spec_from_file_location("nt_reference", REF)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NTR = load_harness()


def run(spec):
    """One harness call, on the JSON round trip of `spec` (what would be on disk)."""
    spec = json.loads(json.dumps(spec))
    return spec, json.loads(json.dumps(NTR.MODES[spec["mode"]](spec)))


# ----------------------------------------------------------------------------
# 1. kernels from real architectures
# ----------------------------------------------------------------------------

ARCHS = {
    "relu2": dict(depth=2, activation="relu", W_std=1.4, b_std=0.1, parameterization="ntk"),
    "relu3": dict(depth=3, activation="relu", W_std=math.sqrt(2), b_std=0.1, parameterization="ntk"),
    "erf3": dict(depth=3, activation="erf", W_std=1.7, b_std=0.5, parameterization="ntk"),
    "erf2": dict(depth=2, activation="erf", W_std=1.5, b_std=0.3, parameterization="ntk"),
    "gelu1": dict(depth=1, activation="gelu", W_std=1.2, b_std=0.2, parameterization="ntk"),
    "gelu2": dict(depth=2, activation="gelu", W_std=1.1, b_std=0.1, parameterization="ntk"),
    "relu_std": dict(depth=2, activation="relu", W_std=1.3, b_std=0.2, parameterization="standard",
                     width=64),
}

KERNEL_SPECS = []


def kernels(arch, n, m, d, seed):
    """NNGP and NTK blocks (dd, td, tt) of `arch` on n train + m test standard-normal inputs."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n + m, d))
    spec, out = run(dict(mode="analytic", X1=X.tolist(), X2=None, **ARCHS[arch]))
    KERNEL_SPECS.append({"arch": arch, "n": n, "m": m, "spec": spec})
    blocks = {}
    for g in ("nngp", "ntk"):
        K = np.asarray(out[g])
        blocks[g] = (K[:n, :n], K[n:, :n], K[n:, n:])
    return blocks


def mat(a):
    return np.asarray(a, dtype=np.float64).tolist()


# ----------------------------------------------------------------------------
# 2. cases
# ----------------------------------------------------------------------------

CASES = []


def add(name, about, spec):
    spec = dict(mode="predict", **spec)
    spec, out = run(spec)
    CASES.append({"name": name, "about": about, "spec": spec, "results": out})


def gd_pair(name, about, times, **spec):
    """The same gradient_descent_mse spec at a list of finite times and at t = inf."""
    add(name, about, dict(spec, t=times))
    add(name + "_inf", about + "; t = inf (Cholesky)", dict(spec, t="inf"))


def main():
    rng = np.random.default_rng(20260601)

    # --- gradient_descent_mse --------------------------------------------------
    ka = kernels("relu2", 12, 6, 5, seed=1)["ntk"]
    y1 = rng.standard_normal((12, 1))
    gd_pair("relu_ntk_k1", "ReLU depth-2 NTK, k=1, diag_reg 0, zero fx0, test outputs",
            [0.0, 0.1, 1.0, 10.0, 100.0, 1e4, 1e8, 1e12],
            k_train_train=mat(ka[0]), k_test_train=mat(ka[1]), y_train=mat(y1))

    y3 = rng.standard_normal((12, 3))
    f3 = 0.2 * rng.standard_normal((12, 3))
    gd_pair("relu_ntk_train_only_k3", "ReLU depth-2 NTK, train outputs only (no k_test_train), k=3, "
            "fx_train_0 matrix", [0.0, 0.5, 5.0, 1e3],
            k_train_train=mat(ka[0]), y_train=mat(y3), fx_train_0=mat(f3))

    kb = kernels("erf3", 10, 4, 6, seed=2)["ntk"]
    yb = rng.standard_normal((10, 3))
    gd_pair("erf_ntk_k3_relreg_fxmat", "Erf depth-3 NTK, k=3, diag_reg 1e-2 relative, fx_train_0 and "
            "fx_test_0 matrices", [0.0, 0.7, 3.0, 40.0, 1e6],
            k_train_train=mat(kb[0]), k_test_train=mat(kb[1]), y_train=mat(yb), diag_reg=1e-2,
            fx_train_0=mat(0.3 * rng.standard_normal((10, 3))),
            fx_test_0=mat(0.3 * rng.standard_normal((4, 3))))

    kc = kernels("gelu1", 8, 5, 4, seed=3)["nngp"]
    yc = rng.standard_normal((8, 2))
    gd_pair("gelu_nngp_k2_absreg_fxscalar_lr", "GELU depth-1 NNGP as the kernel, k=2, diag_reg 0.05 "
            "absolute, fx_train_0 = 0.3 and fx_test_0 = -0.2 scalars, learning_rate 0.35",
            [0.0, 2.0, 25.0, 1e5],
            k_train_train=mat(kc[0]), k_test_train=mat(kc[1]), y_train=mat(yc), diag_reg=0.05,
            diag_reg_absolute_scale=True, learning_rate=0.35, fx_train_0=0.3, fx_test_0=-0.2)

    gd_pair("gelu_nngp_train_only_fxscalar", "GELU depth-1 NNGP, train outputs only, k=1, fx_train_0 "
            "= -0.4 scalar, diag_reg 1e-3 absolute, learning_rate 3", [0.0, 0.25, 9.0, 1e9],
            k_train_train=mat(kc[0]), y_train=mat(yc[:, :1]), fx_train_0=-0.4, diag_reg=1e-3,
            diag_reg_absolute_scale=True, learning_rate=3.0)

    kd = kernels("relu_std", 12, 6, 5, seed=4)["ntk"]
    yd = rng.standard_normal((12, 1))
    gd_pair("relu_standard_ntk_lr", "ReLU depth-2 'standard' NTK (width 64, O(width) scale), k=1, "
            "learning_rate 2.5, diag_reg 1e-4 relative, fx0 matrices", [0.0, 0.01, 0.3, 3.0, 1e3],
            k_train_train=mat(kd[0]), k_test_train=mat(kd[1]), y_train=mat(yd), learning_rate=2.5,
            diag_reg=1e-4, fx_train_0=mat(0.1 * rng.standard_normal((12, 1))),
            fx_test_0=mat(0.1 * rng.standard_normal((6, 1))))

    # --- gradient_descent_mse_ensemble (also runs gradient_descent_mse on the NTK) -------------
    def ensemble_pair(name, about, blocks, y, times, **opts):
        nngp, ntk = blocks["nngp"], blocks["ntk"]
        spec = dict(k_train_train=mat(ntk[0]), k_test_train=mat(ntk[1]), y_train=mat(y),
                    ensemble=True, compute_cov=True,
                    ntk_train_train=mat(ntk[0]), ntk_test_train=mat(ntk[1]),
                    nngp_train_train=mat(nngp[0]), nngp_test_train=mat(nngp[1]),
                    nngp_test_test=mat(nngp[2]), **opts)
        gd_pair(name, about, times, **spec)

    ensemble_pair("ensemble_relu3_k1_relreg", "ensemble mean+cov, ReLU depth-3, k=1, diag_reg 1e-3 "
                  "relative", kernels("relu3", 10, 5, 6, seed=5), rng.standard_normal((10, 1)),
                  [0.0, 0.5, 10.0, 1e3], diag_reg=1e-3)
    ensemble_pair("ensemble_erf2_k2_lr", "ensemble mean+cov, Erf depth-2, k=2, diag_reg 0, "
                  "learning_rate 0.5", kernels("erf2", 8, 6, 3, seed=6), rng.standard_normal((8, 2)),
                  [1.0, 30.0], learning_rate=0.5)
    ensemble_pair("ensemble_gelu2_k3_absreg", "ensemble mean+cov, GELU depth-2, k=3, diag_reg 0.02 "
                  "absolute, learning_rate 2", kernels("gelu2", 12, 4, 5, seed=7),
                  rng.standard_normal((12, 3)), [5.0], diag_reg=0.02, diag_reg_absolute_scale=True,
                  learning_rate=2.0)

    doc = {
        "generator": "make_predict_fixtures.py",
        "versions": NTR.versions(),
        "kernel_specs": KERNEL_SPECS,
        "cases": CASES,
    }
    path = HERE / "cases.json"
    path.write_text(json.dumps(doc, allow_nan=False) + "\n")
    print(f"{len(CASES)} cases, {path.stat().st_size} bytes -> {path}")


if __name__ == "__main__":
    sys.exit(main())
