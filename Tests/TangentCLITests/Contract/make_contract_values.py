#!/usr/bin/env python3
"""The oracle for the contract notebooks in this folder (LANGUAGE.md, checked against
neural-tangents 0.6.5 and numpy, never against Tangent).

    /tmp/ntref/bin/python Tests/TangentCLITests/Contract/make_contract_values.py
    python Tests/TangentCLITests/Contract/make_contract_values.py --datasets   # needs scikit-learn

writes data/<name>.npy (float64, C order) and prints the scalars the notebooks quote. Each
notebook line that uses a value names the function below that produced it (e.g. `# oracle:
kernels_mlp`). Inputs are numpy draws `default_rng(s).standard_normal(shape)`, which the
notebooks draw again with `randn(rows, cols, seed: s)` (LANGUAGE.md §4, §6).
"""

import os
import warnings

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
os.makedirs(DATA, exist_ok=True)


def put(name, value):
    a = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
    if a.ndim == 0:
        a = a.reshape(1, 1)
    if a.ndim == 1:
        a = a[:, None]
    np.save(os.path.join(DATA, name + ".npy"), a)


def say(name, value):
    print(f"{name} = {float(value)!r}")


# ---------------------------------------------------------------- datasets.md
def datasets():
    """scikit-learn's copies of the data sets (LANGUAGE.md §11). /tmp/ntref has no scikit-learn, so
    these come from `python make_contract_values.py --datasets` in a venv with scikit-learn (1.9.1
    was used; the data files it ships are fixed) and NT is not imported then."""
    try:
        import sklearn.datasets as skd
    except ImportError:
        print("datasets: no scikit-learn here, d_*.npy left as they are")
        return
    sets = {"digits": skd.load_digits(), "iris": skd.load_iris(), "wine": skd.load_wine(),
            "breast_cancer": skd.load_breast_cancer(), "diabetes": skd.load_diabetes(scaled=False)}
    for name, b in sets.items():
        X, y = np.asarray(b.data, dtype=np.float64), np.asarray(b.target, dtype=np.float64)
        n, d = X.shape
        i, j = np.arange(1, n + 1)[:, None], np.arange(1, d + 1)[None, :]
        # [n, d, sum X, sum X^2, sum i*j*X, sum y, sum i*y, X[0, 0], X[-1, -1]]
        put("d_" + name, np.array([[n, d, X.sum(), (X ** 2).sum(), (i * j * X).sum(), y.sum(),
                                    (np.arange(1, n + 1) * y).sum(), X[0, 0], X[-1, -1]]]))
        put("d_" + name + "_row0", X[:1])


if __name__ == "__main__" and "--datasets" in sys.argv:
    datasets()
    sys.exit(0)

import jax

jax.config.update("jax_enable_x64", True)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import jax.numpy as jnp
    import neural_tangents as nt
    from neural_tangents import stax
    from jax.example_libraries import optimizers

def randn(r, c, seed):
    return np.random.default_rng(seed).standard_normal((r, c))


def kernels(net, X1, X2=None):
    k = net[2](X1, X2, ("nngp", "ntk"))
    return np.asarray(k.nngp), np.asarray(k.ntk)


def mlp_layers(depth, widths, act, W_std=1.0, b_std=None, W_std_out=None, b_std_out="same",
               param="ntk", out_dim=1):
    W_std_out = W_std if W_std_out is None else W_std_out
    b_std_out = b_std if b_std_out == "same" else b_std_out
    layers = []
    for l in range(depth):
        layers += [stax.Dense(widths[l], W_std=W_std, b_std=b_std, parameterization=param), act()]
    layers.append(stax.Dense(out_dim, W_std=W_std_out, b_std=b_std_out, parameterization=param))
    return stax.serial(*layers)


def tanh_act(deg):
    return lambda: stax.ElementwiseNumerical(jnp.tanh, deg=deg, df=lambda x: 1.0 - jnp.tanh(x) ** 2)


def numpy_params(net, in_shape, seed, scales):
    """NT's param pytree with leaves replaced, depth first (weight, then bias), by one numpy
    default_rng(seed) stream; `scales(leaf_index, shape)` multiplies each draw."""
    _, p = net[0](jax.random.PRNGKey(0), in_shape)
    leaves, tree = jax.tree_util.tree_flatten(p)
    rng = np.random.default_rng(seed)
    new = []
    for i, leaf in enumerate(leaves):
        shape = leaf.shape
        if len(shape) == 4:  # Conv HWIO: drawn as (fh*fw*cin, cout)
            z = rng.standard_normal((shape[0] * shape[1] * shape[2], shape[3])).reshape(shape)
        else:
            z = rng.standard_normal((int(np.prod(shape[:-1])) if len(shape) > 1 else 1, shape[-1])).reshape(shape)
        new.append(jnp.asarray(z * scales(i, shape)))
    return jax.tree_util.tree_unflatten(tree, new)


# ---------------------------------------------------------------- kernels.md
def kernels_mlp():
    X1, X2 = randn(7, 5, 11), randn(4, 5, 12)
    put("x1", X1)
    put("x2", X2)
    # a: erf, X1 != X2
    a = kernels(mlp_layers(3, [64] * 3, stax.Erf, W_std=1.3, b_std=0.2), X1, X2)
    put("k_erf_nngp", a[0]); put("k_erf_ntk", a[1])
    # b: standard, list widths, b_std 0.0 (a bias that still trains)
    b = kernels(mlp_layers(2, [30, 50], stax.Relu, W_std=1.2, b_std=0.0, param="standard"), X1, X2)
    put("k_std_nngp", b[0]); put("k_std_ntk", b[1])
    b1 = kernels(mlp_layers(2, [30, 50], stax.Relu, W_std=1.2, b_std=0.0, param="standard"), X1)
    put("k_std_ntk_11", b1[1])
    # c: gelu, no read-out bias, W_std_out
    c = kernels(mlp_layers(2, [10, 10], lambda: stax.Gelu(approximate=False), b_std=0.1, W_std_out=0.7,
                           b_std_out=None), X1, X2)
    put("k_gelu_nngp", c[0]); put("k_gelu_ntk", c[1])
    # d: tanh deg 9, standard, no bias
    d = kernels(mlp_layers(2, [16, 9], tanh_act(9), param="standard"), X1, X2)
    put("k_tanh_nngp", d[0]); put("k_tanh_ntk", d[1])
    # e: depth 0, both parameterizations
    e = kernels(mlp_layers(0, [], None, W_std=2.0, b_std=0.5), X1, X2)
    put("k_d0_nngp", e[0]); put("k_d0_ntk", e[1])
    e2 = kernels(mlp_layers(0, [], None, W_std=2.0, b_std=0.5, param="standard"), X1, X2)
    put("k_d0s_ntk", e2[1])
    # f: relu depth 4, K(X1) (diagonal: CONVENTIONS §1.4)
    f = kernels(mlp_layers(4, [8] * 4, stax.Relu, W_std=1.4, b_std=0.1), X1)
    put("k_relu4_nngp", f[0]); put("k_relu4_ntk", f[1])
    # g: identity, out_dim 3, b_std_out only
    g = kernels(mlp_layers(1, [5], stax.Identity, W_std=0.9, b_std=None, b_std_out=0.3, out_dim=3), X1, X2)
    put("k_id_nngp", g[0]); put("k_id_ntk", g[1])
    # h: the defaults: mlp(depth: 1, width: 3) = Dense(3) -> Relu -> Dense(1), no bias
    h = kernels(mlp_layers(1, [3], stax.Relu), X2, X1)
    put("k_default_nngp", h[0]); put("k_default_ntk", h[1])


# ---------------------------------------------------------------- layers.md
def layers_stax():
    X1, X2 = randn(6, 4, 21), randn(3, 4, 22)
    put("l_x1", X1); put("l_x2", X2)

    def both(name, net):
        n, k = kernels(net, X1, X2)
        put(name + "_nngp", n); put(name + "_ntk", k)

    blk = stax.serial(stax.FanOut(2), stax.parallel(stax.serial(stax.Relu(), stax.Dense(64, W_std=1.1)),
                                                   stax.Identity()), stax.FanInSum())
    both("l_resnet", stax.serial(stax.Dense(64, W_std=1.5, b_std=0.05), blk, blk, stax.Relu(),
                                 stax.Dense(1, W_std=1.5)))
    both("l_leaky", stax.serial(stax.Dense(8, b_std=0.1), stax.LeakyRelu(0.2), stax.Dense(8),
                                stax.ABRelu(-0.3, 0.8), stax.Dense(1)))
    both("l_abs", stax.serial(stax.Dense(8, W_std=1.2, b_std=0.3), stax.Abs(), stax.Dense(1)))
    both("l_sin", stax.serial(stax.Dense(8, b_std=0.2), stax.Sin(a=0.5, b=2.0, c=0.3), stax.Dense(1)))
    both("l_cos", stax.serial(stax.Dense(8), stax.Cos(), stax.Dense(1, b_std=0.4)))
    both("l_erfabc", stax.serial(stax.Dense(8), stax.Erf(a=2.0, b=0.5, c=0.1), stax.Dense(1)))
    both("l_rbf", stax.serial(stax.Dense(8), stax.Rbf(gamma=0.7), stax.Dense(1)))
    both("l_gauss", stax.serial(stax.Dense(8, b_std=0.2), stax.Gaussian(a=1.5, b=-0.5), stax.Dense(1)))
    both("l_exp", stax.serial(stax.Dense(8, W_std=0.8), stax.Exp(a=0.8, b=0.5), stax.Dense(1)))
    both("l_mono", stax.serial(stax.Dense(8, b_std=0.1), stax.Monomial(3), stax.Dense(1)))
    both("l_rmono", stax.serial(stax.Dense(8, b_std=0.1), stax.RectifiedMonomial(2), stax.Dense(1)))
    both("l_poly", stax.serial(stax.Dense(8), stax.Polynomial([0.5, -1.0, 0.3]), stax.Dense(1)))
    both("l_herm", stax.serial(stax.Dense(8), stax.Hermite(3), stax.Dense(1)))
    both("l_gelu_t", stax.serial(stax.Dense(8, b_std=0.1), stax.Gelu(approximate=True), stax.Dense(1)))
    both("l_concat", stax.serial(stax.Dense(8, b_std=0.1), stax.FanOut(2),
                                 stax.parallel(stax.serial(stax.Relu(), stax.Dense(3)),
                                               stax.serial(stax.Erf(), stax.Dense(5, b_std=0.2))),
                                 stax.FanInConcat(), stax.Dense(1)))
    both("l_prod", stax.serial(stax.Dense(8, b_std=0.1), stax.FanOut(2),
                               stax.parallel(stax.Dense(4, W_std=1.3), stax.Dense(4, b_std=0.5)),
                               stax.FanInProd(), stax.Dense(1)))
    both("l_ln_eps", stax.serial(stax.Dense(8, W_std=0.3, b_std=0.1), stax.LayerNorm(axis=-1, eps=0.5), stax.Relu(),
                                 stax.Dense(1)))
    both("l_ln", stax.serial(stax.Dense(8, W_std=2.0, b_std=0.3), stax.Relu(), stax.Dense(8),
                             stax.LayerNorm(), stax.Relu(), stax.Dense(1)))
    # repeat(layer, 3) is serial of 3 copies (LANGUAGE.md §9; NT's repeat needs equal in/out shapes)
    rep = stax.serial(stax.Dense(8, b_std=0.1), stax.Erf())
    both("l_repeat", stax.serial(stax.serial(rep, rep, rep), stax.Dense(1)))
    both("l_num", stax.serial(stax.Dense(8, b_std=0.1), stax.ElementwiseNumerical(jnp.sin, 20, df=jnp.cos),
                              stax.Dense(1)))
    both("l_tanh", stax.serial(stax.Dense(8, b_std=0.1), tanh_act(25)(), stax.Dense(1)))
    both("l_sign", stax.serial(stax.Dense(8, b_std=0.1), stax.Sign(), stax.Dense(1, b_std=0.2)))
    # standard parameterization through branches: the NTK reads each Dense's finite fan-in
    S = "standard"
    both("l_std_cat", stax.serial(stax.Dense(5, parameterization=S, b_std=0.1), stax.FanOut(2),
                                  stax.parallel(stax.Dense(3, parameterization=S), stax.Dense(4, parameterization=S, b_std=0.2)),
                                  stax.FanInConcat(), stax.Dense(1, parameterization=S)))
    both("l_std_sum", stax.serial(stax.Dense(5, parameterization=S), stax.FanOut(2),
                                  stax.parallel(stax.serial(stax.Relu(), stax.Dense(5, parameterization=S)), stax.Identity()),
                                  stax.FanInSum(), stax.Relu(), stax.Dense(1, parameterization=S)))
    both("l_std_prod", stax.serial(stax.Dense(5, parameterization=S), stax.FanOut(2),
                                   stax.parallel(stax.Dense(3, parameterization=S), stax.Dense(3, parameterization=S, b_std=0.5)),
                                   stax.FanInProd(), stax.Dense(2, parameterization=S)))
    both("l_std_ln", stax.serial(stax.Dense(6, parameterization=S, W_std=2.0), stax.LayerNorm(), stax.Relu(),
                                 stax.Dense(1, parameterization=S)))
    both("l_stdparam", stax.serial(stax.Dense(7, W_std=1.1, b_std=0.2, parameterization="standard"), stax.Relu(),
                                   stax.Dense(1, parameterization="standard")))


# ---------------------------------------------------------------- empirical.md
def empirical():
    X1, X2 = randn(5, 3, 31), randn(4, 3, 32)
    put("e_x1", X1); put("e_x2", X2)
    # explicit params: erf mlp(depth 2, widths [4, 3], b_std 0.3, out_dim 2)
    Ws = [randn(3, 4, 41), randn(4, 3, 42), randn(3, 2, 43)]
    bs = [randn(1, 4, 44), randn(3, 1, 45), randn(1, 2, 46)]
    net = mlp_layers(2, [4, 3], stax.Erf, b_std=0.3, out_dim=2)
    p = ((jnp.asarray(Ws[0]), jnp.asarray(bs[0].reshape(1, -1))), (),
         (jnp.asarray(Ws[1]), jnp.asarray(bs[1].reshape(1, -1))), (),
         (jnp.asarray(Ws[2]), jnp.asarray(bs[2].reshape(1, -1))))
    apply_fn = net[1]
    put("e_f1", apply_fn(p, X1))
    entk = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=1)
    put("e_ntk12", entk(X1, X2, p))
    Y = randn(5, 2, 47)
    put("e_y", Y)

    def mse(params, X, Y):
        return 0.5 * jnp.mean((apply_fn(params, X) - Y) ** 2)

    say("e_loss0", mse(p, X1, Y))
    q = p
    g = jax.grad(mse)
    for _ in range(5):
        q = jax.tree_util.tree_map(lambda a, b: a - 0.3 * b, q, g(q, X1, Y))
    say("e_loss5", mse(q, X1, Y))
    put("e_w3_after5", q[4][0])
    # momentum 0.8, 4 steps, lr 0.2
    opt_init, opt_update, get_params = optimizers.momentum(0.2, 0.8)
    st = opt_init(p)
    for i in range(4):
        st = opt_update(i, g(get_params(st), X1, Y), st)
    say("e_loss_mom4", mse(get_params(st), X1, Y))
    # cross entropy with index labels, 3 steps lr 0.5
    labels = np.array([[0], [1], [1], [0], [1]])
    oh = np.eye(2)[labels[:, 0]]

    def ce(params, X, Y):
        return -jnp.mean(jnp.sum(Y * jax.nn.log_softmax(apply_fn(params, X), axis=1), axis=1))

    say("e_ce0", ce(p, X1, oh))
    q = p
    gce = jax.grad(ce)
    for _ in range(3):
        q = jax.tree_util.tree_map(lambda a, b: a - 0.5 * b, q, gce(q, X1, oh))
    say("e_ce3", ce(q, X1, oh))
    # minibatches: batch 2 of 5 rows, 4 steps, permutation per epoch from default_rng(9)
    rng = np.random.default_rng(9)
    q = p
    steps, perm, pos = 0, None, 5
    while steps < 4:
        if pos >= 5:
            perm, pos = rng.permutation(5), 0
        idx = perm[pos:pos + 2]
        pos += 2
        q = jax.tree_util.tree_map(lambda a, b: a - 0.3 * b, q, g(q, X1[idx], Y[idx]))
        steps += 1
    say("e_loss_batch4", mse(q, X1, Y))
    # record: losses at steps 0, 2, 4, 5 (5 steps, record 2), lr 0.3 full batch
    q = p
    rec = [float(mse(q, X1, Y))]
    for s in range(1, 6):
        q = jax.tree_util.tree_map(lambda a, b: a - 0.3 * b, q, g(q, X1, Y))
        if s in (2, 4, 5):
            rec.append(float(mse(q, X1, Y)))
    put("e_record", np.array(rec))

    # standard, no bias, relu, depth 1 width 5: explicit params, biases none
    Ws2 = [randn(3, 5, 51), randn(5, 1, 52)]
    net2 = mlp_layers(1, [5], stax.Relu, param="standard")
    p2 = ((jnp.asarray(Ws2[0]), None), (), (jnp.asarray(Ws2[1]), None))
    put("e2_f2", net2[1](p2, X2))
    put("e2_ntk12", nt.empirical_ntk_fn(net2[1], trace_axes=(-1,), vmap_axes=0, implementation=1)(X1, X2, p2))
    # b_std_out none: biases [b1, none], gelu
    net3 = mlp_layers(1, [6], lambda: stax.Gelu(approximate=False), b_std=0.5, b_std_out=None)
    W3 = [randn(3, 6, 61), randn(6, 1, 62)]
    b3 = randn(6, 1, 63)
    p3 = ((jnp.asarray(W3[0]), jnp.asarray(b3.reshape(1, -1))), (), (jnp.asarray(W3[1]), None))
    put("e3_f1", net3[1](p3, X1))
    put("e3_ntk21", nt.empirical_ntk_fn(net3[1], trace_axes=(-1,), vmap_axes=0, implementation=1)(X2, X1, p3))

    # init: numpy draws, depth first (W then b); ntk: N(0,1); standard: scaled
    rng = np.random.default_rng(3)
    put("e_init_ntk_w1", rng.standard_normal((3, 4)))
    put("e_init_ntk_b1", rng.standard_normal((1, 4)))
    put("e_init_ntk_w2", rng.standard_normal((4, 2)))
    put("e_init_ntk_b2", rng.standard_normal((1, 2)))
    rng = np.random.default_rng(4)
    put("e_init_std_w1", rng.standard_normal((3, 4)) * 1.5 / np.sqrt(3))
    put("e_init_std_b1", rng.standard_normal((1, 4)) * 0.2)
    put("e_init_std_w2", rng.standard_normal((4, 2)) * 1.5 / np.sqrt(4))
    put("e_init_std_b2", rng.standard_normal((1, 2)) * 0.2)


# ---------------------------------------------------------------- predict.md
def predict():
    Xtr, Xte = randn(6, 3, 71), randn(4, 3, 72)
    Y = randn(6, 2, 73)
    put("p_xtr", Xtr); put("p_xte", Xte); put("p_y", Y)
    net = mlp_layers(2, [8, 8], stax.Erf, W_std=1.3, b_std=0.1)  # erf: no ReLU-diagonal caveat
    Ktt = np.asarray(net[2](Xtr, None, "ntk"))
    Ktd = np.asarray(net[2](Xte, Xtr, "ntk"))
    f0 = randn(6, 2, 74)
    fn = nt.predict.gradient_descent_mse(Ktt, Y, learning_rate=0.5, diag_reg=0.1)
    tr, te = fn(5.0, f0, 0.25 * np.ones((4, 2)), Ktd)
    put("p_fin_train", tr); put("p_fin_test", te)
    fn = nt.predict.gradient_descent_mse(Ktt, Y, diag_reg=0.3, diag_reg_absolute_scale=True)
    tr, te = fn(None, f0, np.zeros((4, 2)), Ktd)
    put("p_inf_train", tr); put("p_inf_test", te)
    fn = nt.predict.gradient_descent_mse(Ktt, Y, learning_rate=2.0)
    put("p_trainonly", fn(1.5, f0))
    ens = nt.predict.gradient_descent_mse_ensemble(net[2], Xtr, Y, learning_rate=1.0, diag_reg=1e-3)
    m = ens(x_test=Xte, get="nngp", t=3.0, compute_cov=True)
    put("p_ens_nngp_mean", m.mean); put("p_ens_nngp_cov", m.covariance)
    m = ens(x_test=Xte, get="ntk", t=None, compute_cov=True)
    put("p_ens_ntk_mean", m.mean); put("p_ens_ntk_cov", m.covariance)


# ---------------------------------------------------------------- images.md
def images():
    X = randn(3, 5 * 4 * 2, 81)  # 3 samples, 5x4x2 NHWC
    put("i_x", X)
    I = X.reshape(3, 5, 4, 2)
    X2 = randn(2, 5 * 4 * 2, 82)
    I2 = X2.reshape(2, 5, 4, 2)

    def both(name, net):
        n, k = kernels(net, I, I2)
        put(name + "_nngp", n); put(name + "_ntk", k)

    both("i_same", stax.serial(stax.Conv(4, (2, 2), padding="SAME", b_std=0.1), stax.Relu(),
                               stax.AvgPool((2, 2)), stax.Flatten(), stax.Dense(1)))
    both("i_circ", stax.serial(stax.Conv(3, (3, 2), strides=(2, 1), padding="CIRCULAR", W_std=1.4),
                               stax.Erf(), stax.GlobalAvgPool(), stax.Dense(1, b_std=0.2)))
    both("i_poolsame", stax.serial(stax.Conv(3, (2, 2)), stax.Relu(), stax.AvgPool((3, 3), padding="SAME"),
                                   stax.GlobalAvgPool(), stax.Dense(1)))
    both("i_dense", stax.serial(stax.Conv(3, (3, 3), b_std=0.2), stax.Relu(), stax.Dense(2, W_std=1.2),
                                stax.Relu(), stax.Flatten(), stax.Dense(1)))
    # finite: init(net, I, seed: 5) as numpy draws, 'ntk' parameterization: unscaled N(0,1)
    net = stax.serial(stax.Conv(3, (2, 2), padding="SAME", b_std=0.1), stax.Relu(), stax.Flatten(),
                      stax.Dense(2))
    p = numpy_params(net, I.shape, 5, lambda i, s: 1.0)
    put("i_apply", net[1](p, I))
    put("i_entk", nt.empirical_ntk_fn(net[1], trace_axes=(-1,), vmap_axes=0, implementation=1)(I, I2, p))
    put("i_conv_w", np.asarray(p[0][0]).reshape(2 * 2 * 2, 3))
    # standard parameterization: init scales Conv weights by W_std/sqrt(fh·fw·c_in), biases by b_std;
    # then 3 full-batch gradient steps (learning rate 0.1) on the MSE loss
    net = stax.serial(stax.Conv(3, (3, 2), strides=(1, 2), padding="CIRCULAR", W_std=1.3, b_std=0.2,
                                parameterization="standard"), stax.Erf(),
                      stax.AvgPool((2, 1)), stax.Flatten(), stax.Dense(2, W_std=0.7, parameterization="standard"))
    sc = {0: 1.3 / np.sqrt(3 * 2 * 2), 1: 0.2}
    _, p0 = net[0](jax.random.PRNGKey(0), I.shape)
    fan_dense = jax.tree_util.tree_leaves(p0)[2].shape[0]
    sc[2] = 0.7 / np.sqrt(fan_dense)
    p = numpy_params(net, I.shape, 7, lambda i, s: sc[i])
    put("i_std_apply", net[1](p, I))
    Y = randn(3, 2, 83)

    def mse(params):
        return 0.5 * jnp.mean((net[1](params, I) - Y) ** 2)

    for _ in range(3):
        p = jax.tree_util.tree_map(lambda a, b: a - 0.1 * b, p, jax.grad(mse)(p))
    say("i_std_loss3", mse(p))
    put("i_std_apply3", net[1](p, I2))


# ---------------------------------------------------------------- arrays.md
def arrays():
    A = randn(4, 3, 91)
    put("a_a", A)
    put("a_sum0", A.sum(axis=0, keepdims=True)); put("a_mean1", A.mean(axis=1, keepdims=True))
    put("a_max0", A.max(axis=0, keepdims=True)); put("a_min1", A.min(axis=1, keepdims=True))
    put("a_norm0", np.linalg.norm(A, axis=0, keepdims=True))
    S = A.T @ A + np.eye(3)
    put("a_eig", np.linalg.eigvalsh(S)); put("a_chol", np.linalg.cholesky(S))
    put("a_inv", np.linalg.inv(S)); say("a_det", np.linalg.det(S))
    put("a_solve", np.linalg.solve(S, A.T))
    put("a_reshape", A.reshape(2, 6)); put("a_diag", np.diag(S))
    put("a_softmax", jax.nn.softmax(1000 * A, axis=1)); put("a_logsoftmax0", jax.nn.log_softmax(1000 * A, axis=0))
    put("a_argmax_none", np.array([[np.argmax(A)]])); put("a_argmin0", np.argmin(A, axis=0)[None, :])
    B = np.hstack([A, 2.0 * np.ones((4, 1))])
    mu, sd = B.mean(axis=0), B.std(axis=0)
    sd[sd == 0] = 1.0
    put("a_standardize", (B - mu) / sd)
    put("a_perm", np.random.default_rng(17).permutation(10))
    put("a_uniform", np.random.default_rng(5).random((3, 2)) * 3 - 1)
    put("a_linspace", np.linspace(-1, 2, 7))
    put("a_erf", jax.scipy.special.erf(A))
    put("a_pow", np.sign(A) * np.abs(A) ** 2 ** 0.5)


# ---------------------------------------------------------------- seeds.md
def seeds():
    # a block with seed=7 draws from default_rng(7) in execution order; uniform, permutation and
    # init (weight then bias, per layer) continue the same stream (LANGUAGE.md §4, §6, §8, §11)
    rng = np.random.default_rng(7)
    put("s_n1", rng.standard_normal((1, 3)))
    put("s_u", rng.random((1, 2)))
    put("s_perm", rng.permutation(5))
    put("s_n2", rng.standard_normal((2, 2)))
    # init(mlp(depth: 1, width: 2, b_std: 0.1), X with 3 columns) without seed:
    put("s_w1", rng.standard_normal((3, 2)))
    put("s_b1", rng.standard_normal((1, 2)))
    put("s_w2", rng.standard_normal((2, 1)))
    put("s_b2", rng.standard_normal((1, 1)))
    put("s_n3", rng.standard_normal((1, 3)))
    # permutation(5, seed: none) first in a block with seed=7
    put("s_perm7", np.random.default_rng(7).permutation(5))
    A = np.array([[1.0, 2, 3], [4, 4, 4]])
    sd = A.std(axis=1, keepdims=True)
    sd[sd == 0] = 1.0
    put("s_standardize1", (A - A.mean(axis=1, keepdims=True)) / sd)


# ---------------------------------------------------------------- files.md
def files():
    """Files numpy writes in every layout LANGUAGE.md §4/§10 promises `load` reads."""
    A = randn(3, 4, 101)
    put("f_a", A)
    np.save(os.path.join(DATA, "f_float32.npy"), A.astype(np.float32))
    put("f_float32_as64", A.astype(np.float32).astype(np.float64))
    np.save(os.path.join(DATA, "f_fortran.npy"), np.asfortranarray(A))
    np.save(os.path.join(DATA, "f_scalar.npy"), np.float64(2.5))
    np.save(os.path.join(DATA, "f_vector.npy"), np.array([1.5, -2.0, 3.25]))
    np.save(os.path.join(DATA, "f_fortran32.npy"), np.asfortranarray(A.astype(np.float32)))
    I = randn(2, 3 * 2 * 2, 102).reshape(2, 3, 2, 2)
    np.save(os.path.join(DATA, "f_images.npy"), I)
    put("f_images_flat", I.reshape(2, -1))
    with open(os.path.join(DATA, "f_header.csv"), "w") as f:
        f.write("x,y,z\n")
        for r in A[:, :3]:
            f.write(",".join(repr(float(v)) for v in r) + "\n")


# ---------------------------------------------------------------- finite_stax.md
def finite_stax():
    """apply / empirical_ntk of stax networks on params that init(net, X, seed:) draws: one
    numpy default_rng(seed) stream, depth first, weight then bias ('ntk': unscaled)."""
    X1, X2 = randn(5, 4, 111), randn(3, 4, 112)
    one = lambda i, s: 1.0

    def both(name, net, seed, X1=X1, X2=X2, scales=one):
        p = numpy_params(net, X1.shape, seed, scales)
        put(name + "_f", net[1](p, X1))
        put(name + "_entk", nt.empirical_ntk_fn(net[1], trace_axes=(-1,), vmap_axes=0, implementation=1)(X1, X2, p))

    blk = stax.serial(stax.FanOut(2), stax.parallel(stax.serial(stax.Relu(), stax.Dense(6, W_std=1.1, b_std=0.2)),
                                                   stax.Identity()), stax.FanInSum())
    both("fs_res", stax.serial(stax.Dense(6, W_std=1.5, b_std=0.05), blk, blk, stax.Relu(),
                               stax.Dense(2, W_std=1.5)), 1)
    both("fs_concat", stax.serial(stax.Dense(5, b_std=0.1), stax.FanOut(3),
                                  stax.parallel(stax.Dense(2), stax.serial(stax.Erf(), stax.Dense(3, b_std=0.3)),
                                                stax.Relu()),
                                  stax.FanInConcat(), stax.Gelu(approximate=True), stax.Dense(1)), 2)
    both("fs_ln", stax.serial(stax.Dense(6, b_std=0.4), stax.LayerNorm(), stax.Sign(), stax.Dense(3),
                              stax.LeakyRelu(0.1), stax.Dense(1, b_std=0.2)), 3)
    rep = stax.serial(stax.Dense(5, b_std=0.1), stax.Tanh() if hasattr(stax, "Tanh") else
                      stax.Elementwise(jnp.tanh, None, None))
    both("fs_repeat", stax.serial(rep, rep, rep, stax.Dense(2)), 4)
    both("fs_prod", stax.serial(stax.Dense(4), stax.FanOut(2), stax.parallel(stax.Dense(3), stax.Dense(3, b_std=0.5)),
                                stax.FanInProd(), stax.Abs(), stax.Dense(1)), 5)
    # standard parameterization: init scales W by W_std/sqrt(fan_in), b by b_std
    net = stax.serial(stax.Dense(6, W_std=1.3, b_std=0.2, parameterization="standard"), stax.Relu(),
                      stax.Dense(2, W_std=0.9, parameterization="standard"))
    sc = {0: 1.3 / np.sqrt(4), 1: 0.2, 2: 0.9 / np.sqrt(6)}
    both("fs_std", net, 6, scales=lambda i, s: sc[i])
    # every activation's finite function and derivative: Dense(6) -> act -> Dense(2)
    zoo = [("fs_rbf", stax.Rbf(gamma=0.7)), ("fs_gauss", stax.Gaussian(a=1.5, b=-0.5)),
           ("fs_exp", stax.Exp(a=0.8, b=0.5)), ("fs_sin", stax.Sin(a=0.5, b=2.0, c=0.3)),
           ("fs_cos", stax.Cos(a=1.2, b=0.7, c=-0.2)), ("fs_erf", stax.Erf(a=2.0, b=0.5, c=0.1)),
           ("fs_mono", stax.Monomial(3)), ("fs_rmono", stax.RectifiedMonomial(2)),
           ("fs_poly", stax.Polynomial([0.5, -1.0, 0.3])), ("fs_herm", stax.Hermite(3)),
           ("fs_abrelu", stax.ABRelu(-0.3, 0.8)), ("fs_gelu", stax.Gelu()), ("fs_abs", stax.Abs()),
           ("fs_rbf1", stax.Rbf()), ("fs_gauss1", stax.Gaussian()), ("fs_exp1", stax.Exp())]
    for k, (name, act) in enumerate(zoo):
        both(name, stax.serial(stax.Dense(6, b_std=0.2), act, stax.Dense(2)), 20 + k)
    # pre-activations exactly 0 (x = [1, -1] against a column [1, 1]): JAX's derivatives there
    # (relu'(0) = 0.5 from jnp.maximum's tie rule, CONVENTIONS §2; abs'(0) = 0; ...)
    Xz = np.array([[1.0, -1.0], [0.5, 2.0]])
    W1 = np.array([[1, 2, 0.5], [1, -1, 0.3]]); W2 = np.array([[0.7, -1.2], [0.4, 0.9], [-0.5, 1.1]])
    for name, act in [("fz_relu", stax.Relu()), ("fz_abs", stax.Abs()), ("fz_leaky", stax.LeakyRelu(0.1)),
                      ("fz_abrelu", stax.ABRelu(-0.3, 0.8)), ("fz_rmono1", stax.RectifiedMonomial(1)),
                      ("fz_sign", stax.Sign())]:
        net = stax.serial(stax.Dense(3), act, stax.Dense(2))
        p = ((jnp.asarray(W1), None), (), (jnp.asarray(W2), None))
        put(name, nt.empirical_ntk_fn(net[1], trace_axes=(-1,), vmap_axes=0, implementation=1)(Xz, None, p))


# ---------------------------------------------------------------- more.md
def more():
    Xtr, Xte = randn(6, 3, 71), randn(4, 3, 72)
    Y = randn(6, 2, 73)
    # the NTK ensemble covariance at finite t, with a learning rate (CONVENTIONS §3)
    net = mlp_layers(1, [8], lambda: stax.Gelu(approximate=False), W_std=1.2, b_std=0.3)
    ens = nt.predict.gradient_descent_mse_ensemble(net[2], Xtr, Y, learning_rate=0.7, diag_reg=0.05)
    m = ens(x_test=Xte, get="ntk", t=2.0, compute_cov=True)
    put("m_ens_ntk_mean", m.mean); put("m_ens_ntk_cov", m.covariance)
    m = ens(x_test=Xte, get="nngp", t=None, compute_cov=True)
    put("m_ens_nngp_mean", m.mean); put("m_ens_nngp_cov", m.covariance)
    # RectifiedMonomial(2): NT's kernel off the diagonal; the K(X, X) diagonal is the finite limit
    # E[relu(z)^4] = 3q^2/2 for the NNGP and, for the NTK, + Theta_1 * E[(2 relu(z))^2] = q * 2q
    X = randn(4, 3, 121)
    rm = stax.serial(stax.Dense(8, W_std=1.2, b_std=0.1), stax.RectifiedMonomial(2), stax.Dense(1, W_std=0.8))
    n, k = kernels(rm, X)
    q = 1.44 * (X ** 2).sum(1) / 3 + 0.01
    dn = 0.64 * 1.5 * q ** 2
    dk = dn + 0.64 * q * 2 * q
    put("m_rm_nngp", np.where(np.eye(4) > 0, np.diag(dn), n))
    put("m_rm_ntk", np.where(np.eye(4) > 0, np.diag(dk), k))
    # images: standard Conv, AvgPool with strides, FanInConcat of channels, LayerNorm on channels
    I = randn(3, 4 * 4 * 2, 131).reshape(3, 4, 4, 2)
    J = randn(2, 4 * 4 * 2, 132).reshape(2, 4, 4, 2)
    put("m_i", I.reshape(3, -1)); put("m_j", J.reshape(2, -1))

    def both(name, net):
        n, k = kernels(net, I, J)
        put(name + "_nngp", n); put(name + "_ntk", k)

    both("m_conv_std", stax.serial(stax.Conv(3, (2, 2), W_std=1.3, b_std=0.1, parameterization="standard"), stax.Relu(),
                                   stax.AvgPool((2, 2), strides=(1, 2)), stax.Flatten(),
                                   stax.Dense(1, parameterization="standard")))
    both("m_concat", stax.serial(stax.Conv(2, (2, 2), padding="SAME"), stax.FanOut(2),
                                 stax.parallel(stax.Conv(3, (1, 1)), stax.serial(stax.Relu(), stax.Conv(1, (3, 3), padding="SAME"))),
                                 stax.FanInConcat(), stax.GlobalAvgPool(), stax.Dense(1)))
    both("m_ln", stax.serial(stax.Conv(3, (2, 2), b_std=0.2), stax.LayerNorm(), stax.Erf(), stax.Flatten(), stax.Dense(1)))
    # predict_ensemble on images (NTK, t = 1.5, diag_reg 1e-2), y 3×2
    cnet = stax.serial(stax.Conv(3, (2, 2), padding="SAME", b_std=0.1), stax.Relu(), stax.GlobalAvgPool(), stax.Dense(1))
    ens = nt.predict.gradient_descent_mse_ensemble(cnet[2], I, randn(3, 2, 133), diag_reg=1e-2)
    m = ens(x_test=J, get="ntk", t=1.5, compute_cov=True)
    put("m_img_mean", m.mean); put("m_img_cov", m.covariance)


# ---------------------------------------------------------------- training.md
def training():
    X, Xt = randn(7, 3, 141), randn(3, 3, 142)
    labels = np.array([0, 2, 1, 2, 0, 1, 1])
    oh = np.eye(3)[labels]
    # init of mlp(depth: 2, width: [3, 2], activation: "tanh", b_std: 0.1, b_std_out: none, out_dim: 3,
    # parameterization: "standard", W_std: 1.1): W1 b1 W2 b2 W3 from default_rng(8), scaled
    net = mlp_layers(2, [3, 2], tanh_act(25), W_std=1.1, b_std=0.1, b_std_out=None, param="standard", out_dim=3)
    rng = np.random.default_rng(8)
    W1 = rng.standard_normal((3, 3)) * 1.1 / np.sqrt(3); b1 = rng.standard_normal((1, 3)) * 0.1
    W2 = rng.standard_normal((3, 2)) * 1.1 / np.sqrt(3); b2 = rng.standard_normal((1, 2)) * 0.1
    W3 = rng.standard_normal((2, 3)) * 1.1 / np.sqrt(2)
    p = ((jnp.asarray(W1), jnp.asarray(b1)), (), (jnp.asarray(W2), jnp.asarray(b2)), (), (jnp.asarray(W3), None))
    apply_fn = net[1]
    put("t_w3", W3)
    put("t_f", apply_fn(p, Xt))
    put("t_entk", nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=1)(Xt, X, p))

    def ce(params, X, Y):
        return -jnp.mean(jnp.sum(Y * jax.nn.log_softmax(apply_fn(params, X), axis=1), axis=1))

    g = jax.grad(ce)
    # momentum 0.7, lr 0.4, batch 3 (7 rows: slices 3, 3, 1), 5 steps, permutations from default_rng(12)
    opt_init, opt_update, get_params = optimizers.momentum(0.4, 0.7)
    st = opt_init(p)
    rng = np.random.default_rng(12)
    perm, pos = None, 7
    for i in range(5):
        if pos >= 7:
            perm, pos = rng.permutation(7), 0
        idx = perm[pos:pos + 3]
        pos += 3
        st = opt_update(i, g(get_params(st), X[idx], oh[idx]), st)
    q = get_params(st)
    say("t_ce_after", ce(q, X, oh))
    put("t_logits_after", apply_fn(q, Xt))
    say("t_acc_after", np.mean(np.argmax(np.asarray(apply_fn(q, X)), axis=1) == labels))


# ---------------------------------------------------------------- pairs.md
def stats(K):
    """[Σ K, Σ K², Σ i·j·K (i, j from 1), K[0, 0], K[-1, -1], K[5, 100]] of a kernel."""
    K = np.asarray(K)
    i, j = np.arange(1, K.shape[0] + 1)[:, None], np.arange(1, K.shape[1] + 1)[None, :]
    return np.array([[K.sum(), (K ** 2).sum(), (i * j * K).sum(), K[0, 0], K[-1, -1], K[5, 100]]])


def pairs():
    """nngp and ntk of one block computed in every order and with rebound inputs / networks,
    150 and 131 inputs (blocks of 64 and partial ones)."""
    X, X2 = randn(150, 7, 151), randn(131, 7, 152)
    gelu = lambda W, b: mlp_layers(3, [9] * 3, lambda: stax.Gelu(approximate=False), W_std=W, b_std=b)
    for name, net, a, b in [("pr_x", gelu(1.4, 0.1), X, None), ("pr_2x", gelu(1.4, 0.1), 2 * X, None),
                            ("pr_b3", gelu(1.4, 0.3), X, None), ("pr_w1", gelu(1.0, 0.1), X, None),
                            ("pr_x_x2", gelu(1.4, 0.1), X, X2), ("pr_x2_x", gelu(1.4, 0.1), X2, X)]:
        n, k = kernels(net, a, b)
        put(name + "_nngp", stats(n)); put(name + "_ntk", stats(k))
    relu = mlp_layers(2, [5, 5], stax.Relu, W_std=1.3, b_std=0.2, param="standard")
    n, k = kernels(relu, X2, X)
    put("pr_relu_nngp", stats(n)); put("pr_relu_ntk", stats(k))


if __name__ == "__main__":
    pairs()
    training()
    more()
    files()
    finite_stax()
    seeds()
    kernels_mlp()
    layers_stax()
    empirical()
    predict()
    images()
    arrays()
    print("wrote", len(os.listdir(DATA)), "files to", DATA)
