#!/usr/bin/env python3
"""The oracle for outputs.md (LANGUAGE.md §4 "Output"), from numpy, never from Tangent.

    /tmp/ntref/bin/python Tests/TangentCLITests/Contract2/make_values.py

writes values.json beside this file: the summary that `show K` of the 100×100 matrix
`randn(100, 100, seed: 3)` (numpy `default_rng(3).standard_normal((100, 100))`, §4) must give:
its shape, min, max, mean and top-left entries.
"""

import json
import os

import numpy as np

K = np.random.default_rng(3).standard_normal((100, 100))
values = {
    "large_shape": list(K.shape),
    "large_min": float(K.min()),
    "large_max": float(K.max()),
    "large_mean": float(K.mean()),
    "large_corner": [float(K[0, 0]), float(K[0, 1]), float(K[1, 0]), float(K[1, 1])],
}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "values.json"), "w") as f:
    json.dump(values, f, indent=1)
    f.write("\n")
