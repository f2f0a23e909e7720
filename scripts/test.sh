#!/usr/bin/env bash
# The whole test suite: install what is missing, run the Swift tests, then check the tutorials
# against their stored outputs (they are tests too).
set -euo pipefail
cd "$(dirname "$0")/.."
TANGENT_WITH_BROWSER=1 bash scripts/install-deps.sh
# The language server's test with a real client drives Neovim's built-in LSP client (headless).
if ! command -v nvim >/dev/null; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq neovim
fi
# Exported Jupyter notebooks are validated by the real nbformat (Python), kept in a venv.
bash scripts/nbformat-venv.sh
export TANGENT_NBFORMAT_PYTHON="$PWD/.build/venv-nbformat/bin/python"
# The browser test's accessibility pass runs axe-core, from a PyPI wheel kept in a venv.
TANGENT_AXE_JS="$PWD/$(bash scripts/a11y-venv.sh)"
export TANGENT_AXE_JS
# The cache's secret key lives in the user's cache folder; the tests keep theirs in .build so a
# test run never writes into the real home folder.
export XDG_CACHE_HOME="$PWD/.build/test-xdg-cache"
# The tutorials run on an optimised build: their kernels and training loops are ~8x faster.
# The Jupyter round-trip test runs every tutorial with it too.
# Every import declared in Package.swift, none across the layering (scripts/check-imports.py).
python3 scripts/check-imports.py
# Formatting and lint, as .swift-format configures them (the toolchain ships swift-format).
swift format lint --strict --recursive --parallel Sources Tests Fuzz/FuzzSupport Fuzz/FuzzNotebook Fuzz/FuzzParser Fuzz/FuzzEvaluator Fuzz/FuzzJSON Fuzz/FuzzLanguageServer Package.swift
swift build -c release --product tangent
export TANGENT_RELEASE_BINARY="$PWD/.build/release/tangent"
swift build --build-tests
swift test --skip-build
.build/release/tangent check notebooks --quiet
# The fuzz targets, briefly, on the committed corpus (about a minute in all; a crash fails CI
# and leaves its reproducer in Fuzz/crashes/).
bash scripts/fuzz.sh --ci
