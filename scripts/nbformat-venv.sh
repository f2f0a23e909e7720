#!/usr/bin/env bash
# A Python venv with nbformat at .build/venv-nbformat, for the test that validates the
# notebooks `tangent export --to ipynb` writes. Created once; reused while it imports nbformat.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/venv-nbformat
if "$venv/bin/python" -c 'import nbformat' 2>/dev/null; then exit 0; fi
rm -rf "$venv"
mkdir -p .build
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check nbformat
"$venv/bin/python" -c 'import nbformat; print("nbformat", nbformat.__version__, "in", "'"$venv"'")'
