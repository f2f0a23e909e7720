#!/usr/bin/env python3
"""Writes the numpy reference streams that RandomTests.swift checks bit for bit.

Run with the system python3 (numpy 2.x) from anywhere:

    python3 Tests/NTKCoreTests/Fixtures/rng/make_rng_fixtures.py

Every draw comes from a fresh ``numpy.random.default_rng(seed)`` so each array
can be compared on its own. Floats are written as ``repr`` strings (exact round
trip; Swift parses them with ``Double(String)``) and 64-bit integers as decimal
strings, so no JSON reader can round them.
"""

import json
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent

SEEDS = [0, 1, 7, 42, 12345, 2**32 - 1, 2**32, 2**63 + 5, 2**64 - 1,
         # More words than SeedSequence's pool (6 > 4): the extra-entropy path.
         2**160 + 2**100 + 12345]

TAIL_SEED = 20240607
TAIL_COUNT = 20000
TAIL_THRESHOLD = 3.44
TAIL_POSITIONS = [0, 1, 2, 3, 100, 1234, 5000, 9999, 15000, 19998, 19999]


def floats(a):
    """A float array (any shape) as nested lists of repr strings."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim == 0:
        return repr(float(a))
    return [floats(x) for x in a]


def uints(a):
    return [str(int(x)) for x in np.asarray(a, dtype=np.uint64)]


def words(n):
    """numpy's _int_to_uint32_array, for the Swift init(seedWords:)."""
    out = [n & 0xFFFFFFFF] if n == 0 else []
    while n > 0:
        out.append(n & 0xFFFFFFFF)
        n >>= 32
    return out


def seed_fixture(seed):
    fresh = lambda: np.random.default_rng(seed)
    fixture = {
        "seed": str(seed),
        "seed_words": words(seed),
        "generate_state_u64": uints(
            np.random.SeedSequence(seed).generate_state(4, np.uint64)),
        "raw4": uints(fresh().bit_generator.random_raw(4)),
    }

    def record(name, draw):
        rng = fresh()
        fixture[name] = floats(draw(rng))
        # The next raw word proves the method consumed exactly numpy's draws.
        fixture[name + "_next_raw"] = str(int(rng.bit_generator.random_raw()))

    record("random_3x4", lambda rng: rng.random((3, 4)))
    record("uniform_0_1_3x4", lambda rng: rng.uniform(0, 1, (3, 4)))
    record("standard_normal_5x7", lambda rng: rng.standard_normal((5, 7)))
    record("uniform_m2_3_2x3", lambda rng: rng.uniform(-2, 3, (2, 3)))
    record("normal_1p5_0p5_2x2", lambda rng: rng.normal(1.5, 0.5, (2, 2)))
    a = np.asarray(fixture["random_3x4"])
    assert (a == np.asarray(fixture["uniform_0_1_3x4"])).all(), \
        "random() and uniform(0, 1) disagree"
    return fixture


def tail_fixture():
    rng = np.random.default_rng(TAIL_SEED)
    x = rng.standard_normal(TAIL_COUNT)
    tail = np.flatnonzero(np.abs(x) > TAIL_THRESHOLD)
    # Values beyond the ziggurat's r = 3.6541528853610088 can only come from
    # the idx == 0 tail loop (log1p path); make sure the seed exercises it.
    assert (np.abs(x) > 3.6541528853610088).sum() >= 2
    return {
        "seed": str(TAIL_SEED),
        "count": TAIL_COUNT,
        "threshold": repr(TAIL_THRESHOLD),
        "positions": TAIL_POSITIONS,
        "values_at_positions": [repr(float(x[i])) for i in TAIL_POSITIONS],
        "tail_count": int(tail.size),
        "tail_positions": [int(i) for i in tail],
        "tail_values": [repr(float(x[i])) for i in tail],
        "next_raw": str(int(rng.bit_generator.random_raw())),
    }


def write(name, obj):
    (HERE / name).write_text(json.dumps(obj, indent=1) + "\n")


def main():
    names = []
    for seed in SEEDS:
        name = f"seed_{seed}.json"
        write(name, seed_fixture(seed))
        names.append(name)
    write("normal_tail.json", tail_fixture())
    write("index.json", {"numpy_version": np.__version__, "seed_files": names})


if __name__ == "__main__":
    main()
