#!/usr/bin/env python3
"""Golden fixtures for LANGUAGE.md §9 (networks built from stax layers) and §10 (convolutions),
computed by neural-tangents 0.6.5 in float64.

Run with the reference venv (see /work/shared/reference/README.md), from anywhere:

    /tmp/ntref/bin/python Tests/NTKCoreTests/Fixtures/stax/make_stax_fixtures.py

Writes, next to this script, stax_activations.json, stax_combinators.json, stax_conv.json,
stax_finite.json and stax_rectified_monomial.json, each {"nt_version", "jax_version",
"cases": [...]}. README.md in this folder describes every field. Every case is written twice
from one description: as the NT stax
expression ("nt", evaluated here) and as the Tangent §9/§10 source line ("tangent"). The output
is deterministic. It takes about 15 minutes on two shared cores (mostly JAX compiling the
empirical NTK three ways per case).

Every number NT returns is audited, and the script stops (AuditFailure) rather than write a
fixture that disagrees with an independent computation:
  * analytic kernels against stax_audit.py (numpy, textbook formulas, no NT code), 1e-11 relative
    and 1e-7 on the K(X1, X1) diagonal (CONVENTIONS.md §1.4); NT's refusals must be refusals
    there too (no Gaussian input);
  * apply_fn against np_apply below (numpy forward pass from the same explicit parameters, which
    also checks the HWIO / bias layouts), 1e-12;
  * the empirical NTK (implementation 1) against mean_c J J^T from jax.jacobian, 1e-12, and
    implementations 2 and 3 are recorded beside it.

    STAX_ANALYTIC_ONLY=1 STAX_OUT=/tmp/x /tmp/ntref/bin/python make_stax_fixtures.py
runs only the analytic side and its audit (about 1 minute) into another folder. File names as
arguments regenerate only those files, e.g. `make_stax_fixtures.py stax_rectified_monomial.json`,
and STAX_CASES=name,name only those cases of them (the others are kept as they are).
"""

import json
import math
import os
import sys
import warnings

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
import jax.flatten_util  # noqa: E402
import jax.numpy as jnp  # noqa: E402

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import neural_tangents as nt  # noqa: E402
    from neural_tangents import stax  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import stax_audit  # noqa: E402
PARAM_SEED = 1          # every case draws its parameters from numpy default_rng(1)
LEARNING_RATE = 0.1

# ----------------------------------------------------------------------------
# Number and source formatting
# ----------------------------------------------------------------------------


def num(x):
    """A JSON number (Python repr round-trips); non-finite values as strings."""
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def nested(a):
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return num(a)
    return [nested(x) for x in a]


def src(v):
    """A value in Tangent source (§2): numbers, true/false/none, "strings", [lists]."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(src(x) for x in v) + "]"
    if isinstance(v, int):
        return str(v)
    return repr(float(v))


def pysrc(v):
    if isinstance(v, str) and v.startswith("@"):
        return v[1:]  # a Python name (a function)
    if isinstance(v, (list, tuple)):
        return "(" + ", ".join(pysrc(x) for x in v) + ("," if len(v) == 1 else "") + ")"
    if isinstance(v, str):
        return repr(v)
    return repr(v)


# ----------------------------------------------------------------------------
# Layer descriptions: one object gives the NT layer, both source spellings, and the explicit
# parameters in §9's order.
# ----------------------------------------------------------------------------


class L:
    """A layer: NT constructor name, positional args, keyword args (only those written)."""

    def __init__(self, name, *args, tangent_args=None, **kwargs):
        self.name, self.args, self.kwargs = name, list(args), dict(kwargs)
        # Tangent spelling of the positional args when it differs (functions are names).
        self.tangent_args = tangent_args

    # --- NT ---
    def nt_layer(self):
        args = [FUNCS[a[1:]] if isinstance(a, str) and a.startswith("@") else a for a in self.args]
        kw = {k: (FUNCS[v[1:]] if isinstance(v, str) and v.startswith("@") else
                  (tuple(v) if isinstance(v, list) and k in ("strides",) else v))
              for k, v in self.kwargs.items()}
        if self.name in ("Conv", "AvgPool"):
            args = [args[0], tuple(args[1])] + args[2:] if self.name == "Conv" else [tuple(args[0])]
        if self.name == "Tanh":
            return stax.ElementwiseNumerical(jnp.tanh, deg=kw.get("deg", 25),
                                             df=lambda x: 1.0 - jnp.tanh(x) ** 2)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return getattr(stax, self.name)(*args, **kw)

    def nt_src(self):
        if self.name == "Tanh":
            return (f"stax.ElementwiseNumerical(jnp.tanh, deg={self.kwargs.get('deg', 25)}, "
                    f"df=lambda x: 1 - jnp.tanh(x)**2)")
        parts = [pysrc(a) for a in self.args]
        parts += [f"{k}={pysrc(v)}" for k, v in self.kwargs.items()]
        return f"stax.{self.name}({', '.join(parts)})"

    def tangent(self):
        args = self.tangent_args if self.tangent_args is not None else self.args
        parts = [a[1:] if isinstance(a, str) and a.startswith("@") else src(a) for a in args]
        for k, v in self.kwargs.items():
            parts.append(f"{k}: {v[1:] if isinstance(v, str) and v.startswith('@') else src(v)}")
        return f"{self.name}({', '.join(parts)})"

    @property
    def has_params(self):
        return self.name in ("Dense", "Conv")


class Serial:
    def __init__(self, *layers):
        self.layers = list(layers)

    def nt_layer(self):
        return stax.serial(*[l.nt_layer() for l in self.layers])

    def nt_src(self):
        return "stax.serial(" + ", ".join(l.nt_src() for l in self.layers) + ")"

    def tangent(self):
        return "serial(" + ", ".join(l.tangent() for l in self.layers) + ")"


class Parallel(Serial):
    def nt_layer(self):
        return stax.parallel(*[l.nt_layer() for l in self.layers])

    def nt_src(self):
        return "stax.parallel(" + ", ".join(l.nt_src() for l in self.layers) + ")"

    def tangent(self):
        return "parallel(" + ", ".join(l.tangent() for l in self.layers) + ")"


class Repeat:
    """Tangent's repeat(layer, n). NT's stax.repeat when nt_repeat (shapes allow), else NT's
    documented replacement serial(*([layer] * n)) (separate parameters per copy, as Tangent)."""

    def __init__(self, layer, n, nt_repeat=True):
        self.layer, self.n, self.nt_repeat = layer, n, nt_repeat

    def nt_layer(self):
        if self.nt_repeat:
            return stax.repeat(self.layer.nt_layer(), self.n)
        return stax.serial(*[self.layer.nt_layer() for _ in range(self.n)])

    def nt_src(self):
        if self.nt_repeat:
            return f"stax.repeat({self.layer.nt_src()}, {self.n})"
        return f"stax.serial(*([{self.layer.nt_src()}] * {self.n}))"

    def tangent(self):
        return f"repeat({self.layer.tangent()}, {self.n})"


def Dense(out, **kw):
    return L("Dense", out, **kw)


def Conv(out, filt, **kw):
    return L("Conv", out, list(filt), **kw)


def A(name, *args, **kw):
    return L(name, *args, **kw)


# Functions for ElementwiseNumerical: JAX version here, Tangent `def` text in the case.
FUNCS = {
    "f": lambda x: jnp.sin(x) + 0.5 * x,
    "df": lambda x: jnp.cos(x) + 0.5,
}
FUNC_DEFS = {
    "f": "def f(x):\n    return sin(x) + 0.5 * x",
    "df": "def df(x):\n    return cos(x) + 0.5",
}

# ----------------------------------------------------------------------------
# Explicit parameters in §9 order
# ----------------------------------------------------------------------------


class Draws:
    """numpy default_rng(PARAM_SEED) draws, depth-first, weight then bias per layer."""

    def __init__(self):
        self.rng = np.random.default_rng(PARAM_SEED)
        self.weights, self.biases, self.hwio, self.kinds = [], [], [], []

    def layer(self, layer, in_shape, ref_params):
        W_ref, b_ref = ref_params
        std = layer.kwargs.get("W_std", 1.0)
        b_std = layer.kwargs.get("b_std", None)
        standard = layer.kwargs.get("parameterization", "ntk") == "standard"
        if layer.name == "Dense":
            fan_in = in_shape[-1]
            shape2 = (fan_in, layer.args[0])
        else:
            fh, fw = layer.args[1]
            fan_in = fh * fw * in_shape[-1]
            shape2 = (fan_in, layer.args[0])
        W = self.rng.standard_normal(shape2)
        b = None if b_std is None else self.rng.standard_normal((1, shape2[1]))
        if standard:
            W = W * (std / math.sqrt(fan_in))
            b = None if b is None else b * b_std
        W_nt = W.reshape(W_ref.shape)           # Conv: HWIO (rows of W are in HWI order)
        assert W_nt.shape == W_ref.shape
        if b is None:
            assert b_ref is None
            b_nt = None
        else:
            b_nt = b.reshape(b_ref.shape)       # (1, out) or (1, 1, 1, out)
        self.weights.append(W)
        self.biases.append(b)
        self.hwio.append(W_nt if layer.name == "Conv" else None)
        self.kinds.append(layer.name)
        return (jnp.asarray(W_nt), None if b_nt is None else jnp.asarray(b_nt))


def build_params(layer, in_shape, draws):
    """(out_shape, NT params pytree) with parameters from `draws`."""
    key = jax.random.PRNGKey(0)
    if isinstance(layer, Repeat):
        copies, shape = [], in_shape
        for _ in range(layer.n):
            shape, p = build_params(layer.layer, shape, draws)
            copies.append(p)
        if layer.nt_repeat:
            return shape, jax.tree_util.tree_map(lambda *xs: jnp.stack(xs), *copies)
        return shape, tuple(copies)
    if isinstance(layer, Parallel):
        outs, ps = [], []
        for l, s in zip(layer.layers, in_shape):
            o, p = build_params(l, s, draws)
            outs.append(o)
            ps.append(p)
        return outs, tuple(ps)
    if isinstance(layer, Serial):
        ps, shape = [], in_shape
        for l in layer.layers:
            shape, p = build_params(l, shape, draws)
            ps.append(p)
        return shape, tuple(ps)
    init_fn = layer.nt_layer()[0]
    out_shape, ref = init_fn(key, in_shape)
    if layer.has_params:
        return out_shape, draws.layer(layer, in_shape, ref)
    return out_shape, ref


def params_to_lists(layer, params, out):
    """Inverse of build_params: [(W, b), ...] in §9 order (W as NT stores it)."""
    if isinstance(layer, Repeat):
        for i in range(layer.n):
            p = (jax.tree_util.tree_map(lambda x: x[i], params) if layer.nt_repeat
                 else params[i])
            params_to_lists(layer.layer, p, out)
    elif isinstance(layer, (Serial, Parallel)):
        for l, p in zip(layer.layers, params):
            params_to_lists(l, p, out)
    elif layer.has_params:
        out.append(params)
    return out


def lists_json(pairs):
    Ws, bs = [], []
    for W, b in pairs:
        W = np.asarray(W)
        Ws.append(nested(W.reshape(-1, W.shape[-1])))
        bs.append(None if b is None else nested(np.asarray(b).reshape(1, -1)))
    return Ws, bs


# ----------------------------------------------------------------------------
# Independent numpy forward pass (audit of NT's apply_fn and of the parameter layout)
# ----------------------------------------------------------------------------

from scipy.special import erf as np_erf  # noqa: E402


def np_act(name, args, kw, x):
    a = lambda k, d: kw.get(k, d)  # noqa: E731
    if name == "Relu":
        return np.maximum(x, 0)
    if name == "LeakyRelu":
        return np.where(x > 0, x, args[0] * x)
    if name == "ABRelu":
        return args[0] * np.minimum(x, 0) + args[1] * np.maximum(x, 0)
    if name == "Abs":
        return np.abs(x)
    if name == "Sign":
        return np.sign(x)
    if name == "Erf":
        return a("a", 1.0) * np_erf(a("b", 1.0) * x) + a("c", 0.0)
    if name == "Gelu":
        if a("approximate", False):
            return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
        return x * (1 + np_erf(x / math.sqrt(2))) / 2
    if name == "Sin":
        return a("a", 1.0) * np.sin(a("b", 1.0) * x + a("c", 0.0))
    if name == "Cos":
        return a("a", 1.0) * np.cos(a("b", 1.0) * x + a("c", 0.0))
    if name == "Rbf":
        g = a("gamma", 1.0)
        return math.sqrt(2) * np.sin(math.sqrt(2 * g) * x + math.pi / 4)
    if name == "Gaussian":
        return a("a", 1.0) * np.exp(a("b", -1.0) * x ** 2)
    if name == "Exp":
        return a("a", 1.0) * np.exp(a("b", 1.0) * x)
    if name == "Monomial":
        return x ** args[0]
    if name == "RectifiedMonomial":
        return (x >= 0) * x ** args[0]
    if name == "Polynomial":
        return sum(c * x ** i for i, c in enumerate(args[0]))
    if name == "Hermite":
        n = args[0]
        He = np.polynomial.hermite_e.hermeval(x, [0] * n + [1])
        return He / math.sqrt(math.factorial(n))
    if name == "Tanh":
        return np.tanh(x)
    if name == "ElementwiseNumerical":
        assert args[0] == "@f"
        return np.sin(x) + 0.5 * x
    if name == "Identity":
        return x
    raise KeyError(name)


def np_conv(x, W, strides, padding):
    """x: n,h,w,c; W: fh,fw,ci,co (HWIO), cross-correlation as lax.conv_general_dilated."""
    n, h, w, c = x.shape
    fh, fw = W.shape[:2]
    sh, sw = strides
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + fh - h, 0)
        pw = max((ow - 1) * sw + fw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    elif padding == "CIRCULAR":
        # NT: wrap-pad as for SAME, then VALID (stride 1 output size = input size).
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + fh - h, 0)
        pw = max((ow - 1) * sw + fw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)),
                   mode="wrap")
    H, Wd = x.shape[1], x.shape[2]
    oh, ow = (H - fh) // sh + 1, (Wd - fw) // sw + 1
    out = np.zeros((n, oh, ow, W.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * sh:i * sh + fh, j * sw:j * sw + fw, :]
            out[:, i, j, :] = np.einsum("nhwc,hwco->no", patch, W)
    return out


def np_avgpool(x, window, strides, padding):
    strides = strides or (1, 1)
    n, h, w, c = x.shape
    fh, fw = window
    sh, sw = strides
    if padding == "SAME":
        oh, ow = -(-h // sh), -(-w // sw)
        ph = max((oh - 1) * sh + fh - h, 0)
        pw = max((ow - 1) * sw + fw - w, 0)
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    H, Wd = x.shape[1], x.shape[2]
    oh, ow = (H - fh) // sh + 1, (Wd - fw) // sw + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j, :] = x[:, i * sh:i * sh + fh, j * sw:j * sw + fw, :].sum((1, 2)) / (fh * fw)
    return out


def np_apply(layer, params, x):
    if isinstance(layer, Repeat):
        for i in range(layer.n):
            p = (jax.tree_util.tree_map(lambda t: t[i], params) if layer.nt_repeat
                 else params[i])
            x = np_apply(layer.layer, p, x)
        return x
    if isinstance(layer, Parallel):
        return [np_apply(l, p, xi) for l, p, xi in zip(layer.layers, params, x)]
    if isinstance(layer, Serial):
        for l, p in zip(layer.layers, params):
            x = np_apply(l, p, x)
        return x
    name, kw = layer.name, layer.kwargs
    if name in ("Dense", "Conv"):
        W, b = (None if t is None else np.asarray(t) for t in params)
        std, b_std = kw.get("W_std", 1.0), kw.get("b_std", None)
        ntk = kw.get("parameterization", "ntk") == "ntk"
        if name == "Dense":
            z = np.tensordot(x, W, (x.ndim - 1, 0))
            fan_in = x.shape[-1]
        else:
            z = np_conv(x, W, kw.get("strides", (1, 1)), kw.get("padding", "VALID"))
            fan_in = W.shape[0] * W.shape[1] * W.shape[2]
        if ntk:
            z = z * (std / math.sqrt(fan_in))
            if b is not None:
                z = z + b_std * b
        elif b is not None:
            z = z + b
        return z
    if name == "FanOut":
        return [x] * layer.args[0]
    if name == "FanInSum":
        return sum(x)
    if name == "FanInProd":
        out = x[0]
        for y in x[1:]:
            out = out * y
        return out
    if name == "FanInConcat":
        return np.concatenate(x, axis=kw.get("axis", -1))
    if name == "LayerNorm":
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / np.sqrt(kw.get("eps", 1e-12) + v)
    if name == "Flatten":
        return x.reshape(x.shape[0], -1)
    if name == "GlobalAvgPool":
        return x.mean((1, 2))
    if name == "AvgPool":
        return np_avgpool(x, layer.args[0], kw.get("strides"), kw.get("padding", "VALID"))
    return np_act(name, layer.args, kw, x)


# ----------------------------------------------------------------------------
# Running a case
# ----------------------------------------------------------------------------


def rel_err(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


class AuditFailure(Exception):
    pass


def check(name, got, ref, tol):
    e = rel_err(got, ref)
    if not e <= tol:
        raise AuditFailure(f"{name}: relative error {e:.3e} > {tol:.0e}")
    return e


def inputs(case):
    """X1, X2 (and the rng, for Y) from numpy default_rng(seed).standard_normal."""
    rng = np.random.default_rng(case["seed"])
    shape = tuple(case["input_shape"])  # per sample: (d,) or (h, w, c)
    X1 = rng.standard_normal((case["n1"],) + shape)
    X2 = rng.standard_normal((case["n2"],) + shape)
    if case.get("zero_row"):
        X1[-1] = 0.0
    return X1, X2, rng


def err_text(e):
    return f"{type(e).__name__}: {e}"


def run_case(case, family):
    net = case.pop("net")
    X1, X2, rng = inputs(case)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        init_fn, apply_fn, kernel_fn = net.nt_layer()
    out = {"name": case["name"], "family": family, "tangent": net.tangent(), "nt": net.nt_src()}
    if case.get("defs"):
        out["tangent_defs"] = [FUNC_DEFS[d] for d in case["defs"]]
    for k in ("note", "tangent_expect"):
        if case.get(k):
            out[k] = case[k]
    out.update(seed=case["seed"], X1=nested(X1), X2=nested(X2))

    # Analytic kernels (infinite width).
    if case.get("analytic", True):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                k11 = kernel_fn(X1, None, ("nngp", "ntk"))
                k12 = kernel_fn(X1, X2, ("nngp", "ntk"))
            if np.asarray(k11.nngp).ndim != 2:
                out["nt_kernel_shape"] = list(np.asarray(k12.nngp).shape)
            else:
                out.update(nngp_11=nested(k11.nngp), ntk_11=nested(k11.ntk),
                           nngp_12=nested(k12.nngp), ntk_12=nested(k12.ntk))
        except Exception as e:  # NT refuses: record its message
            out["nt_error"] = err_text(e)
        audit_analytic(net, case, out, X1, X2)

    # Finite network with explicit parameters.
    if case.get("finite", True) and not os.environ.get("STAX_ANALYTIC_ONLY"):
        draws = Draws()
        _, params = build_params(net, X1.shape, draws)
        out["weights"] = [nested(W) for W in draws.weights]
        out["biases"] = [None if b is None else nested(b) for b in draws.biases]
        if any(h is not None for h in draws.hwio):
            out["conv_weights_hwio"] = [None if h is None else nested(h) for h in draws.hwio]
        f1 = np.asarray(apply_fn(params, X1))
        f2 = np.asarray(apply_fn(params, X2))
        out["f1"], out["f2"] = nested(f1), nested(f2)
        check(case["name"] + " apply vs numpy forward", f1, np_apply(net, params, X1), 1e-12)
        check(case["name"] + " apply(X2) vs numpy forward", f2, np_apply(net, params, X2), 1e-12)
        if f1.ndim == 2:
            e11, e12, diffs = empirical(apply_fn, params, X1, X2, case["name"])
            out["empirical_ntk_11"], out["empirical_ntk_12"] = nested(e11), nested(e12)
            out["empirical_impl_max_rel_diff"] = diffs
        if case.get("train"):
            Y = rng.standard_normal(f1.shape)
            out["Y"] = nested(Y)
            out["learning_rate"] = LEARNING_RATE

            def loss(p):
                f = apply_fn(p, X1)
                return 0.5 * jnp.mean((f - Y) ** 2)

            L0, g = jax.value_and_grad(loss)(params)
            new = jax.tree_util.tree_map(lambda p, d: p - LEARNING_RATE * d, params, g)
            out["loss_0"] = num(L0)
            Ws, bs = lists_json(params_to_lists(net, new, []))
            out["weights_1"], out["biases_1"] = Ws, bs
            out["loss_1"] = num(loss(new))
            out["f1_after_step"] = nested(apply_fn(new, X1))
            # Audit: the first-order change of the loss is -lr * |grad|^2.
            flat_g, _ = jax.flatten_util.ravel_pytree(g)
            gn = float(flat_g @ flat_g)
            out["grad_norm_sq"] = num(gn)
    return out


def audit_analytic(net, case, out, X1, X2):
    """Compare NT's kernels with stax_audit's independent numpy kernels. Tolerances (relative to
    max |entry|): 1e-11, and 1e-7 on the K(X1, X1) diagonal (CONVENTIONS.md §1.4)."""
    try:
        ref = stax_audit.analytic(net, X1, X2)
    except stax_audit.Unsupported as e:
        if "non-Gaussian" in str(e):
            if "nt_error" not in out:
                raise AuditFailure(f"{case['name']}: the audit refuses ({e}) but NT does not")
            out["audit"] = {"independent_refusal": str(e)}
        else:
            out["audit"] = {"skipped": str(e)}
        return
    if "nt_error" in out:
        raise AuditFailure(f"{case['name']}: NT refuses but the audit computes a kernel")
    if "nngp_11" not in out:
        return
    quad = any(isinstance(l, L) and l.name in ("Tanh", "ElementwiseNumerical")
               for l in walk(net))
    tol_off = 1e-11
    if quad:  # how far NT's `deg`-node rule is from the integral (300 nodes)
        stax_audit.QUAD_DEG = 300
        try:
            exact = stax_audit.analytic(net, X1, X2)
        finally:
            stax_audit.QUAD_DEG = None
        out["quadrature_error_vs_deg300"] = max(rel_err(a, b) for a, b in zip(ref, exact))
    # NT's RectifiedMonomial diagonal is arccos(1) = 0 divided by sin(0): NaN, or, where
    # rounding leaves theta ~ 1e-8, a meaningless finite number. Not checked; the finite limit
    # (what LANGUAGE.md §9 says Tangent returns) is recorded from the audit instead.
    rect = any(isinstance(l, L) and l.name == "RectifiedMonomial" for l in walk(net))
    if rect:
        out["diag_11_limit"] = {"nngp": nested(np.diag(ref[0])), "ntk": nested(np.diag(ref[1]))}
    worst_off, worst_diag, nans = 0.0, 0.0, 0
    names = ("nngp_11", "ntk_11", "nngp_12", "ntk_12")
    for key, r in zip(names, ref):
        got = np.array([[np.nan if v == "NaN" else v for v in row] for row in out[key]])
        scale = max(np.max(np.abs(r)), 1e-300)
        ok = ~np.isnan(got)
        nans += int((~ok).sum())
        err = np.where(ok, np.abs(got - r), 0.0) / scale
        if key.endswith("_11"):
            dg = np.diag(err).copy()
            np.fill_diagonal(err, 0.0)
            if not rect:
                worst_diag = max(worst_diag, float(dg.max()))
        worst_off = max(worst_off, float(err.max()))
    if worst_off > tol_off or worst_diag > max(tol_off, 1e-7):
        raise AuditFailure(f"{case['name']}: NT vs independent kernel: off-diagonal "
                           f"{worst_off:.2e}, K(X1,X1) diagonal {worst_diag:.2e}")
    out["audit"] = {"max_rel_err_offdiag": worst_off, "max_rel_err_diag_11": worst_diag}
    if nans:
        out["audit"]["nt_nan_entries"] = nans


def same_numbers(cases, a, b):
    """Audit: two spellings of one network (Dense on images, and a 1x1 Conv) agree."""
    by = {c["name"]: c for c in cases}
    if a not in by:
        return
    x, y = by[a], by[b]
    assert x["seed"] == y["seed"]
    for key in ("nngp_11", "ntk_11", "nngp_12", "ntk_12", "f1", "f2", "empirical_ntk_11",
                "empirical_ntk_12"):
        if key not in x:  # STAX_ANALYTIC_ONLY
            continue
        check(f"{a} vs {b}: {key}", y[key], x[key], 1e-12)


def walk(layer):
    yield layer
    for sub in getattr(layer, "layers", []):
        yield from walk(sub)
    if isinstance(layer, Repeat):
        yield from walk(layer.layer)


def empirical(apply_fn, params, X1, X2, name):
    """Traced (mean over outputs) empirical NTK, implementation 1, checked against J J^T from
    jax.jacobian and against implementations 2 and 3."""
    res = {}
    for impl in (1, 2, 3):
        fn = nt.empirical_ntk_fn(apply_fn, trace_axes=(-1,), vmap_axes=0, implementation=impl)
        res[impl] = (np.asarray(fn(X1, None, params)), np.asarray(fn(X1, X2, params)))
    flat, unravel = jax.flatten_util.ravel_pytree(params)
    J1 = np.asarray(jax.jacobian(lambda p: apply_fn(unravel(p), X1))(flat))
    J2 = np.asarray(jax.jacobian(lambda p: apply_fn(unravel(p), X2))(flat))
    jj11 = np.einsum("acp,bcp->ab", J1, J1) / J1.shape[1]
    jj12 = np.einsum("acp,bcp->ab", J1, J2) / J1.shape[1]
    check(name + " empirical NTK(X1,X1) vs mean_c J J^T", res[1][0], jj11, 1e-12)
    check(name + " empirical NTK(X1,X2) vs mean_c J J^T", res[1][1], jj12, 1e-12)
    diffs = {str(i): max(rel_err(res[i][0], res[1][0]), rel_err(res[i][1], res[1][1]))
             for i in (2, 3)}
    return res[1][0], res[1][1], diffs


# ----------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------

def mlp_case(name, act, seed, depth=1, width=7, d=4, W=1.5, b=0.05, out=1, param=None,
             n1=5, n2=3, **extra):
    """serial(Dense(width), act, ..., Dense(out)) with `depth` activations."""
    kw = {"W_std": W}
    if b is not None:
        kw["b_std"] = b
    if param:
        kw["parameterization"] = param
    layers = []
    for _ in range(depth):
        layers += [Dense(width, **kw), act() if callable(act) else act]
    layers.append(Dense(out, **kw))
    return dict(name=name, net=Serial(*layers), seed=seed, n1=n1, n2=n2, input_shape=[d], **extra)


def activation_cases():
    c = []
    s = iter(range(100, 200))
    # Dense alone: both parameterizations, with and without bias.
    c.append(dict(name="dense_ntk_bias", net=Serial(Dense(1, W_std=1.3, b_std=0.4)),
                  seed=next(s), n1=5, n2=3, input_shape=[3]))
    c.append(dict(name="dense_ntk_nobias", net=Serial(Dense(2, W_std=0.8)),
                  seed=next(s), n1=4, n2=3, input_shape=[5]))
    c.append(dict(name="dense_standard_bias", net=Serial(Dense(1, W_std=1.3, b_std=0.4,
                                                               parameterization="standard")),
                  seed=next(s), n1=5, n2=3, input_shape=[3]))
    c.append(mlp_case("erf_standard_nobias", lambda: A("Erf"), next(s), depth=1, W=1.3, b=None,
                      param="standard", width=6))
    c.append(dict(name="dense_standard_zero_bias",
                  net=Serial(Dense(6, W_std=1.2, b_std=0.0, parameterization="standard"),
                             A("Relu"), Dense(1, W_std=1.2, b_std=0.0,
                                             parameterization="standard")),
                  seed=next(s), n1=5, n2=3, input_shape=[4],
                  note="b_std 0.0 in 'standard' keeps a trainable bias: +1 per layer in the NTK"))
    c.append(mlp_case("relu_depth1_ntk", lambda: A("Relu"), next(s), depth=1, W=1.5, b=0.05))
    c.append(mlp_case("relu_depth2_nobias", lambda: A("Relu"), next(s), depth=2, W=1.4, b=None))
    c.append(mlp_case("relu_depth3_standard", lambda: A("Relu"), next(s), depth=3, W=1.4, b=0.1,
                      param="standard", width=6))
    c.append(mlp_case("identity_depth2", lambda: A("Identity"), next(s), depth=2, W=0.9, b=0.3))
    c.append(mlp_case("erf_default", lambda: A("Erf"), next(s), depth=1, W=1.2, b=0.2))
    c.append(mlp_case("erf_abc_depth2", lambda: A("Erf", a=1.3, b=0.7, c=0.2), next(s), depth=2,
                      W=1.1, b=0.1, out=2))
    c.append(mlp_case("gelu_exact", lambda: A("Gelu", approximate=False), next(s), depth=2,
                      W=1.3, b=0.1))
    c.append(mlp_case("gelu_approximate", lambda: A("Gelu", approximate=True), next(s), depth=1,
                      W=1.3, b=0.1, note="the kernel is the exact-GELU kernel; only apply uses "
                      "the tanh approximation"))
    c.append(mlp_case("leaky_relu", lambda: A("LeakyRelu", 0.1), next(s), depth=2, W=1.4, b=0.1))
    c.append(mlp_case("abrelu", lambda: A("ABRelu", -0.4, 1.3), next(s), depth=1, W=1.2, b=0.2))
    c.append(mlp_case("abs", lambda: A("Abs"), next(s), depth=2, W=1.1, b=0.0))
    c.append(mlp_case("sign_depth1", lambda: A("Sign"), next(s), depth=1, W=1.0, b=0.3))
    c.append(mlp_case("sign_then_relu", None, next(s), note="NTK of everything below Sign is 0")
             | dict(net=Serial(Dense(7, W_std=1.1, b_std=0.2), A("Sign"),
                               Dense(7, W_std=1.3, b_std=0.1), A("Relu"),
                               Dense(1, W_std=1.2, b_std=0.1))))
    c.append(mlp_case("sin_default", lambda: A("Sin"), next(s), depth=1, W=1.0, b=0.1))
    c.append(mlp_case("sin_abc", lambda: A("Sin", a=1.2, b=0.8, c=0.3), next(s), depth=2,
                      W=1.1, b=0.2))
    c.append(mlp_case("cos_abc", lambda: A("Cos", a=0.9, b=1.1, c=-0.2), next(s), depth=1,
                      W=1.0, b=0.2))
    c.append(mlp_case("rbf", lambda: A("Rbf", gamma=0.5), next(s), depth=1, W=1.0, b=0.1))
    c.append(mlp_case("gaussian_default", lambda: A("Gaussian"), next(s), depth=1, W=1.0, b=0.1))
    c.append(mlp_case("gaussian_ab", lambda: A("Gaussian", a=0.8, b=-0.5), next(s), depth=2,
                      W=1.2, b=0.1))
    c.append(mlp_case("exp_ab", lambda: A("Exp", a=0.7, b=0.6), next(s), depth=1, W=1.0, b=0.1))
    for deg in (0, 1, 2, 3):
        c.append(mlp_case(f"monomial_{deg}", lambda deg=deg: A("Monomial", deg), next(s),
                          depth=1, W=1.0, b=0.2))
    for deg in (0, 1, 2):
        c.append(mlp_case(f"rectified_monomial_{deg}", lambda deg=deg: A("RectifiedMonomial", deg),
                          next(s), depth=1, W=1.0, b=0.2,
                          note="NT's K(X1,X1) diagonal is NaN (arccos(1) = 0 divides by sin 0); "
                          "LANGUAGE.md §9: Tangent returns the finite limit there"))
    c.append(mlp_case("polynomial", lambda: A("Polynomial", [0.1, 1.0, 0.5]), next(s), depth=1,
                      W=1.0, b=0.1))
    c.append(mlp_case("polynomial_cubic_depth2", lambda: A("Polynomial", [0.0, -0.5, 0.0, 0.3]),
                      next(s), depth=2, W=1.0, b=0.1))
    for deg in (1, 2, 3):
        c.append(mlp_case(f"hermite_{deg}", lambda deg=deg: A("Hermite", deg), next(s), depth=1,
                          W=1.0, b=0.0, note="NT's kernel is nngp**degree (exact only for "
                          "unit-variance pre-activations)"))
    c.append(mlp_case("tanh_deg25", lambda: A("Tanh", deg=25), next(s), depth=2, W=1.5, b=0.2))
    c.append(mlp_case("tanh_deg10", lambda: A("Tanh", deg=10), next(s), depth=1, W=1.5, b=0.2))
    c.append(mlp_case("numerical_fn_df", lambda: A("ElementwiseNumerical", "@f", 25, df="@df"),
                      next(s), depth=1, W=1.2, b=0.1, defs=["f", "df"]))
    c.append(mlp_case("numerical_fn_no_df", lambda: A("ElementwiseNumerical", "@f", 25), next(s),
                      depth=1, W=1.2, b=0.1, defs=["f"],
                      tangent_expect="nngp as recorded; ntk is an error in Tangent (no df), NT "
                      "differentiates fn with jax.grad"))
    c.append(mlp_case("layernorm_then_relu", None, next(s))
             | dict(net=Serial(Dense(7, W_std=1.3, b_std=0.2), A("LayerNorm"), A("Relu"),
                               Dense(1, W_std=1.4, b_std=0.1))))
    # Refusals (activation / LayerNorm whose input is not Gaussian).
    c.append(dict(name="refuse_relu_first", net=Serial(A("Relu"), Dense(1, W_std=1.2)),
                  seed=next(s), n1=4, n2=3, input_shape=[3],
                  tangent_expect="nngp/ntk: error (activation as the first layer)"))
    c.append(dict(name="refuse_erf_first", net=Serial(A("Erf"), Dense(4), A("Relu"), Dense(1)),
                  seed=next(s), n1=4, n2=3, input_shape=[3],
                  tangent_expect="nngp/ntk: error (activation as the first layer)"))
    c.append(mlp_case("refuse_layernorm_after_relu", None, next(s),
                      tangent_expect="nngp/ntk: error (LayerNorm after an activation)")
             | dict(net=Serial(Dense(6, W_std=1.3), A("Relu"), A("LayerNorm"), Dense(1))))
    c.append(dict(name="refuse_layernorm_first", net=Serial(A("LayerNorm"), Dense(1)),
                  seed=next(s), n1=4, n2=3, input_shape=[4],
                  note="LANGUAGE.md §9 does not list this refusal"))
    c.append(mlp_case("refuse_relu_relu", None, next(s),
                      tangent_expect="nngp/ntk: error (activation after an activation)")
             | dict(net=Serial(Dense(6, W_std=1.3), A("Relu"), A("Relu"), Dense(1))))
    return c


def residual_block(width, W):
    return Serial(A("FanOut", 2),
                  Parallel(Serial(A("Relu"), Dense(width, W_std=W)), A("Identity")),
                  A("FanInSum"))


def combinator_cases():
    c = []
    s = iter(range(200, 300))
    blk = residual_block(6, 1.1)
    c.append(dict(name="cookbook_residual", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.5, b_std=0.05), blk, blk, A("Relu"),
                             Dense(1, W_std=1.5)),
                  note="the block value is used twice: separate parameters for each use"))
    c.append(dict(name="serial_nested_depth3", seed=next(s), n1=5, n2=3, input_shape=[3],
                  net=Serial(Serial(Dense(6, W_std=1.4, b_std=0.1), A("Relu")),
                             Serial(Dense(5, W_std=1.2, b_std=0.1), A("Erf")),
                             Serial(Dense(4, W_std=1.1), A("Gelu")), Dense(1, W_std=1.3))))
    c.append(dict(name="parallel_one_branch", seed=next(s), n1=4, n2=3, input_shape=[4],
                  net=Serial(A("FanOut", 1),
                             Parallel(Serial(Dense(6, W_std=1.4, b_std=0.1), A("Relu"),
                                             Dense(1, W_std=1.2))), A("FanInSum"))))
    c.append(dict(name="fan_in_sum_dense_branches", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.3, b_std=0.1), A("Relu"), A("FanOut", 3),
                             Parallel(Dense(5, W_std=1.0), Dense(5, W_std=1.5, b_std=0.2),
                                      Serial(Dense(5, W_std=1.2), A("Erf"), Dense(5))),
                             A("FanInSum"), A("Relu"), Dense(1, W_std=1.1))))
    c.append(dict(name="fan_in_prod", seed=next(s), n1=5, n2=3, input_shape=[3],
                  net=Serial(Dense(6, W_std=1.2, b_std=0.1), A("FanOut", 2),
                             Parallel(Dense(5, W_std=1.1), Serial(A("Erf"), Dense(5, W_std=1.3))),
                             A("FanInProd"), Dense(1, W_std=1.2))))
    c.append(dict(name="fan_in_concat_unequal_widths", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.4, b_std=0.1), A("FanOut", 2),
                             Parallel(Serial(A("Relu"), Dense(3, W_std=1.2)),
                                      Serial(A("Erf"), Dense(9, W_std=1.6, b_std=0.3))),
                             A("FanInConcat"), Dense(1, W_std=1.1)),
                  note="kernels averaged with weights 3/12 and 9/12 (the branches' widths)"))
    c.append(dict(name="fan_in_concat_three_branches", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(Dense(5, W_std=1.3), A("FanOut", 3),
                             Parallel(Dense(4, W_std=1.0), Serial(A("Relu"), Dense(4, W_std=1.5)),
                                      A("Identity")),
                             A("FanInConcat", axis=-1), Dense(1, W_std=1.0, b_std=0.2)),
                  note="Identity branch: width 5 vs 4 and 4 -> weights 4/13, 4/13, 5/13"))
    c.append(dict(name="repeat_nt_scan", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.4, b_std=0.1),
                             Repeat(Serial(A("Relu"), Dense(6, W_std=1.4, b_std=0.1)), 3),
                             A("Relu"), Dense(1, W_std=1.2))))
    c.append(dict(name="repeat_shape_changing", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(Repeat(Serial(Dense(5, W_std=1.3, b_std=0.1), A("Erf")), 2,
                                    nt_repeat=False), Dense(1)),
                  note="first copy maps 3 -> 5 inputs, so NT's stax.repeat refuses "
                       "(init_fn shape check); NT side is serial(*([layer] * 2))"))
    c.append(dict(name="identity_layers", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(A("Identity"), Dense(5, W_std=1.2, b_std=0.3), A("Identity"),
                             A("Relu"), A("Identity"), Dense(1, W_std=1.1))))
    c.append(dict(name="layernorm_residual", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.2, b_std=0.1), residual_block(6, 1.0),
                             A("LayerNorm"), A("Gelu"), Dense(2, W_std=1.3))))
    c.append(dict(name="refuse_fan_in_sum_not_affine", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(Dense(5, W_std=1.2), A("FanOut", 2),
                             Parallel(A("Relu"), A("Identity")), A("FanInSum"), Dense(1)),
                  tangent_expect="nngp/ntk: error (FanInSum of branches that do not end in an "
                                 "affine layer)"))
    c.append(dict(name="fan_in_sum_identity_branch_ok", seed=next(s), n1=4, n2=3,
                  input_shape=[3],
                  net=Serial(Dense(5, W_std=1.2), A("FanOut", 2),
                             Parallel(A("Identity"), Dense(5, W_std=0.7)), A("FanInSum"),
                             A("Relu"), Dense(1)),
                  note="an Identity branch passes a Gaussian through: NT accepts it"))
    c.append(dict(name="refuse_relu_after_fan_in_prod", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(Dense(5, W_std=1.2), A("FanOut", 2),
                             Parallel(Dense(4), Dense(4)), A("FanInProd"), A("Relu"), Dense(1)),
                  tangent_expect="nngp/ntk: error (activation after FanInProd)"))
    c.append(dict(name="refuse_relu_after_fan_in_concat", seed=next(s), n1=4, n2=3,
                  input_shape=[3],
                  net=Serial(Dense(5, W_std=1.2), A("FanOut", 2),
                             Parallel(Dense(4), Dense(4)), A("FanInConcat"), A("Relu"), Dense(1)),
                  tangent_expect="nngp/ntk: error (activation after FanInConcat)"))
    c.append(dict(name="refuse_layernorm_after_fan_in_prod", seed=next(s), n1=4, n2=3,
                  input_shape=[3],
                  net=Serial(Dense(5, W_std=1.2), A("FanOut", 2),
                             Parallel(Dense(4), Dense(4)), A("FanInProd"), A("LayerNorm"),
                             Dense(1))))
    return c


def conv_cases():
    c = []
    s = iter(range(300, 400))

    def img(name, net, h=4, w=4, ch=2, n1=4, n2=3, seed=None, **kw):
        own = next(s)
        return dict(name=name, net=net, seed=own if seed is None else seed, n1=n1, n2=n2,
                    input_shape=[h, w, ch], **kw)

    c.append(img("conv_valid_flatten",
                 Serial(Conv(3, [2, 2], W_std=1.4, b_std=0.1), A("Relu"), A("Flatten"),
                        Dense(1, W_std=1.2, b_std=0.1))))
    c.append(img("conv_same_flatten",
                 Serial(Conv(3, [3, 3], padding="SAME", W_std=1.3), A("Erf"), A("Flatten"),
                        Dense(1, W_std=1.1))))
    c.append(img("conv_circular_flatten",
                 Serial(Conv(3, [3, 2], padding="CIRCULAR", W_std=1.3, b_std=0.2), A("Relu"),
                        A("Flatten"), Dense(1, W_std=1.1)), h=4, w=3))
    c.append(img("conv_strides_valid_gap",
                 Serial(Conv(4, [2, 2], strides=[2, 1], W_std=1.5, b_std=0.1), A("Relu"),
                        A("GlobalAvgPool"), Dense(1, W_std=1.2)), h=5, w=4))
    c.append(img("conv_strides_same_flatten",
                 Serial(Conv(3, [3, 3], strides=[2, 2], padding="SAME", W_std=1.2), A("Gelu"),
                        A("Flatten"), Dense(1, W_std=1.0, b_std=0.2)), h=5, w=5, ch=1))
    c.append(img("conv_circular_strides_gap",
                 Serial(Conv(3, [2, 2], strides=[2, 2], padding="CIRCULAR", W_std=1.3),
                        A("Relu"), A("GlobalAvgPool"), Dense(1, W_std=1.2)), h=4, w=5))
    c.append(img("conv_standard_bias_gap",
                 Serial(Conv(3, [2, 2], padding="SAME", W_std=1.3, b_std=0.2,
                             parameterization="standard"), A("Relu"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2, b_std=0.1, parameterization="standard"))))
    c.append(img("conv_depth2_gap",
                 Serial(Conv(3, [2, 2], padding="SAME", W_std=1.4, b_std=0.1), A("Relu"),
                        Conv(3, [2, 2], W_std=1.4, b_std=0.1), A("Relu"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2))))
    c.append(img("avgpool_valid_default_strides",
                 Serial(Conv(3, [2, 2], padding="SAME", W_std=1.3), A("Relu"),
                        A("AvgPool", [2, 2]), A("Flatten"), Dense(1, W_std=1.2)),
                 note="strides none = stride 1"))
    c.append(img("avgpool_valid_strides",
                 Serial(Conv(3, [2, 2], padding="SAME", W_std=1.3), A("Relu"),
                        A("AvgPool", [2, 2], strides=[2, 2]), A("Flatten"), Dense(1, W_std=1.2))))
    c.append(img("avgpool_same_default_strides",
                 Serial(Conv(3, [2, 2], W_std=1.3, b_std=0.1), A("Erf"),
                        A("AvgPool", [3, 3], padding="SAME"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2)), h=5, w=4,
                 note="SAME divides by the full window (9) at the edges too"))
    c.append(img("avgpool_same_strides",
                 Serial(Conv(2, [2, 2], padding="SAME", W_std=1.3), A("Relu"),
                        A("AvgPool", [2, 2], strides=[2, 1], padding="SAME"), A("Flatten"),
                        Dense(1, W_std=1.2)), h=5, w=3))
    blk = Serial(A("FanOut", 2),
                 Parallel(Serial(A("Relu"), Conv(3, [3, 3], padding="SAME", W_std=1.2)),
                          A("Identity")), A("FanInSum"))
    c.append(img("conv_residual_block",
                 Serial(Conv(3, [3, 3], padding="SAME", W_std=1.4, b_std=0.1), blk, A("Relu"),
                        A("GlobalAvgPool"), Dense(1, W_std=1.2))))
    c.append(img("dense_after_conv",
                 Serial(Conv(3, [2, 2], W_std=1.4), A("Relu"), Dense(4, W_std=1.3, b_std=0.1),
                        A("Relu"), A("Flatten"), Dense(1, W_std=1.2)),
                 note="Dense on images acts on the channel axis at every position"))
    dense_seed = 300 + len(c)
    c.append(img("dense_on_images_gap",
                 Serial(Dense(4, W_std=1.3, b_std=0.2), A("Relu"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2)), h=3, w=3))
    c.append(img("conv1x1_gap",
                 Serial(Conv(4, [1, 1], W_std=1.3, b_std=0.2), A("Relu"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2)), h=3, w=3, seed=dense_seed,
                 note="same draws and same numbers as dense_on_images_gap (a 1x1 Conv is Dense "
                      "on the channel axis)"))
    c.append(img("flatten_dense_images",
                 Serial(A("Flatten"), Dense(5, W_std=1.3, b_std=0.1), A("Relu"),
                        Dense(1, W_std=1.1)), h=3, w=2,
                 note="after Flatten the Dense weight rows follow flatten(I)'s h, w, c order"))
    c.append(img("refuse_relu_after_flatten",
                 Serial(Conv(3, [2, 2], W_std=1.3), A("Flatten"), A("Relu"), Dense(1)),
                 tangent_expect="nngp/ntk: error (activation after Flatten)"))
    c.append(img("conv_no_readout_spatial_output",
                 Serial(Conv(2, [2, 2], W_std=1.3), A("Relu"), Conv(1, [2, 2])),
                 tangent_expect="nngp/ntk/apply: error (the output still has spatial axes)",
                 note="NT returns a kernel with spatial axes; only its shape is recorded"))
    # Added with the analytic conv kernel (issue 21): windows that do not divide the image,
    # depth 3 with a quadrature activation (Tanh: K(X, X) is not symmetric in NT's rule), the
    # whole-image filter (= Dense on flatten(I)), channel concat and product on images,
    # LayerNorm on images, and CIRCULAR with strides in 'standard' without pooling.
    c.append(img("avgpool_valid_not_dividing",
                 Serial(Conv(2, [2, 2], padding="SAME", W_std=1.3, b_std=0.1), A("Relu"),
                        A("AvgPool", [3, 2], strides=[2, 2]), A("Flatten"), Dense(1, W_std=1.2)),
                 h=5, w=5, note="3x2 windows with stride 2 on 5x5: the last row and column are never read"))
    c.append(img("conv_depth3_tanh_gap",
                 Serial(Conv(2, [3, 3], padding="SAME", W_std=1.2), A("Tanh"),
                        Conv(2, [2, 2], strides=[1, 2], padding="CIRCULAR", W_std=1.3, b_std=0.1),
                        A("Relu"), Conv(2, [2, 2], W_std=1.1), A("Erf"), A("GlobalAvgPool"),
                        Dense(1, W_std=1.2))))
    c.append(img("conv_whole_image_valid_flatten",
                 Serial(Conv(3, [3, 4], W_std=1.3, b_std=0.2), A("Relu"), A("Flatten"),
                        Dense(1, W_std=1.1)), h=3, w=4,
                 note="the filter covers the image: the same kernel as Dense on flatten(I)"))
    c.append(img("conv_concat_prod_gap",
                 Serial(Conv(3, [2, 2], padding="SAME", W_std=1.3), A("FanOut", 3),
                        Parallel(Conv(2, [2, 2], padding="SAME"),
                                 Serial(A("Relu"), Conv(4, [3, 3], padding="SAME", W_std=1.2)),
                                 A("Identity")),
                        A("FanInConcat"), Conv(3, [2, 2], padding="SAME", W_std=1.1), A("FanOut", 2),
                        Parallel(Conv(2, [1, 1]), Dense(2, W_std=0.9)), A("FanInProd"),
                        A("GlobalAvgPool"), Dense(1, W_std=1.2))))
    c.append(img("conv_layernorm_flatten",
                 Serial(Conv(3, [2, 2], W_std=1.3, b_std=0.3), A("LayerNorm"), A("Relu"), A("Flatten"),
                        Dense(1, W_std=1.1))))
    c.append(img("conv_circular_strides_standard_flatten",
                 Serial(Conv(3, [3, 3], strides=[2, 2], padding="CIRCULAR", W_std=1.4, b_std=0.1,
                             parameterization="standard"), A("Relu"), A("Flatten"),
                        Dense(1, W_std=1.1, b_std=0.0, parameterization="standard")), h=5, w=5, ch=1))
    return c


def finite_cases():
    c = []
    s = iter(range(400, 500))
    tr = dict(train=True)
    c.append(mlp_case("train_relu_ntk", lambda: A("Relu"), next(s), depth=2, W=1.4, b=0.1,
                      out=1, **tr))
    c.append(mlp_case("train_erf_standard_out3", lambda: A("Erf"), next(s), depth=1, W=1.3,
                      b=0.2, out=3, param="standard", **tr))
    c.append(mlp_case("train_gelu_approximate", lambda: A("Gelu", approximate=True), next(s),
                      depth=1, W=1.3, b=None, out=2, **tr))
    c.append(mlp_case("train_tanh", lambda: A("Tanh"), next(s), depth=2, W=1.2, b=0.1, **tr))
    c.append(dict(name="train_cookbook_residual", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.5, b_std=0.05), residual_block(6, 1.1),
                             residual_block(6, 1.1), A("Relu"), Dense(1, W_std=1.5)), **tr))
    c.append(dict(name="train_repeat", seed=next(s), n1=5, n2=3, input_shape=[3],
                  net=Serial(Dense(5, W_std=1.3), Repeat(Serial(A("Erf"), Dense(5, W_std=1.3,
                                                                             b_std=0.2)), 2),
                             A("Relu"), Dense(2)), **tr))
    c.append(dict(name="train_concat_prod", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.2, b_std=0.1), A("FanOut", 3),
                             Parallel(Dense(3), Serial(A("Relu"), Dense(4)), Dense(3)),
                             A("FanInConcat"), A("FanOut", 2),
                             Parallel(Dense(4, W_std=1.1), Dense(4, W_std=0.9)),
                             A("FanInProd"), Dense(1)), **tr))
    c.append(dict(name="train_layernorm", seed=next(s), n1=5, n2=3, input_shape=[4],
                  net=Serial(Dense(6, W_std=1.2, b_std=0.3), A("LayerNorm"), A("Relu"),
                             Dense(1, W_std=1.1)), **tr))
    c.append(dict(name="train_conv_flatten", seed=next(s), n1=4, n2=3, input_shape=[4, 4, 2],
                  net=Serial(Conv(3, [2, 2], strides=[2, 1], padding="SAME", W_std=1.4,
                                  b_std=0.1), A("Relu"), A("Flatten"), Dense(2, W_std=1.2)),
                  **tr))
    c.append(dict(name="train_conv_pool_gap", seed=next(s), n1=4, n2=3, input_shape=[5, 4, 1],
                  net=Serial(Conv(2, [3, 3], padding="CIRCULAR", W_std=1.3,
                                  parameterization="standard"), A("Relu"),
                             A("AvgPool", [2, 2], padding="SAME"),
                             Conv(3, [2, 2], W_std=1.2, b_std=0.2), A("Erf"),
                             A("GlobalAvgPool"), Dense(1, W_std=1.1)), **tr))
    c.append(dict(name="train_relu_first_layer", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(A("Relu"), Dense(4, W_std=1.2), A("Relu"), Dense(1)),
                  note="no analytic kernel (NT refuses), but the finite network trains", **tr))
    c.append(dict(name="train_exact_zero_relu", seed=next(s), n1=4, n2=3, input_shape=[3],
                  net=Serial(Dense(4, W_std=1.2), A("Relu"), Dense(1)), zero_row=True,
                  note="X1's last row is all zeros: relu'(0) = 1/2 in JAX", **tr))
    return c


def rectified_monomial_cases():
    """RectifiedMonomial of degree 4, 5 and 7 (NT applies (1/sin θ) d/dθ `degree` times to
    (π − θ)/sin θ, any degree), in a file of their own so that the other fixtures stay as they
    were generated. One is a residual network, one trains."""
    c = []
    s = iter(range(500, 600))
    note = ("NT's K(X1,X1) diagonal is NaN (arccos(1) = 0 divides by sin 0); LANGUAGE.md §9: "
            "Tangent returns the finite limit there")
    c.append(mlp_case("rectified_monomial_4", lambda: A("RectifiedMonomial", 4), next(s),
                      depth=1, W=1.0, b=0.2, note=note))
    # NT's K(X1, X1) diagonal NaN after a RectifiedMonomial reaches every entry of every later
    # layer (its cov1 is that diagonal), K(X1, X2) included; so here RectifiedMonomial is the last
    # activation, where NT still gives numbers off the diagonal.
    c.append(dict(name="rectified_monomial_5_after_relu", seed=next(s), n1=5, n2=3,
                  input_shape=[4], note=note,
                  net=Serial(Dense(7, W_std=0.9, b_std=0.1), A("Relu"),
                             Dense(7, W_std=0.9, b_std=0.1), A("RectifiedMonomial", 5),
                             Dense(1, W_std=0.9, b_std=0.1))))
    c.append(mlp_case("rectified_monomial_7", lambda: A("RectifiedMonomial", 7), next(s),
                      depth=1, W=0.6, b=0.1, note=note, train=True))
    c.append(dict(name="rectified_monomial_4_residual", seed=next(s), n1=5, n2=3,
                  input_shape=[4], note=note,
                  net=Serial(Dense(6, W_std=1.0, b_std=0.1),
                             Serial(A("FanOut", 2),
                                    Parallel(Serial(A("Erf"), Dense(6, W_std=0.8)),
                                             A("Identity")),
                                    A("FanInSum")),
                             A("RectifiedMonomial", 4), Dense(1, W_std=1.1))))
    return c


FAMILIES = {
    "stax_activations.json": ("activations", activation_cases),
    "stax_combinators.json": ("combinators", combinator_cases),
    "stax_conv.json": ("conv", conv_cases),
    "stax_finite.json": ("finite", finite_cases),
    "stax_rectified_monomial.json": ("activations", rectified_monomial_cases),
}


OUT = os.environ.get("STAX_OUT", HERE)


def main(argv):
    only = argv[1:]  # optional file names to regenerate
    if os.environ.get("STAX_ANALYTIC_ONLY") and OUT == HERE:
        raise SystemExit("STAX_ANALYTIC_ONLY=1 (a quick audit without the finite side) needs "
                         "STAX_OUT=<another folder>: it would overwrite the fixtures")
    # STAX_CASES=a,b: evaluate only these cases and put them into the existing file (in the
    # order of its description), leaving every other case as it was generated.
    pick = [n for n in os.environ.get("STAX_CASES", "").split(",") if n]
    for fname, (family, make) in FAMILIES.items():
        if only and fname not in only:
            continue
        if pick:
            with open(os.path.join(OUT, fname)) as f:
                kept = {c["name"]: c for c in json.load(f)["cases"]}
            described = make()
            assert all(n in {c["name"] for c in described} for n in pick), "unknown STAX_CASES"
            cases = [run_case(c, family) if c["name"] in pick else kept[c["name"]]
                     for c in described if c["name"] in pick or c["name"] in kept]
        else:
            cases = [run_case(c, family) for c in make()]
        same_numbers(cases, "dense_on_images_gap", "conv1x1_gap")
        names = [c["name"] for c in cases]
        assert len(set(names)) == len(names), "duplicate case names"
        doc = {"nt_version": nt.__version__, "jax_version": jax.__version__,
               "numpy_version": np.__version__, "x64": bool(jax.config.jax_enable_x64),
               "cases": cases}
        path = os.path.join(OUT, fname)
        with open(path, "w") as f:
            json.dump(doc, f, allow_nan=False, separators=(",", ":"))
            f.write("\n")
        size = os.path.getsize(path)
        assert size < 2_000_000, f"{fname} is {size} bytes"
        refused = sum("nt_error" in c for c in cases)
        print(f"{fname}: {len(cases)} cases ({refused} refused by NT), {size} bytes")
        for c in cases:
            tag = c.get("nt_error", "")
            print(f"  {c['name']:<34} {c['tangent'][:90]}  {tag[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
