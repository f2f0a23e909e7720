"""Recompute the numbers of notebooks/11-cookbook.md with neural-tangents 0.6.5.

How to run it, from the repository root (any Python with neural-tangents 0.6.5, jax and numpy):

    .build/debug/tangent run notebooks/11-cookbook.md --no-cache --json /tmp/cookbook.json
    python notebooks/reference/11-cookbook.py /tmp/cookbook.json

The script reads every value the notebook shows from the `--json` report (full precision),
recomputes it with neural-tangents (`stax`, `predict.gradient_descent_mse_ensemble`) and JAX
(finite networks trained with `jax.example_libraries.optimizers.sgd`, as the cookbook does), and
prints both with their difference. The data are the notebook's own: numpy's default_rng(10)
and default_rng(11), which `uniform(..., seed:)` and `randn(..., seed:)` equal bit for bit.
Finite networks start from the parameters Tangent's `init(net, X, seed: s)` draws: numpy
default_rng(s).standard_normal, depth first, each Dense's weight (fan_in × fan_out) then its bias.
It exits with status 1 when a difference exceeds its tolerance.
"""
import json
import sys
import warnings

import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
import numpy as np
from jax import grad, jit
from jax.example_libraries import optimizers

import neural_tangents as nt
from neural_tangents import stax

# NT warns that FanInSum cannot verify its branches are independent; the identity branch of a
# residual block is exactly the case the warning is about and the kernel is still right.
warnings.filterwarnings("ignore", message="`FanIn` layers assume independent inputs")


def shown(report):
    """caption -> value of every `show` in the report."""
    values = {}
    for notebook in report["notebooks"]:
        for block in notebook["blocks"]:
            for out in block["outputs"]:
                if out.get("kind") == "value" and "caption" in out:
                    v = out["value"]
                    if out.get("type") == "table":   # a table is stored as its text, 6 digits
                        v = np.array([[float(x) for x in line.split()] for line in v.splitlines()[1:]])
                    elif isinstance(v, dict):
                        v = np.array(v["data"])
                    values[out["caption"]] = v
    return values


failures = []


def compare(name, tangent, reference, rtol=1e-7, atol=1e-12):
    t = np.asarray(tangent, dtype=float)
    r = np.asarray(reference, dtype=float).reshape(t.shape)
    diff = np.max(np.abs(t - r))
    relative = np.max(np.abs(t - r) / np.maximum(np.abs(r), 1e-300))
    ok = bool(np.all(np.abs(t - r) <= atol + rtol * np.abs(r)))
    print(f"{'ok  ' if ok else 'FAIL'} {name}: tangent {t.ravel()[:5]} NT {r.ravel()[:5]}"
          f" | max abs diff {diff:.2e}, max relative {relative:.2e}")
    if not ok:
        failures.append(name)


def tangent_params(layers, seed):
    """Tangent's init: default_rng(seed) draws W (fan_in × fan_out) then b (fan_out) per Dense."""
    rng = np.random.default_rng(seed)
    return [(jnp.array(rng.standard_normal((fi, fo))), jnp.array(rng.standard_normal((1, fo)).ravel()))
            for fi, fo in layers]


def erf_net(width):
    return stax.serial(
        stax.Dense(width, W_std=1.5, b_std=0.05), stax.Erf(),
        stax.Dense(width, W_std=1.5, b_std=0.05), stax.Erf(),
        stax.Dense(1, W_std=1.5, b_std=0.05))


def erf_params(width, seed):
    w = tangent_params([(1, width), (width, width), (width, 1)], seed)
    return [w[0], (), w[1], (), w[2]]


def resnet(width):
    block = stax.serial(
        stax.FanOut(2),
        stax.parallel(stax.serial(stax.Erf(), stax.Dense(width, W_std=1.1, b_std=0)), stax.Identity()),
        stax.FanInSum())
    return stax.serial(stax.Dense(width, W_std=1, b_std=0), block, block, stax.Erf(),
                       stax.Dense(1, W_std=1.5, b_std=0))


def resnet_params(width, seed):
    w = tangent_params([(1, width), (width, width), (width, width), (width, 1)], seed)
    block = lambda d: [(), [[(), d], ()], ()]
    return [w[0], block(w[1]), block(w[2]), (), w[3]]


def train(apply_fn, params, x, y, steps, learning_rate, record=(), x_test=None, y_test=None):
    """Full-batch SGD as the cookbook's; with `record`, also the train and test losses after
    each of those step counts."""
    opt_init, opt_update, get_params = optimizers.sgd(learning_rate)
    loss = lambda p, x, y: 0.5 * jnp.mean((apply_fn(p, x) - y) ** 2)
    update = jit(lambda i, s: opt_update(i, grad(loss)(get_params(s), x, y), s))
    state = opt_init(params)
    losses = []
    for i in range(steps):
        state = update(i, state)
        if i + 1 in record:
            losses.append((loss(get_params(state), x, y), loss(get_params(state), x_test, y_test)))
    return (get_params(state), np.array(losses)) if record else get_params(state)


def loss_fn(predict_fn, ys, t, xs=None):      # the cookbook's loss_fn
    mean, cov = predict_fn(t=t, get='ntk', x_test=xs, compute_cov=True)
    mean = jnp.reshape(mean, mean.shape[:1] + (-1,))
    var = jnp.diagonal(cov, axis1=1, axis2=2)
    ys = jnp.reshape(ys, (1, -1))
    return 0.5 * jnp.mean(ys ** 2 - 2 * mean * ys + var + mean ** 2, axis=1)


def main(path):
    v = shown(json.load(open(path)))

    # The data: recreated from the seeds and compared with what the notebook shows.
    x_train = np.random.default_rng(10).uniform(-np.pi, np.pi, (5, 1))
    y_train = np.sin(x_train) + 0.1 * np.random.default_rng(11).standard_normal((5, 1))
    x_test = np.linspace(-np.pi, np.pi, 50).reshape(-1, 1)
    y_test = np.sin(x_test)
    compare("training inputs and targets", v["training inputs and targets"],
            np.hstack([x_train, y_train]), rtol=0, atol=0)

    # The Erf network: prior, posteriors.
    _, apply_fn, kernel_fn = erf_net(512)
    k_test = kernel_fn(x_test, None, 'nngp')
    std = np.sqrt(np.diag(k_test))
    compare("smallest prior σ on the test grid", v["smallest prior σ on the test grid"], std.min())
    compare("largest prior σ on the test grid", v["largest prior σ on the test grid"], std.max())
    kk = kernel_fn(x_train, None, ('nngp', 'ntk'))
    compare("eigenvalues of the NNGP kernel on the training points",
            v["eigenvalues of the NNGP kernel on the training points"], np.linalg.eigvalsh(kk.nngp),
            rtol=1e-6)
    compare("eigenvalues of the NTK on the training points",
            v["eigenvalues of the NTK on the training points"], np.linalg.eigvalsh(kk.ntk), rtol=1e-6)
    predict_fn = nt.predict.gradient_descent_mse_ensemble(kernel_fn, x_train, y_train, diag_reg=1e-4)
    nngp_mean, nngp_cov = predict_fn(x_test=x_test, get='nngp', compute_cov=True)
    ntk_mean, ntk_cov = predict_fn(x_test=x_test, get='ntk', compute_cov=True)
    compare("largest |NNGP mean − NTK mean| on the test grid",
            v["largest |NNGP mean − NTK mean| on the test grid"], np.max(np.abs(nngp_mean - ntk_mean)))
    compare("largest NTK σ on the test grid", v["largest NTK σ on the test grid"],
            np.sqrt(np.max(np.diag(ntk_cov))))
    for kind in ['nngp', 'ntk']:
        ridged = predict_fn(x_test=x_train, get=kind)
        exact = nt.predict.gradient_descent_mse_ensemble(kernel_fn, x_train, y_train)(
            x_test=x_train, get=kind, compute_cov=True)
        print(f"     {kind}: largest |y − μ| at a training point {np.max(np.abs(y_train - ridged)):.6f}"
              f" with diag_reg 1e-4 (notebook prints it to 4 digits), {np.max(np.abs(y_train - exact[0])):.1e}"
              f" without; largest variance there {np.max(np.abs(np.diag(exact[1]))):.1e}")

    # Expected losses (no ridge, as in the notebook; x_test=None as in the cookbook).
    predict_0 = nt.predict.gradient_descent_mse_ensemble(kernel_fn, x_train, y_train)
    train_loss = loss_fn(predict_0, y_train, jnp.array([0.0, 1000.0]))
    compare("expected training loss at t = 0", v["expected training loss at t = 0"], train_loss[0])
    compare("expected training loss at t = 1000", v["expected training loss at t = 1000"],
            train_loss[1], rtol=1e-6)

    # One finite network of width 512, 1000 steps at learning rate 0.1 from init(fast, X, seed: 0).
    p = train(apply_fn, erf_params(512, 0), x_train, y_train, 1000, 0.1)
    compare("training loss of the network at t = 100", v["training loss of the network at t = 100"],
            0.5 * np.mean((apply_fn(p, x_train) - y_train) ** 2), rtol=1e-6)

    # The ensemble of ten width-128 networks against the infinite ensemble at t = 100 and t = ∞.
    _, apply_128, kernel_128 = erf_net(128)
    checkpoints = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]
    runs = [train(apply_128, erf_params(128, 1000 + k), x_train, y_train, 1000, 0.1,
                  record=checkpoints, x_test=x_test, y_test=y_test) for k in range(10)]
    f = np.hstack([apply_128(p, x_test) for p, _ in runs])
    pf = nt.predict.gradient_descent_mse_ensemble(kernel_128, x_train, y_train)
    times = 0.1 * np.array(checkpoints, dtype=float)
    table = np.column_stack([
        times,
        np.mean([l[:, 0] for _, l in runs], axis=0), loss_fn(pf, y_train, times),
        np.mean([l[:, 1] for _, l in runs], axis=0), loss_fn(pf, y_test, times, x_test)])
    compare("mean loss of the ten networks and expected loss of the infinite ensemble",
            v["mean loss of the ten networks and expected loss of the infinite ensemble"], table, rtol=1e-5)
    mean_t, cov_t = pf(t=100.0, x_test=x_test, get='ntk', compute_cov=True)
    mean_inf = predict_fn(x_test=x_test, get='ntk')
    fbar = f.mean(axis=1, keepdims=True)
    compare("R against the infinite ensemble at the same t = 100",
            v["R against the infinite ensemble at the same t = 100"],
            10 * np.sum((fbar - mean_t) ** 2) / np.trace(cov_t), rtol=1e-6)
    compare("R against the infinite ensemble at t = ∞", v["R against the infinite ensemble at t = ∞"],
            10 * np.sum((fbar - mean_inf) ** 2) / np.trace(cov_t), rtol=1e-6)

    # The residual network: kernels, posterior, and eight width-64 networks at t = 20.
    _, apply_res, kernel_res = resnet(512)
    compare("eigenvalues of the residual NTK on the training points",
            v["eigenvalues of the residual NTK on the training points"],
            np.linalg.eigvalsh(kernel_res(x_train, None, 'ntk')), rtol=1e-6)
    _, apply_r64, kernel_r64 = resnet(64)
    f = np.hstack([apply_r64(train(apply_r64, resnet_params(64, 2000 + k), x_train, y_train, 200, 0.1), x_test)
                   for k in range(8)])
    mean_t, cov_t = nt.predict.gradient_descent_mse_ensemble(kernel_r64, x_train, y_train)(
        t=20.0, x_test=x_test, get='ntk', compute_cov=True)
    compare("R of the residual ensemble at the same t = 20", v["R of the residual ensemble at the same t = 20"],
            8 * np.sum((f.mean(axis=1, keepdims=True) - mean_t) ** 2) / np.trace(cov_t), rtol=1e-6)

    if failures:
        print("differences beyond tolerance:", ", ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1])
