#!/usr/bin/env python3
"""Writes fstrings.json: what CPython's format() gives for each (value, spec) pair, for
FStringFormatTests (LANGUAGE.md §8: f-string fields follow Python's format mini-language).

ntk numbers are float64; PythonFormat.swift formats a whole number (finite, integral, below
9.2e18 in magnitude) as Python formats an int when the spec has no type and no precision, any
finite integral number as an int for type 'd'; every other number as a Python float. This generator applies the same rule, so the
expected text is CPython's own. Pairs CPython refuses (ValueError) are listed under "errors":
ntk must refuse them too.

    python3 Tests/LanguageTests/Fixtures/make_fstrings.py   # rewrites fstrings.json beside it
"""
import json
import math
import os
import re
import sys

NUMBERS = [
    "0", "-0.0", "1", "-1", "7", "42", "-42", "1234", "-1234", "1234567", "1000000000000000",
    "9007199254740993", "123456789012345678", "3.14159", "-2.5", "0.5", "1.5", "2.5", "0.125", "0.1",
    "0.6666666666666666", "100.0", "0.000123", "123456.789", "-0.0001", "1e-07", "1.23456789e-10",
    "6.02214076e+23", "1e+16", "1e+300", "5e-324", "1.7976931348623157e+308", "inf", "-inf", "nan",
    "0.995", "9.995", "99999.5", "-987654.321",
]

# No empty spec for numbers: `{x}` without a spec is str(x), ntk's own text (ControlFlowTests).
NUMBER_SPECS = [
    "f", ".0f", ".1f", ".3f", ".10f", "F", "e", ".0e", ".3e", ".12e", "E", "g", ".0g", ".1g", ".3g",
    ".10g", ".17g", "G", "%", ".1%", ".0%", "d", "6d", "06d", "+d", " d", "10", "<10", ">10", "^10",
    "=10", "*^11", "0=10", "x<8", ":>6", "+", " ", "-", "+.2f", " .2f", "-.2f", "#.0f", "#.0e", "#.0%",
    "#g", "#.3g", "#", "#.0", "010.3f", "010", "+010.2f", "-08.2f", "08.2e", ",", "_", ",.2f", "_.3f",
    "015,.2f", "012,d", "010,", ",d", "_d", "15,.3e", "^+12.3f", "=+12.3f", "<+12.3f", ".3", ".1", ".0",
    ".5", "8.3", "z.1f", "z.2%", "+z.0f", ",g", "12,.6g", "_%", "=^9", "0>7.1f", "*<+9d", "2", "1.0e",
    "20.15f", ".3G", "E", ">+15.4e",
]

STRINGS = ["hello", "", "a", "héllo", "width: 64"]
STRING_SPECS = ["", "s", "10", "<10", ">10", "^10", "*^9", ".3", "10.3", "^7.2", ">3", "05", "-^8", "+",
                "=8", ",", "d", ".2f", "#"]


def as_python(text, spec):
    """The number as PythonFormat.swift sees it: an int or a float."""
    x = float(text)
    whole = math.isfinite(x) and x == round(x) and abs(x) < 9.2e18
    m = re.fullmatch(r"(.?[<>=^])?[+\- ]?z?#?0?\d*[,_]?(\.\d+)?([a-zA-Z%])?", spec)
    precision = m.group(2) if m else None
    type_ = m.group(3) if m else None
    if whole and type_ is None and precision is None:
        return int(x)
    # 'd' takes any whole number, however large (LANGUAGE.md §8): Python's int(x).
    if type_ == "d" and math.isfinite(x) and x == round(x):
        return int(x)
    return x


def main():
    cases, errors = [], []
    for text in NUMBERS:
        for spec in NUMBER_SPECS:
            v = as_python(text, spec)
            try:
                cases.append({"kind": "number", "value": text, "spec": spec, "expected": format(v, spec)})
            except ValueError as e:
                errors.append({"kind": "number", "value": text, "spec": spec, "python": str(e)})
    # Wide zero padding with grouping (the padding is grouped too).
    for text, spec in [("1234.5", "010000,.2f"), ("-7", "0=4001_d"), ("0.5", "0777,%"), ("-7", "0=12_d"), ("1234.5", "0=14,.1f"), ("5", "0>8,d")]:
        cases.append({"kind": "number", "value": text, "spec": spec, "expected": format(as_python(text, spec), spec)})
    for s in STRINGS:
        for spec in STRING_SPECS:
            try:
                cases.append({"kind": "string", "value": s, "spec": spec, "expected": format(s, spec)})
            except ValueError as e:
                errors.append({"kind": "string", "value": s, "spec": spec, "python": str(e)})
    out = {"generator": "make_fstrings.py", "python": sys.version.split()[0], "cases": cases, "errors": errors}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fstrings.json")
    # One case per line, so that a change to the generator reads as a short diff.
    def lines(items):
        return ",\n".join(json.dumps(c, ensure_ascii=False) for c in items)
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"generator": %s, "python": %s,\n' % (json.dumps(out["generator"]), json.dumps(out["python"])))
        f.write('"cases": [\n' + lines(cases) + '\n],\n"errors": [\n' + lines(errors) + '\n]}\n')
    print(f"{len(cases)} cases, {len(errors)} errors -> {path}")


if __name__ == "__main__":
    main()
