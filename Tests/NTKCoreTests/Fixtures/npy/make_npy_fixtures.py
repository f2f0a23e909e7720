#!/usr/bin/env python3
"""Writes the .npy and .csv fixtures for NPYTests and CSVTests.

Run from anywhere with the system python3 and numpy 2.x:

    python3 Tests/NTKCoreTests/Fixtures/npy/make_npy_fixtures.py

It (re)writes, next to this script:

  *.npy                 files for NPY.decode, valid and invalid
  expected_bytes/*.npy  what numpy.save writes for some float64 C-order arrays,
                        which NPY.encode must reproduce byte for byte
  manifest.json         one entry per file

and in ../csv/ the CSV fixtures and their manifest.json.

Manifest entries are either
  {"file": ..., "about": ..., "shape": [rows, cols], "values": [...]}
with the values of the expected matrix in row-major order, each written as
Python's repr of a float ("0.3333333333333333", "-0.0", "nan", "inf"), so
they parse exactly, or
  {"file": ..., "about": ..., "error": "a substring of the expected message"}.

The expected values always come from numpy itself (np.load of the file just
written, or np.loadtxt for CSV), so the fixtures check our reader against
numpy's, not against hand-written numbers.  The output is deterministic.
"""

import glob
import io
import json
import os
import struct
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
NPY_DIR = HERE
BYTES_DIR = os.path.join(HERE, "expected_bytes")
CSV_DIR = os.path.join(os.path.dirname(HERE), "csv")


def as_matrix(array):
    """What Tangent makes of an array: 0-D -> 1x1, 1-D -> n x 1, 2-D as is."""
    array = np.asarray(array).astype(np.float64)
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(-1, 1)
    assert array.ndim == 2
    return array


def value_strings(matrix):
    return [repr(float(v)) for v in np.ascontiguousarray(matrix).ravel(order="C")]


def expected(matrix):
    return {"shape": list(matrix.shape), "values": value_strings(matrix)}


# Non-trivial float64 values: thirds, tiny and huge numbers, subnormals,
# signed zeros and the IEEE specials.
SPECIAL = np.array(
    [
        [1 / 3, -1e-300, 1e300, np.nan, np.inf],
        [-np.inf, 0.0, -0.0, 2.5, -7.0],
        [1e-310, 5e-324, 1.7976931348623157e308, 0.1, 123456789.125],
    ],
    dtype=np.float64,
)

# Float32 values (exactly representable after rounding to float32): 1/3 in
# float32 is not 1/3 in float64, so widening must be exact, not re-rounded.
SPECIAL32 = np.array(
    [[1 / 3, -1e-40, 3.4028235e38], [np.nan, -np.inf, 0.1]], dtype=np.float32
)


def clean(directory, pattern):
    for path in glob.glob(os.path.join(directory, pattern)):
        os.remove(path)


def raw_npy(header, data=b"", version=(1, 0), pad=True):
    """An .npy file with an arbitrary (possibly malformed) header text."""
    header_bytes = header.encode("latin1")
    length_format = "<H" if version == (1, 0) else "<I"
    prefix = b"\x93NUMPY" + bytes(version)
    if pad:
        total = len(prefix) + struct.calcsize(length_format) + len(header_bytes) + 1
        header_bytes += b" " * (-total % 64) + b"\n"
    return prefix + struct.pack(length_format, len(header_bytes)) + header_bytes + data


# --------------------------------------------------------------------------
# .npy files for NPY.decode


def make_npy():
    clean(NPY_DIR, "*.npy")
    entries = []

    def save(name, array, about, version=None, allow_pickle=False):
        path = os.path.join(NPY_DIR, name)
        with open(path, "wb") as f:
            if version is None:
                np.save(f, array, allow_pickle=allow_pickle)
            else:
                np.lib.format.write_array(f, np.asanyarray(array), version=version)
        return path

    def valid(name, array, about, version=None):
        path = save(name, array, about, version)
        back = np.load(path)
        assert back.dtype == np.asarray(array).dtype, (name, back.dtype)
        entries.append({"file": name, "about": about, **expected(as_matrix(back))})

    def invalid(name, contents, about, error):
        path = os.path.join(NPY_DIR, name)
        if isinstance(contents, bytes):
            with open(path, "wb") as f:
                f.write(contents)
        else:
            save(name, contents, about, allow_pickle=True)
        entries.append({"file": name, "about": about, "error": error})

    # Float64, both byte orders, both memory orders.
    valid("f8_c_3x5.npy", SPECIAL, "float64, C order, special values")
    valid("f8_f_3x5.npy", np.asfortranarray(SPECIAL), "float64, Fortran order")
    valid("f8_be_c_3x5.npy", SPECIAL.astype(">f8"), "big-endian float64, C order")
    valid("f8_be_f_3x5.npy", np.asfortranarray(SPECIAL.astype(">f8")),
          "big-endian float64, Fortran order")
    grid = np.arange(33 * 35, dtype=np.float64).reshape(33, 35) / 8 - 80
    valid("f8_f_33x35.npy", np.asfortranarray(grid), "Fortran order larger than one transpose block")
    valid("f8_c_33x35.npy", grid, "C order, 33x35")

    # Float32 and float16.
    valid("f4_c_2x3.npy", SPECIAL32, "float32, C order")
    valid("f4_f_2x3.npy", np.asfortranarray(SPECIAL32), "float32, Fortran order")
    valid("f4_be_c_2x3.npy", SPECIAL32.astype(">f4"), "big-endian float32")
    valid("f4_be_f_2x3.npy", np.asfortranarray(SPECIAL32.astype(">f4")),
          "big-endian float32, Fortran order")
    valid("f2_1d.npy", np.array([1 / 3, -65504, 6e-8, np.inf, np.nan, -0.0], dtype="<f2"),
          "float16 (extension), subnormal and specials")

    # Dimensions: 0-D, 1-D and the small and empty 2-D cases.
    valid("f8_0d.npy", np.array(2.5), "0-D array becomes 1x1")
    valid("f8_be_0d.npy", np.array(-1 / 3, dtype=">f8"), "0-D big-endian")
    valid("f8_1d.npy", np.array([1.0, -2.5, 1e-300, np.nan]), "1-D array becomes a column")
    valid("f4_1d.npy", np.array([0.1, 0.2], dtype=np.float32), "1-D float32")
    valid("f8_1d_empty.npy", np.zeros(0), "empty 1-D array becomes 0x1")
    valid("f8_1x1.npy", np.array([[42.0]]), "1x1")
    valid("f8_0x3.npy", np.zeros((0, 3)), "empty 0x3")
    valid("f8_3x0.npy", np.zeros((3, 0)), "empty 3x0")
    valid("f8_f_0x3.npy", np.asfortranarray(np.zeros((0, 3))), "empty 0x3, Fortran order")
    valid("f8_1x4.npy", np.array([[1.0, 2.0, 3.0, 4.0]]), "a row")

    # Header versions 2.0 and 3.0.
    valid("f8_v2.npy", SPECIAL, "format version 2.0 (4-byte header length)", version=(2, 0))
    valid("f4_f_v2.npy", np.asfortranarray(SPECIAL32), "format version 2.0, float32 Fortran",
          version=(2, 0))
    valid("f8_v3.npy", SPECIAL[:2], "format version 3.0 (UTF-8 header)", version=(3, 0))

    # Integers and booleans (an extension): converted to float64.
    valid("i8_2x3.npy",
          np.array([[0, -1, 2**53 + 1], [-(2**63), 2**63 - 1, 123456789]], dtype="<i8"),
          "int64, including values float64 rounds")
    valid("i8_be_1d.npy", np.array([-5, 7, 2**40], dtype=">i8"), "big-endian int64")
    valid("i4_be_2x2.npy", np.array([[-(2**31), 2**31 - 1], [0, -3]], dtype=">i4"),
          "big-endian int32")
    valid("i2_1d.npy", np.array([-32768, 32767, 1], dtype="<i2"), "int16")
    valid("i1_1d.npy", np.array([-128, 127, 0], dtype="i1"), "int8")
    valid("u1_2x2.npy", np.array([[0, 255], [1, 128]], dtype="u1"), "uint8")
    valid("u2_1d.npy", np.array([65535, 0], dtype="<u2"), "uint16")
    valid("u4_be_1d.npy", np.array([2**32 - 1, 5], dtype=">u4"), "big-endian uint32")
    valid("u8_1d.npy", np.array([2**64 - 1, 2**53 + 1, 0], dtype="<u8"), "uint64")
    valid("bool_2x2.npy", np.array([[True, False], [False, True]]), "bool")
    valid("i8_f_2x3.npy", np.asfortranarray(np.arange(6, dtype=np.int64).reshape(2, 3)),
          "int64, Fortran order")

    # Shapes a matrix cannot have.
    invalid("f8_3d.npy", np.zeros((2, 3, 4)), "3-D",
            "3-D array of shape (2, 3, 4) cannot be loaded as a matrix")
    invalid("f8_4d.npy", np.zeros((1, 1, 1, 1)), "4-D",
            "4-D array of shape (1, 1, 1, 1) cannot be loaded as a matrix")

    # Dtypes a matrix cannot hold.
    invalid("c16.npy", np.array([1 + 2j, 3j]), "complex128", "unsupported dtype '<c16'")
    invalid("c8_be.npy", np.array([1 + 2j], dtype=">c8"), "big-endian complex64",
            "unsupported dtype '>c8'")
    invalid("object.npy", np.array([{"a": 1}, None, "x"], dtype=object),
            "object array saved with allow_pickle", "unsupported dtype '|O'")
    invalid("unicode.npy", np.array(["abc", "de"]), "unicode strings", "unsupported dtype '<U3'")
    invalid("bytes.npy", np.array([b"ab"]), "byte strings", "unsupported dtype '|S2'")
    invalid("datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]"), "dates",
            "unsupported dtype '<M8[D]'")
    invalid("longdouble.npy", np.zeros(2, dtype=np.longdouble), "extended precision",
            "unsupported dtype '<f16'")
    invalid("structured.npy", np.zeros(2, dtype=[("x", "<f8"), ("y", "<i4")]),
            "structured dtype", "structured arrays")

    # Damaged files.
    full = io.BytesIO()
    np.save(full, np.arange(12, dtype=np.float64).reshape(3, 4))
    full = full.getvalue()
    data_start = len(full) - 96
    invalid("truncated.npy", full[: data_start + 40], "data cut short",
            "file is truncated: header says 12 values (96 bytes) but only 40 bytes follow")
    full32 = io.BytesIO()
    np.save(full32, np.zeros((2, 3), dtype=np.float32))
    full32 = full32.getvalue()
    invalid("truncated_f4.npy", full32[:-1], "float32 data cut short",
            "file is truncated: header says 6 values (24 bytes) but only 23 bytes follow")
    invalid("truncated_header.npy", full[:30], "header cut short",
            f"file is truncated: the header is {data_start - 10} bytes but only 20 bytes follow")
    invalid("truncated_magic.npy", full[:7], "only the magic", "file is truncated")
    zipped = io.BytesIO()
    np.savez(zipped, a=np.zeros(2))
    invalid("bad_magic_npz.npy", zipped.getvalue(), "an .npz (zip) file named .npy",
            "not a .npy file (bad magic)")
    invalid("bad_magic_text.npy", b"1,2,3\n4,5,6\n", "a CSV file named .npy",
            "not a .npy file (bad magic)")
    invalid("empty.npy", b"", "an empty file", "not a .npy file (the file is empty)")
    invalid("bad_version.npy", b"\x93NUMPY\x04\x00" + full[8:], "format version 4.0",
            "unsupported .npy format version 4.0")

    # Malformed headers (numpy refuses all of these too).
    f8 = struct.pack("<3d", 1, 2, 3)
    malformed = [
        ("header_not_dict.npy", "[1, 2, 3]", "expected a dictionary"),
        ("header_missing_shape.npy", "{'descr': '<f8', 'fortran_order': False, }",
         "malformed header: missing key 'shape'"),
        ("header_missing_descr.npy", "{'fortran_order': False, 'shape': (3,), }",
         "malformed header: missing key 'descr'"),
        ("header_shape_not_tuple.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': 3, }",
         "malformed header: 'shape' must be a tuple"),
        ("header_negative_dim.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }",
         "malformed header: 'shape' must be a tuple of non-negative integers"),
        ("header_fortran_not_bool.npy", "{'descr': '<f8', 'fortran_order': 'no', 'shape': (3,), }",
         "malformed header: 'fortran_order' must be True or False"),
        ("header_unterminated.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (3,",
         "malformed header"),
        ("header_code.npy", "__import__('os').system('true')", "malformed header"),
        ("header_huge_shape.npy",
         "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }",
         "malformed header: shape (4294967296, 4294967296) is too large"),
        ("header_bigint.npy",
         "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }",
         "malformed header"),
    ]
    for name, header, error in malformed:
        invalid(name, raw_npy(header, f8), "malformed header: " + header, error)
        try:
            np.load(os.path.join(NPY_DIR, name))
        except Exception:
            pass
        else:
            raise AssertionError(f"numpy accepted {name}")

    # Things numpy writes rarely but reads: a Python 2 long in the shape, no
    # padding, and extra whitespace.
    valid_raw = [
        ("header_python2_long.npy",
         "{'descr': '<f8', 'fortran_order': False, 'shape': (3L,), }", "Python 2 long"),
        ("header_unpadded.npy", "{'descr':'<f8','fortran_order':False,'shape':(3,)}\n",
         "no padding, no spaces"),
    ]
    for name, header, about in valid_raw:
        with open(os.path.join(NPY_DIR, name), "wb") as f:
            f.write(raw_npy(header, f8, pad=name != "header_unpadded.npy"))
        entries.append({"file": name, "about": about, "shape": [3, 1],
                        "values": ["1.0", "2.0", "3.0"]})
    return entries


# --------------------------------------------------------------------------
# Exactly what numpy.save writes, for NPY.encode


def make_expected_bytes():
    os.makedirs(BYTES_DIR, exist_ok=True)
    clean(BYTES_DIR, "*.npy")
    arrays = [
        ("col_3x1.npy", np.array([[1.0], [2.0], [3.0]]), "a column vector"),
        ("scalar_1x1.npy", np.array([[3.25]]), "a number saves as 1x1"),
        ("special_3x5.npy", SPECIAL, "special values"),
        ("signed_zero_2x2.npy", np.array([[-0.0, 0.0], [1 / 3, -2 / 3]]), "signed zeros"),
        ("empty_0x3.npy", np.zeros((0, 3)), "empty 0x3"),
        ("empty_3x0.npy", np.zeros((3, 0)), "empty 3x0"),
        ("empty_0x0.npy", np.zeros((0, 0)), "empty 0x0"),
        ("row_1x4.npy", np.array([[1.5, -2.5, 1e-300, 1e300]]), "a row"),
        ("tall_100x2.npy", np.arange(200, dtype=np.float64).reshape(100, 2) / 3,
         "three-digit first dimension"),
        ("wide_1x1000.npy", np.arange(1000, dtype=np.float64).reshape(1, 1000) - 500,
         "four-digit second dimension"),
        ("big_1000x1.npy", np.arange(1000, dtype=np.float64), "1000x1 (four-digit first dimension)"),
    ]
    entries = []
    for name, array, about in arrays:
        matrix = as_matrix(array)
        path = os.path.join(BYTES_DIR, name)
        np.save(path, np.ascontiguousarray(matrix, dtype="<f8"))
        entries.append({"file": "expected_bytes/" + name, "about": about, **expected(matrix)})
    return entries


# --------------------------------------------------------------------------
# CSV files for CSV.decode


def make_csv():
    os.makedirs(CSV_DIR, exist_ok=True)
    clean(CSV_DIR, "*.csv")
    entries = []

    def write(name, text):
        with open(os.path.join(CSV_DIR, name), "wb") as f:
            f.write(text.encode("utf-8"))

    def valid(name, text, about, skiprows=0, shape=None):
        """`shape` is given only where numpy cannot tell (no data rows)."""
        write(name, text)
        if shape is None:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                matrix = np.loadtxt(os.path.join(CSV_DIR, name), delimiter=",",
                                    skiprows=skiprows, ndmin=2, encoding="utf-8-sig")
            entries.append({"file": name, "about": about, **expected(matrix)})
        else:
            entries.append({"file": name, "about": about, "shape": shape, "values": []})

    def invalid(name, text, about, error, numpy_rejects=True):
        write(name, text)
        if numpy_rejects:
            try:
                np.loadtxt(os.path.join(CSV_DIR, name), delimiter=",", ndmin=2,
                           skiprows=1 if name.startswith("header_") else 0)
            except ValueError:
                pass
            else:
                raise AssertionError(f"numpy accepted {name}")
        entries.append({"file": name, "about": about, "error": error})

    valid("plain.csv", "1,2,3\n4,5,6\n", "integers, no header")
    valid("header.csv", "x,y,z\n1.5,-2,3e-5\n0.25,1e300,-1e-300\n", "a header line", skiprows=1)
    valid("header_quoted.csv", '"width (m)","height","label 1"\n1,2,3\n', "a quoted header",
          skiprows=1)
    valid("header_partly_numeric.csv", "id,2019,2020\n1,2,3\n",
          "a header with some numeric names", skiprows=1)
    valid("crlf.csv", "a,b\r\n1,2\r\n3,4\r\n", "CRLF line ends", skiprows=1)
    valid("crlf_no_header.csv", "1.5,2\r\n3,4.5", "CRLF, no trailing newline")
    valid("no_trailing_newline.csv", "1,2\n3,4", "no newline at the end")
    valid("spaces.csv", " 1 , 2.5\n-3,\t4 \n", "spaces and tabs around numbers")
    valid("blank_trailing.csv", "1,2\n3,4\n\n\n", "blank lines at the end")
    valid("blank_middle.csv", "1,2\n\n3,4\n", "a blank line between rows")
    valid("special.csv",
          "nan,inf,-inf\nNaN,INF,-Infinity\n1e300,-1e-300,0.3333333333333333\n"
          "+2.5,.5,5.\n1E3,-0.0,4.9e-324\n",
          "nan/inf in any case, signs, exponents, subnormals")
    valid("single_column.csv", "1\n2\n3\n", "one field per line")
    valid("single_value.csv", "3.25", "one number")
    valid("bom.csv", "\ufeffx,y\n1,2\n", "a UTF-8 byte order mark", skiprows=1)
    buffer = io.StringIO()
    np.savetxt(buffer, SPECIAL, delimiter=",", fmt="%.17g")
    valid("numpy_savetxt.csv", buffer.getvalue(), "written by np.savetxt(fmt='%.17g')")
    buffer = io.StringIO()
    np.savetxt(buffer, SPECIAL, delimiter=",", header="a,b,c,d,e")
    valid("numpy_savetxt_header.csv", buffer.getvalue(),
          "written by np.savetxt with its default format and a '# ' header", skiprows=1)
    valid("empty.csv", "", "an empty file is 0x0", shape=[0, 0])
    valid("header_only.csv", "a,b,c\n", "only a header: 0 rows of 3", shape=[0, 3])

    invalid("ragged.csv", "1,2,3\n4,5,6\n7,8,9\n1,2\n", "a short row",
            "line 4 has 2 fields, expected 3")
    invalid("ragged_long.csv", "1,2\n3,4,5\n", "a long row", "line 2 has 3 fields, expected 2")
    invalid("header_ragged.csv", "a,b\r\n1,2\r\n3\r\n", "a short row after a header, CRLF",
            "line 3 has 1 field, expected 2")
    invalid("ragged_after_blank.csv", "1,2\n\n3\n", "line numbers count blank lines",
            "line 3 has 1 field, expected 2")
    invalid("non_numeric.csv", "1,2\n3,abc\n", "a word in the data",
            "line 2, field 2: 'abc' is not a number")
    invalid("header_twice.csv", "x,y\na,b\n1,2\n", "only the first line may be a header",
            "line 2, field 1: 'a' is not a number")
    invalid("empty_field.csv", "1,,3\n4,5,6\n", "a missing value", "line 1, field 2 is empty")
    invalid("trailing_comma.csv", "1,2,\n", "a trailing comma", "line 1, field 3 is empty")
    invalid("hex.csv", "1,2\n0x10,3\n", "hexadecimal is not accepted",
            "line 2, field 1: '0x10' is not a number")
    invalid("semicolons.csv", "1;2\n3;4\n", "semicolon-separated: named as such",
            "line 1 separates its fields with ';'")
    return entries


def dump(path, document):
    """JSON with one line per fixture, so that regenerating gives small diffs."""
    lines = ["{"]
    for n, (key, value) in enumerate(document.items()):
        comma = "," if n + 1 < len(document) else ""
        if isinstance(value, list):
            lines.append(f" {json.dumps(key)}: [")
            lines += [f"  {json.dumps(item)}" + ("," if k + 1 < len(value) else "")
                      for k, item in enumerate(value)]
            lines.append(" ]" + comma)
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}{comma}")
    lines.append("}")
    text = "\n".join(lines) + "\n"
    assert json.loads(text) == document
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    npy_entries = make_npy()
    bytes_entries = make_expected_bytes()
    csv_entries = make_csv()
    dump(os.path.join(NPY_DIR, "manifest.json"),
         {"generator": "make_npy_fixtures.py", "read": npy_entries, "encode": bytes_entries})
    dump(os.path.join(CSV_DIR, "manifest.json"),
         {"generator": "../npy/make_npy_fixtures.py", "read": csv_entries})
    print(f"{len(npy_entries)} .npy fixtures, {len(bytes_entries)} expected-bytes files, "
          f"{len(csv_entries)} .csv fixtures")


if __name__ == "__main__":
    main()
