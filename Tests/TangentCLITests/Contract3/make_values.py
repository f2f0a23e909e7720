#!/usr/bin/env python3
"""The oracle for the Contract3 notebooks (LANGUAGE.md §8), from Python and numpy, never from Tangent.

    /tmp/ntref/bin/python Tests/TangentCLITests/Contract3/make_values.py

writes values.json beside this file: for each notebook, the lines its `print` calls must show, in
order, computed by the Python equivalent of the notebook's code. Values print as LANGUAGE.md §8
says `print`/`str` show them: whole numbers without `.0` (all their digits where Python's repr
writes them, below 1e16), other numbers shortest round-trip (Python's repr), `true`, `false`, `none`, lists `[1, 2]`.
"""

import json
import math
import os

import numpy as np


def text(v):
    if v is None:
        return "none"
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, (list, range)):
        return "[" + ", ".join(text(x) for x in v) + "]"
    x = float(v)
    # Whole numbers without ".0": Python's repr writes every digit (and ".0") below 1e16.
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return repr(x)


class Out:
    def __init__(self):
        self.lines = []

    def print(self, *values):
        self.lines.append(" ".join(text(v) for v in values))


def flow():
    o = Out()
    # loops
    total = 0
    for x in [1, 2, 3.5]:
        total = total + x
    o.print("list_sum", total)
    o.print("range_down", list(range(10, 0, -3)))
    o.print("range_up", list(range(2, 5)))
    col = np.linspace(0, 1, 5).reshape(5, 1)
    o.print("column", [v * 2 for v in col[:, 0]])
    row = np.array([[4, 5, 6]], dtype=float)
    o.print("row", [v + 1 for v in row[0, :]])
    M = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)
    for r in M:
        r = r.reshape(1, -1)
        o.print("matrix_row", r.shape[0], r.shape[1], r[0, 0], r[0, 2], r.sum())
    # branches
    labels = []
    for x in [-2, 0, 1, 5]:
        if x < 0:
            labels = labels + [-1]
        elif x == 0:
            labels = labels + [0]
        elif x < 3:
            labels = labels + [1]
        else:
            labels = labels + [3]
    o.print("labels", labels)
    n = 0
    kept = 0
    while True:
        n = n + 1
        if n > 20:
            break
        if n == 3 or n == 5:
            continue
        kept = kept + n
    o.print("while", n, kept)
    pairs = []
    for i in range(4):
        for j in range(4):
            if j > i:
                break
            if j == 1:
                continue
            pairs = pairs + [10 * i + j]
    o.print("nested", pairs)
    halvings = 0
    h = 100
    while h > 1:
        h = h / 2
        halvings = halvings + 1
    o.print("halvings", halvings, h)
    # bindings
    for q in range(3):
        pass
    o.print("after_loop", q)
    w = 5
    for w in []:
        o.print("never")
    o.print("empty_loop", w)
    for w in range(0):
        pass
    o.print("empty_range", w)
    c = 9
    ys = [c * 2 for c in range(3)]
    o.print("comprehension", ys, c)
    o.print("two_for", [a * 10 + b for a in [1, 2, 3] for b in [1, 2] if a != b])
    o.print("rows_sum", [sum(r) for r in [[1, 2], [3, 4], [5, 6]]])
    # layout
    y = 0
    x = 3
    if x > 0:
        y = 1
    o.print("one_line_if", y)
    acc = 0
    for i in range(4):
        acc = acc + i
    o.print("one_line_for", acc)
    if x > 5:
        pass
    else:
        y = 2
        y = y + 1
    o.print("blank_lines", y)
    o.print("one_line_def", 7)
    z = 0
    while z < 3:
        z = z + 1
    o.print("one_line_while", z)
    if x == 3:
        if y == 3:
            z = 30
        else:
            z = 31
    elif x == 4:
        z = 40
    o.print("nested_if", z)

    # continued: headers and statements continued inside brackets
    def plus(a, b=2):
        return a + b

    x = 3
    if x > 1:
        o.print("continued_if", plus(1, b=5))
    for v in [1, 2]:
        ys = [w * v for w in range(3) if w > 0]
        o.print("continued_for", ys)
    return o.lines


def lists():
    o = Out()
    xs = [1, 2, 3] + [4, 5]
    o.print("join", xs, len(xs))
    o.print("index", xs[0], xs[4], xs[-1], xs[-5])
    o.print("slice", xs[1:3], xs[:2], xs[3:], xs[-2:])
    o.print("empty", [], len([]), len(range(0)))
    o.print("range_step", list(range(10, -1, -4)), list(range(0, 10, 3)), list(range(5, 5)))
    o.print("range_neg", list(range(-3, 3, 2)))
    mixed = ["a", True, None, 2.5]
    o.print("mixed", len(mixed), mixed[1], mixed[2], mixed[-1])

    def flat(X):
        return [X[i, j] for i in range(X.shape[0]) for j in range(X.shape[1])]

    v = np.array([1, 2, 3], dtype=float).reshape(3, 1)  # a list of numbers as an n×1 column
    o.print("shape", *v.shape)
    for key, X in [
        ("matmul", np.array([[1, 2, 3]], dtype=float) @ v),
        ("diag", np.diag(np.array([1, 2], dtype=float))),
        ("hcat_numbers", v.reshape(1, -1)),
        ("vcat_numbers", v.reshape(-1, 1)),
    ]:
        o.print(key, X.shape[0], X.shape[1], flat(X))
    A = np.array([[1, 2], [3, 4]], dtype=float)
    B = np.array([[5, 6], [7, 8]], dtype=float)
    o.print("hcat_matrices", 2, 4, flat(np.hstack([A, B])))
    o.print("vcat_matrices", 4, 2, flat(np.vstack([A, B])))
    sq = np.array([i * i for i in range(4)], dtype=float).reshape(1, -1)
    o.print("comprehension_hcat", sq.shape[0], sq.shape[1], flat(sq))
    o.print("sum_list", v.sum(), np.mean([2, 4]))
    M = np.array([[1, 2, 3], [4, 5, 6]], dtype=float)
    w = np.linspace(1, 3, 3).reshape(3, 1)
    S = M[-1:, 1:]
    o.print("negative_indices", M[-1, -1], w[-1, 0], M[-2, 0], S.shape[0], S.shape[1], flat(S))
    return o.lines


def strings():
    o = Out()
    n = 64
    e = 0.0123456
    o.print(f"plain width {n}: error {e:.3f}")
    o.print(f"fixed {3.14159:.2f}|{2:.0f}|{-0.5:.3f}")
    o.print(f"exp {12345.678:.3e}|{0.000123:.2e}")
    o.print(f"general {0.000123456:.3g}|{123456789:.4g}|{2.5:.3g}")
    o.print(f"int {42:d}|{-7:d}|{7:6d}|{7:<4d}|{7:^5d}")
    o.print(f"percent {0.256:.1%}|{1:.0%}")
    o.print(f"fill {3.5:*^9.2f}|{12:0>5d}|{1.5:_<8.1f}")
    o.print(f"sign {5:+d}|{-5:+d}|{2.5:+.1f}|{3: d}")
    o.print(f"comma {1234567:,d}|{1234567.891:,.2f}")
    o.print(f"braces {{n}} {{{n}}}")
    o.print(f"width {2.5:8.3f}|{2.5:<8.3f}|{2.5:>8.3f}")
    M = [[1.0, 2.0], [3.0, 4.0]]

    def g(x, seed=0):
        return x + seed

    o.print(f"call {g(0.5, seed=3):.3f}|{g(1):d}|{max([1, 9, 4]):3d}")
    o.print(f"nested {[1, 2][1]:.1f}|{len([1, 2, 3])}|{M[0][1]:.1f}")
    # str
    o.print("str", text(3.0), text(0.1), text(1 / 3), text(True), text(False), text(None), text([1, 2.5]))
    o.print("str_len", len(text(1234)), len("hello"), len(""))
    o.print("str_eq", "ab" == "ab", "ab" == "ac", text(2) == "2", text(2.50) == "2.5")
    o.print("str_big", text(1e15), text(-3e15), text(2.0**53 + 2), text(9.5e15), text(1e16), text(2.0**60))
    return o.lines


def functions():
    o = Out()
    base = 2

    def scale(x, y, by=base, plus=0):
        return (x + y) * by + plus

    base = 100
    o.print("defaults", scale(1, 2), scale(1, 2, by=5), scale(1, 2, plus=1, by=10))
    loc = 1

    def setloc(v):
        loc = v
        inner = v * 2
        return loc + inner

    o.print("locals", setloc(4), loc)
    env = {}

    def late():
        return env["k_late"]

    env["k_late"] = 3
    first = late()
    env["k_late"] = 4
    o.print("call_time", first, late())

    def noop(x):
        y = x

    o.print("no_return", noop(1))

    def early(x):
        if x > 0:
            return
        return 5

    o.print("bare_return", early(1), early(-1))

    def count(n):
        if n == 0:
            return 0
        return 1 + count(n - 1)

    o.print("recursion", count(150), count(199))
    i = 99

    def loops():
        for i in range(2):
            pass
        return i

    o.print("local_loop_variable", loops(), i)

    def outer():
        n = 1

        def inner():
            n = 5
            return n

        inner()
        return n

    o.print("inner_assigns_its_own", outer())

    def late_closure():
        n = 1

        def g():
            return n

        n = 2
        return g

    lc = late_closure()
    o.print("closure_reads_at_call", lc())
    made = []
    for k in range(3):

        def mk(v=k):
            return v

        made = made + [mk]
    o.print("defs_in_loop", [m() for m in made])

    def inc(x):
        return x + 1

    def sq(x):
        return x * x

    def twice(fn, x):
        return fn(fn(x))

    o.print("passed", twice(inc, 3), twice(sq, 3))
    fs = [inc, sq]
    o.print("stored", fs[1](5), [f(4) for f in fs], len(fs))

    def adder(n):
        def add(x):
            return x + n

        return add

    add3 = adder(3)
    add10 = adder(10)
    o.print("returned", add3(1), add10(1), add3(add10(0)))

    def compose(f, g):
        def both(x):
            return g(f(x))

        return both

    o.print("compose", compose(inc, sq)(2), compose(sq, inc)(2))
    sum_ = 5
    o.print("shadow_value", sum_ + 1)
    o.print("shadow_def", 3 * 2)
    o.print("shadow_len", 0)
    o.print("later_block", sum_, 4 * 2)
    return o.lines


def block_seed(notebook_seed, block_id):
    """docs/guide.md "Randomness" (LANGUAGE.md §6)."""
    M = (1 << 64) - 1
    h = 0xCBF29CE484222325
    for b in b"tangent-block-seed-v2\0" + str(notebook_seed).encode() + b"\0" + block_id.encode():
        h = ((h ^ b) * 0x100000001B3) & M
    z = (h + 0x9E3779B97F4A7C15) & M
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    return z ^ (z >> 31)


def draws():
    o = Out()
    g = lambda x: format(float(x), ".17g")
    rng = np.random.default_rng(11)  # block `looped`, seed=11
    vals = [rng.standard_normal((1, 1))[0, 0] for i in range(3)]
    z = np.random.default_rng(5).standard_normal((2, 2))
    after = rng.standard_normal((1, 2))
    o.print(f"loop {g(vals[0])} {g(vals[1])} {g(vals[2])}")
    o.print(f"after {g(after[0, 0])} {g(after[0, 1])}")
    o.print(f"seeded {g(z[0, 0])} {g(z[1, 1])}")
    rng = np.random.default_rng(22)  # block `calls`, seed=22: the functions defined in `defines` draw from it
    a = rng.standard_normal((1, 2))
    b = rng.uniform(-1, 1, (1, 3))
    c = rng.standard_normal((1, 2))
    o.print(f"fn_a {g(a[0, 0])} {g(a[0, 1])}")
    o.print(f"fn_b {g(b[0, 0])} {g(b[0, 2])}")
    o.print(f"fn_c {g(c[0, 0])} {g(c[0, 1])}")
    rng = np.random.default_rng(block_seed(4, "derived"))  # front matter seed 4, block `derived`
    d = [rng.standard_normal((1, 1))[0, 0] for i in range(2)]
    o.print(f"derived {g(d[0])} {g(d[1])}")
    rng = np.random.default_rng(31)  # block `default_draw`: the default, then after_default
    eps = rng.standard_normal((1, 1))[0, 0]
    o.print(f"def_default {g(rng.standard_normal((1, 1))[0, 0])}")
    o.print(f"default_twice {g(0 + eps)} {g(0 + eps)}")
    o.print(f"caller_stream {g(np.random.default_rng(32).standard_normal((1, 1))[0, 0])}")
    return o.lines


def errors():
    o = Out()

    def pair(a, b, scale=1):
        return (a + b) * scale

    o.print("before")  # block `chain`, before its failing call
    o.print("still runs", pair(1, 2, scale=3))  # block `ok`, after twelve failed blocks
    return o.lines


def cache():
    """cache.md's printed lines at each stage ("STAGE line"): 0 as written, 1 after f(x) = 3x,
    2 after factor = 20, 3 after table.csv becomes 1,2 / 3,5."""
    lines = []
    for stage, (k, factor, table) in enumerate([(2, 10, [[1, 2], [3, 4]]), (3, 10, [[1, 2], [3, 4]]),
                                               (3, 20, [[1, 2], [3, 4]]), (3, 20, [[1, 2], [3, 5]])]):
        o = Out()

        def f(x):
            return x * k

        def wrap(x):
            return f(x) + 1

        helpers = [wrap, lambda x: x * factor]
        o.print("other", 1)
        o.print("f", f(3))
        o.print("wrap", wrap(3))
        o.print("scaled", helpers[1](2))
        o.print("table", float(np.sum(table)))
        lines += [f"{stage} {line}" for line in o.lines]
    return lines


values = {
    "cache.md": cache(),
    "errors.md": errors(),
    "flow.md": flow(),
    "lists.md": lists(),
    "strings.md": strings(),
    "functions.md": functions(),
    "draws.md": draws(),
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "values.json"), "w") as f:
    json.dump(values, f, indent=1)
    f.write("\n")
