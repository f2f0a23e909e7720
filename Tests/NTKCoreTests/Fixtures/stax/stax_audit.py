"""An independent numpy implementation of the infinite-width NNGP/NTK of the layers in
make_stax_fixtures.py, used only to audit what neural-tangents returns.

It shares no code with NT and follows the textbook derivations rather than NT's formulas:
  * kernels are kept as full arrays K[i, j, P, P'] over the stacked inputs Z = [X1; X2] and all
    pairs of spatial positions (vectors are 1x1 images), so there is no diagonal bookkeeping;
  * Dense/Conv: the covariance of a random linear map of the patches, written with explicit
    patch index maps (zero padding for SAME, wrap for CIRCULAR, per stride);
  * kinked activations use the Cho & Saul arc-cosine kernels (ABRelu = b relu(x) - a relu(-x),
    Sign, RectifiedMonomial n = 0, 1, 2; larger n by a Price's-theorem integral), Erf uses Williams' arcsine kernel, Gaussian and Exp are closed-form Gaussian integrals, and every other smooth
    activation is integrated by a 2-D Gauss-Hermite rule of degree 200 (80 is not enough for
    Gelu at 1e-10; 400 underflows), except NT's numerical
    layers, integrated with their own `deg` (see QUAD_DEG);
  * AvgPool, Flatten and GlobalAvgPool average the covariance as the finite layers average the
    activations; FanInSum adds, FanInProd uses the product rule, FanInConcat weights by width.
Hermite is checked against NT's own definition, nngp**degree (the expectation of the normalised
Hermite polynomial only for unit-variance inputs), so that audit is weaker.
"""

import math

import numpy as np
from scipy.special import erf

# Degree of the Gauss-Hermite rule for NT's numerical layers (Tanh, ElementwiseNumerical):
# None = the layer's own `deg` (NT's rule, so the audit checks NT's arithmetic); a number
# (e.g. 300) measures NT's quadrature error against a near-exact integral.
QUAD_DEG = None


class Unsupported(Exception):
    pass


class K:
    """NNGP q and NTK t over the stacked inputs, shape (N, N, P, P); grid (h, w); width c."""

    def __init__(self, q, t, grid, width, gaussian):
        self.q, self.t, self.grid, self.width, self.gaussian = q, t, grid, width, gaussian


def inputs(Z):
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim == 2:
        Z = Z[:, None, None, :]
    n, h, w, c = Z.shape
    F = Z.reshape(n, h * w, c)
    q = np.einsum("ipc,jqc->ijpq", F, F) / c
    return K(q, np.zeros_like(q), (h, w), c, False)


def index_maps(grid, window, strides, padding):
    """For each window offset, the input position (flat) read by each output position, or -1
    for a zero (padding). Returns (maps [offsets][P_out], out_grid)."""
    axes = []
    for n, f, s in zip(grid, window, strides):
        if padding == "VALID":
            out = (n - f) // s + 1
            lo = 0
        else:
            out = -(-n // s)
            lo = max((out - 1) * s + f - n, 0) // 2
        idx = np.array([[o * s + k - lo for o in range(out)] for k in range(f)])
        if padding == "CIRCULAR":
            idx = idx % n
        else:
            idx = np.where((idx >= 0) & (idx < n), idx, -1)
        axes.append((idx, out))
    (ih, oh), (iw, ow) = axes
    maps = []
    for a in range(window[0]):
        for b in range(window[1]):
            r = ih[a][:, None]
            c = iw[b][None, :]
            flat = np.where((r >= 0) & (c >= 0), r * grid[1] + c, -1)
            maps.append(flat.reshape(-1))
    return maps, (oh, ow)


def window_sum(x, maps):
    """sum over offsets o of x[..., map_o(P), map_o(P')] with zeros where a map is -1."""
    P = x.shape[-1]
    ext = np.zeros(x.shape[:-2] + (P + 1, P + 1))
    ext[..., :P, :P] = x
    out = 0
    for m in maps:
        mm = np.where(m < 0, P, m)
        out = out + ext[..., mm[:, None], mm[None, :]]
    return out


def window_sum_pairs(x, maps):
    """sum over all pairs of offsets (o, o') -- for pooling (windows average independently)."""
    P = x.shape[-1]
    ext = np.zeros(x.shape[:-2] + (P + 1, P + 1))
    ext[..., :P, :P] = x
    out = 0
    for m in maps:
        for m2 in maps:
            a = np.where(m < 0, P, m)
            b = np.where(m2 < 0, P, m2)
            out = out + ext[..., a[:, None], b[None, :]]
    return out


def affine(k, layer):
    kw = layer.kwargs
    W, b = kw.get("W_std", 1.0), kw.get("b_std", None)
    standard = kw.get("parameterization", "ntk") == "standard"
    if layer.name == "Dense":
        window, strides, padding = (1, 1), (1, 1), "VALID"
    else:
        window = tuple(layer.args[1])
        strides = tuple(kw.get("strides", (1, 1)))
        padding = kw.get("padding", "VALID")
    maps, grid = index_maps(k.grid, window, strides, padding)
    nf = window[0] * window[1]
    mq = window_sum(k.q, maps) / nf
    mt = window_sum(k.t, maps) / nf
    q = W ** 2 * mq + (0.0 if b is None else b ** 2)
    if standard:
        t = k.width * nf * mq + W ** 2 * mt + (0.0 if b is None else 1.0)
    else:
        t = q + W ** 2 * mt
    return K(q, t, grid, layer.args[0], True)


def _abrelu(a, b):
    def f(q1, q2, q12):
        s = np.sqrt(q1 * q2)
        th = np.arccos(np.clip(q12 / s, -1, 1))
        J = lambda t: s * (np.sin(t) + (np.pi - t) * np.cos(t)) / (2 * np.pi)  # noqa: E731
        T = (a * a + b * b) * J(th) - 2 * a * b * J(np.pi - th)
        Td = (a * a + b * b) * (np.pi - th) / (2 * np.pi) + 2 * a * b * th / (2 * np.pi)
        return T, Td
    return f


def _rect_monomial(n):
    """T = s^n F_n(rho), F_n = E[relu(u)^n relu(v)^n] at correlation rho, s = sqrt(q1 q2).
    n <= 2: Cho & Saul's J_n written out. Any n: Price's theorem gives F_n' = n^2 F_{n-1}, and
    F_n(-1) = 0, so by Cauchy's repeated integral F_n(rho) = n n! int_{-1}^{rho} (rho - t)^{n-1}
    F_0(t) dt with F_0(t) = (pi - arccos t) / (2 pi); with t = cos(phi) the integrand is smooth
    on [theta, pi] and Gauss-Legendre converges to rounding (no derivative recursion, unlike NT)."""
    Js = [lambda t: np.pi - t,
          lambda t: np.sin(t) + (np.pi - t) * np.cos(t),
          lambda t: 3 * np.sin(t) * np.cos(t) + (np.pi - t) * (1 + 2 * np.cos(t) ** 2)]
    gx, gw = np.polynomial.legendre.leggauss(120)

    def F(k, th):
        if k <= 2:
            return Js[k](th) / (2 * np.pi)
        th = np.asarray(th, dtype=float)
        half = (np.pi - th) / 2
        phi = th[..., None] + half[..., None] * (gx + 1)  # nodes on [theta, pi]
        g = (np.cos(th)[..., None] - np.cos(phi)) ** (k - 1) * (np.pi - phi) / (2 * np.pi) \
            * np.sin(phi)
        return k * math.factorial(k) * half * (g @ gw)

    def f(q1, q2, q12):
        s = np.sqrt(q1 * q2)
        th = np.arccos(np.clip(q12 / s, -1, 1))
        T = s ** n * F(n, th)
        Td = 0 * T if n == 0 else n * n * s ** (n - 1) * F(n - 1, th)
        return T, Td
    return f


def _erf(a, b, c):
    def f(q1, q2, q12):
        A1, A2 = 1 + 2 * b * b * q1, 1 + 2 * b * b * q2
        T = a * a * (2 / np.pi) * np.arcsin(np.clip(2 * b * b * q12 / np.sqrt(A1 * A2), -1, 1))
        T = T + c * c
        Td = a * a * b * b * (4 / np.pi) / np.sqrt(A1 * A2 - 4 * b ** 4 * q12 ** 2)
        return T, Td
    return f


def _gaussian(A, B):
    """E[A e^{B u^2} A e^{B v^2}] = A^2 / sqrt(det(I - 2 B Sigma)) (a Gaussian integral)."""
    def f(q1, q2, q12):
        det = (1 - 2 * B * q1) * (1 - 2 * B * q2) - 4 * B * B * q12 ** 2
        return A * A / np.sqrt(det), 4 * A * A * B * B * q12 / det ** 1.5
    return f


def _exp(A, B):
    """E[A e^{B u} A e^{B v}] = A^2 e^{B^2 Var(u + v) / 2} (the log-normal mean)."""
    def f(q1, q2, q12):
        T = A * A * np.exp(B * B * (q1 + q2 + 2 * q12) / 2)
        return T, B * B * T
    return f


def _sign(q1, q2, q12):
    th = np.arccos(np.clip(q12 / np.sqrt(q1 * q2), -1, 1))
    T = 1 - 2 * th / np.pi
    return T, 0 * T


def _gauss_hermite(phi, dphi, deg=200):
    gx, gw = np.polynomial.hermite.hermgauss(deg)

    def f(q1, q2, q12):
        shape = q12.shape
        q1, q2, q12 = (np.broadcast_to(v, shape).reshape(-1) for v in (q1, q2, q12))
        rho = np.clip(q12 / np.sqrt(q1 * q2), -1, 1)
        x = gx[:, None, None]
        y = gx[None, :, None]
        w = (gw[:, None] * gw[None, :] / np.pi)[:, :, None]
        T = np.empty_like(q12)
        Td = np.empty_like(q12)
        for s in range(0, q12.size, 200):
            sl = slice(s, s + 200)
            u = np.sqrt(2 * q1[sl]) * x
            v = np.sqrt(2 * q2[sl]) * (rho[sl] * x + np.sqrt(1 - rho[sl] ** 2) * y)
            T[sl] = (w * phi(u) * phi(v)).sum((0, 1))
            Td[sl] = (w * dphi(u) * dphi(v)).sum((0, 1))
        return T.reshape(shape), Td.reshape(shape)
    return f


def _phi_smooth(layer):
    n, a, kw = layer.name, layer.args, layer.kwargs
    g = lambda k, d: kw.get(k, d)  # noqa: E731
    if n == "Gelu":  # the kernel is exact GELU whatever `approximate` says
        return (lambda x: x * (1 + erf(x / math.sqrt(2))) / 2,
                lambda x: (1 + erf(x / math.sqrt(2))) / 2 + x * np.exp(-x * x / 2) / math.sqrt(2 * math.pi))
    if n in ("Sin", "Cos"):
        A, B, C = g("a", 1.0), g("b", 1.0), g("c", 0.0) + (math.pi / 2 if n == "Cos" else 0.0)
        return lambda x: A * np.sin(B * x + C), lambda x: A * B * np.cos(B * x + C)
    if n == "Rbf":
        r = math.sqrt(2 * g("gamma", 1.0))
        return (lambda x: math.sqrt(2) * np.sin(r * x + math.pi / 4),
                lambda x: math.sqrt(2) * r * np.cos(r * x + math.pi / 4))
    if n == "Gaussian":
        A, B = g("a", 1.0), g("b", -1.0)
        return lambda x: A * np.exp(B * x * x), lambda x: 2 * A * B * x * np.exp(B * x * x)
    if n == "Exp":
        A, B = g("a", 1.0), g("b", 1.0)
        return lambda x: A * np.exp(B * x), lambda x: A * B * np.exp(B * x)
    if n == "Monomial":
        d = a[0]
        return lambda x: x ** d, lambda x: d * x ** (d - 1) if d > 0 else 0 * x
    if n == "Polynomial":
        P = np.polynomial.Polynomial(a[0])
        dP = P.deriv()
        return P, dP
    if n == "Tanh":
        return np.tanh, lambda x: 1 - np.tanh(x) ** 2
    if n == "ElementwiseNumerical":  # f(x) = sin(x) + x / 2 of make_stax_fixtures.FUNCS
        return lambda x: np.sin(x) + 0.5 * x, lambda x: np.cos(x) + 0.5
    raise Unsupported(n)


def act_map(layer):
    n, a, kw = layer.name, layer.args, layer.kwargs
    if n == "Relu":
        return _abrelu(0.0, 1.0)
    if n == "LeakyRelu":
        return _abrelu(a[0], 1.0)
    if n == "ABRelu":
        return _abrelu(a[0], a[1])
    if n == "Abs":
        return _abrelu(-1.0, 1.0)
    if n == "Sign":
        return _sign
    if n == "RectifiedMonomial":
        return _rect_monomial(a[0])
    if n == "Erf":
        return _erf(kw.get("a", 1.0), kw.get("b", 1.0), kw.get("c", 0.0))
    if n == "Gaussian":
        return _gaussian(kw.get("a", 1.0), kw.get("b", -1.0))
    if n == "Exp":
        return _exp(kw.get("a", 1.0), kw.get("b", 1.0))
    if n == "Hermite":  # NT's definition (the Gaussian expectation only at unit variance)
        d = a[0]
        return lambda q1, q2, q12: (q12 ** d, d * q12 ** (d - 1) if d > 0 else 0 * q12)
    if n in ("Tanh", "ElementwiseNumerical"):
        deg = kw.get("deg", 25) if n == "Tanh" else a[1]
        return _gauss_hermite(*_phi_smooth(layer), deg=QUAD_DEG or deg)
    return _gauss_hermite(*_phi_smooth(layer))


def diag(x):
    """x[i, i, p, p] as an (N, P) array."""
    N, P = x.shape[0], x.shape[2]
    return x[np.arange(N), np.arange(N)][:, np.arange(P), np.arange(P)]


def activation(k, layer):
    if not k.gaussian:
        raise Unsupported("activation of a non-Gaussian input")
    f = act_map(layer)
    D = diag(k.q)
    q1 = D[:, None, :, None]
    q2 = D[None, :, None, :]
    T, Td = f(q1, q2, k.q)
    return K(T, k.t * Td, k.grid, k.width, False)


def run(layer, k):
    kind = type(layer).__name__  # the classes of make_stax_fixtures (run as __main__)
    if kind == "Repeat":
        for _ in range(layer.n):
            k = run(layer.layer, k)
        return k
    if kind == "Parallel":
        return [run(l, ki) for l, ki in zip(layer.layers, k)]
    if kind == "Serial":
        for l in layer.layers:
            k = run(l, k)
        return k
    n = layer.name
    if n in ("Dense", "Conv"):
        return affine(k, layer)
    if n == "Identity":
        return k
    if n == "FanOut":
        return [k] * layer.args[0]
    if n == "FanInSum":
        if len(k) > 1 and not all(x.gaussian for x in k):
            raise Unsupported("FanInSum of non-Gaussian inputs (their means would be needed)")
        return K(sum(x.q for x in k), sum(x.t for x in k), k[0].grid, k[0].width,
                 all(x.gaussian for x in k))
    if n == "FanInProd":
        q, t = 1.0, 0.0
        for x in k:
            t = t * x.q + q * x.t
            q = q * x.q
        return K(q, t, k[0].grid, k[0].width, False)
    if n == "FanInConcat":
        ws = np.array([x.width for x in k], dtype=np.float64)
        return K(sum(w * x.q for w, x in zip(ws, k)) / ws.sum(),
                 sum(w * x.t for w, x in zip(ws, k)) / ws.sum(), k[0].grid, int(ws.sum()), False)
    if n == "LayerNorm":
        if not k.gaussian:
            raise Unsupported("LayerNorm of a non-Gaussian input")
        eps = layer.kwargs.get("eps", 1e-12)
        D = diag(k.q) + eps
        s = np.sqrt(D[:, None, :, None] * D[None, :, None, :])
        return K(k.q / s, k.t / s, k.grid, k.width, k.gaussian)
    if n == "AvgPool":
        window = tuple(layer.args[0])
        strides = tuple(layer.kwargs.get("strides") or (1, 1))
        maps, grid = index_maps(k.grid, window, strides, layer.kwargs.get("padding", "VALID"))
        nf = (window[0] * window[1]) ** 2
        return K(window_sum_pairs(k.q, maps) / nf, window_sum_pairs(k.t, maps) / nf, grid,
                 k.width, k.gaussian)
    if n == "GlobalAvgPool":
        return K(k.q.mean((2, 3))[:, :, None, None], k.t.mean((2, 3))[:, :, None, None], (1, 1),
                 k.width, k.gaussian)
    if n == "Flatten":
        P = k.q.shape[2]
        return K(np.einsum("ijpp->ij", k.q)[:, :, None, None] / P,
                 np.einsum("ijpp->ij", k.t)[:, :, None, None] / P, (1, 1),
                 k.width * k.grid[0] * k.grid[1], False)
    return activation(k, layer)


def analytic(net, X1, X2):
    """(nngp_11, ntk_11, nngp_12, ntk_12) of the network, or raises Unsupported."""
    n1 = len(X1)
    k = run(net, inputs(np.concatenate([X1, X2])))
    if k.q.shape[2:] != (1, 1):
        raise Unsupported("spatial output")
    q, t = k.q[:, :, 0, 0], k.t[:, :, 0, 0]
    return q[:n1, :n1], t[:n1, :n1], q[:n1, n1:], t[:n1, n1:]
