#!/usr/bin/env python3
"""Golden fixtures for `train(...)` (LANGUAGE.md §11): losses, optimizers, minibatches, record.

Run with the reference venv (/work/shared/reference/README.md), from anywhere:

    /tmp/ntref/bin/python Tests/LanguageTests/Fixtures/training/make_training.py

Writes training.json next to this script (deterministic; about 30 s). For an `mlp` and for a small
residual `serial` network, neural-tangents 0.6.5 builds `apply_fn`; the parameters are explicit
(numpy default_rng(1) draws, in §9's depth-first order) and training is plain JAX in float64:
`jax.value_and_grad` of the loss and `jax.example_libraries.optimizers.sgd` / `.momentum`
(no optax). Minibatches follow §11: each epoch one `np.random.default_rng(seed).permutation(n)`
(drawn when the epoch starts), consecutive slices, the last shorter slice as it is, the loss of
a step the mean over its minibatch. `record: r` losses are the full-data loss at steps 0, r, 2r, …
and the last.

Every run is audited before it is written: the JAX gradient of the first step against central
finite differences of the same loss (AuditFailure otherwise), and momentum with mass 0 against
sgd.
"""

import json
import math
import os
import warnings

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax.example_libraries import optimizers  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import neural_tangents as nt  # noqa: E402
    from neural_tangents import stax  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


class AuditFailure(Exception):
    pass


def nested(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return float(a)
    return [nested(x) for x in a]


NETWORKS = [
    {
        "name": "mlp",
        "tangent": 'mlp(depth: 2, width: 16, activation: "relu", W_std: 1.5, b_std: 0.1, out_dim: 3)',
        "nt": lambda: stax.serial(
            stax.Dense(16, W_std=1.5, b_std=0.1), stax.Relu(),
            stax.Dense(16, W_std=1.5, b_std=0.1), stax.Relu(),
            stax.Dense(3, W_std=1.5, b_std=0.1)),
    },
    {
        "name": "residual",
        "tangent": "serial(Dense(16, W_std: 1.5, b_std: 0.1), FanOut(2), "
                   "parallel(serial(Erf(), Dense(16, W_std: 1.2, b_std: 0.05)), Identity()), FanInSum(), "
                   "Relu(), Dense(3, W_std: 1.5, b_std: 0.1))",
        "nt": lambda: stax.serial(
            stax.Dense(16, W_std=1.5, b_std=0.1), stax.FanOut(2),
            stax.parallel(stax.serial(stax.Erf(), stax.Dense(16, W_std=1.2, b_std=0.05)), stax.Identity()),
            stax.FanInSum(), stax.Relu(), stax.Dense(3, W_std=1.5, b_std=0.1)),
    },
]

# Each run: loss, optimizer (mass), learning rate, steps, batch size / seed, record interval, and
# whether Y is given as n×1 class indices (turned one-hot by Tangent) instead of one-hot rows.
RUNS = [
    dict(loss="mse", optimizer="sgd", learning_rate=1.0, steps=30, batch_size=None, seed=None, record=10),
    dict(loss="mse", optimizer="momentum", momentum=0.9, learning_rate=0.1, steps=30, batch_size=None,
         seed=None, record=7),
    dict(loss="cross_entropy", optimizer="sgd", learning_rate=0.5, steps=11, batch_size=5, seed=3, record=4),
    dict(loss="cross_entropy", optimizer="momentum", momentum=0.8, learning_rate=0.3, steps=10, batch_size=4,
         seed=7, record=3, labels=True),
    dict(loss="mse", optimizer="momentum", momentum=0.5, learning_rate=0.5, steps=9, batch_size=12, seed=11,
         record=1),
    dict(loss="cross_entropy", optimizer="sgd", learning_rate=2.0, steps=25, batch_size=None, seed=None,
         record=6),
]

N, D, K = 12, 5, 3


def data():
    X = np.random.default_rng(0).standard_normal((N, D))
    labels = np.argmax(X[:, :K], axis=1)
    Y = np.eye(K)[labels]
    return X, labels, Y


def explicit_params(init_fn):
    """NT's parameter tree with every leaf replaced by default_rng(1) draws, depth first."""
    _, template = init_fn(jax.random.PRNGKey(0), (-1, D))
    leaves, tree = jax.tree_util.tree_flatten(template)
    rng = np.random.default_rng(1)
    drawn = [rng.standard_normal(np.shape(leaf)) for leaf in leaves]
    return jax.tree_util.tree_unflatten(tree, [jnp.asarray(a) for a in drawn])


def split(params):
    """Weights (fan_in×fan_out) and biases (1×fan_out) in §9 order from NT's tree."""
    leaves = [np.asarray(leaf) for leaf in jax.tree_util.tree_leaves(params)]
    if len(leaves) % 2:
        raise AuditFailure("every Dense layer here has a weight and a bias")
    weights = [nested(w) for w in leaves[0::2]]
    biases = [nested(b.reshape(1, -1)) for b in leaves[1::2]]
    for w, b in zip(leaves[0::2], leaves[1::2]):
        if w.ndim != 2 or b.size != w.shape[1]:
            raise AuditFailure(f"unexpected Dense leaves {w.shape} {b.shape}")
    return weights, biases


def make_loss(apply_fn, kind):
    if kind == "mse":
        return lambda p, x, y: 0.5 * jnp.mean((apply_fn(p, x) - y) ** 2)
    return lambda p, x, y: -jnp.mean(jnp.sum(y * jax.nn.log_softmax(apply_fn(p, x), axis=1), axis=1))


def train(apply_fn, params, X, Y, run, mass=None):
    loss = make_loss(apply_fn, run["loss"])
    value_and_grad = jax.jit(jax.value_and_grad(loss))
    full = jax.jit(loss)
    if run["optimizer"] == "sgd":
        opt_init, opt_update, get_params = optimizers.sgd(run["learning_rate"])
    else:
        m = run["momentum"] if mass is None else mass
        opt_init, opt_update, get_params = optimizers.momentum(run["learning_rate"], mass=m)
    state = opt_init(params)
    rng = None if run["batch_size"] is None else np.random.default_rng(run["seed"])
    order, position = None, N
    steps, recorded = [], []
    first_grad = None
    for step in range(run["steps"]):
        p = get_params(state)
        if rng is None:
            xb, yb = X, Y
        else:
            if position >= N:
                order, position = rng.permutation(N), 0
            rows = order[position:position + run["batch_size"]]
            position += len(rows)
            xb, yb = X[rows], Y[rows]
        if step % run["record"] == 0:
            steps.append(step)
            recorded.append(float(full(p, X, Y)))
        value, g = value_and_grad(p, xb, yb)
        if not math.isfinite(float(value)):
            raise AuditFailure("diverged")
        if first_grad is None:
            first_grad = (p, xb, yb, g)
        state = opt_update(step, g, state)
    final = get_params(state)
    steps.append(run["steps"])
    recorded.append(float(full(final, X, Y)))
    return final, steps, recorded, first_grad, loss


def audit_gradient(loss, p, x, y, g):
    """Central differences on a few entries of every leaf, 1e-6 relative to the largest."""
    leaves, tree = jax.tree_util.tree_flatten(p)
    grads = jax.tree_util.tree_leaves(g)
    scale = max(float(jnp.max(jnp.abs(a))) for a in grads)
    h = 1e-6
    for i, (leaf, gl) in enumerate(zip(leaves, grads)):
        flat = np.asarray(leaf).reshape(-1)
        for j in range(0, flat.size, max(1, flat.size // 4)):
            def at(delta):
                bumped = flat.copy()
                bumped[j] += delta
                new = list(leaves)
                new[i] = jnp.asarray(bumped.reshape(np.shape(leaf)))
                return float(loss(jax.tree_util.tree_unflatten(tree, new), x, y))
            fd = (at(h) - at(-h)) / (2 * h)
            if abs(fd - float(np.asarray(gl).reshape(-1)[j])) > 1e-6 * scale:
                raise AuditFailure(f"gradient leaf {i} entry {j}: autodiff {np.asarray(gl).reshape(-1)[j]}, fd {fd}")


def main():
    X, labels, Y = data()
    cases = []
    for net in NETWORKS:
        init_fn, apply_fn, _ = net["nt"]()
        params = explicit_params(init_fn)
        weights, biases = split(params)
        for k, run in enumerate(RUNS):
            final, steps, recorded, (p0, xb, yb, g0), loss = train(apply_fn, params, X, Y, run)
            audit_gradient(loss, p0, xb, yb, g0)
            if run["optimizer"] == "momentum":
                zero = train(apply_fn, params, X, Y, run, mass=0.0)[0]
                plain = train(apply_fn, params, X, Y, dict(run, optimizer="sgd"))[0]
                for a, b in zip(jax.tree_util.tree_leaves(zero), jax.tree_util.tree_leaves(plain)):
                    if not np.allclose(a, b, rtol=0, atol=1e-14):
                        raise AuditFailure("momentum with mass 0 differs from sgd")
            fw, fb = split(final)
            args = [f"steps: {run['steps']}", f"learning_rate: {run['learning_rate']!r}",
                    f"loss: \"{run['loss']}\"", f"optimizer: \"{run['optimizer']}\""]
            if run["optimizer"] == "momentum":
                args.append(f"momentum: {run['momentum']!r}")
            if run["batch_size"] is not None:
                args += [f"batch_size: {run['batch_size']}", f"seed: {run['seed']}"]
            args.append(f"record: {run['record']}")
            cases.append({
                "name": f"{net['name']}-{k}",
                "X": nested(X), "T": nested(labels.reshape(-1, 1)) if run.get("labels") else nested(Y),
                "network": net["tangent"],
                "call": "train(net, p, X, T, " + ", ".join(args) + ")",
                "weights": weights, "biases": biases,
                "final_weights": fw, "final_biases": fb,
                "steps": steps, "loss": recorded,
            })
    doc = {
        "nt_version": nt.__version__, "jax_version": jax.__version__, "numpy_version": np.__version__,
        "cases": cases,
    }
    with open(os.path.join(HERE, "training.json"), "w") as f:
        json.dump(doc, f)
        f.write("\n")


if __name__ == "__main__":
    main()
