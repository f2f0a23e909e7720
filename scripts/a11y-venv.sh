#!/usr/bin/env bash
# A Python venv at .build/venv-a11y holding axe-core (Deque's accessibility engine), for the
# browser test that runs it on rendered pages. axe-playwright-python ships axe.min.js inside its
# wheel; only that file is used (the test injects it beside a copy of a page), so the package is
# installed without its dependencies (no Playwright, no browser download). Created once; reused
# while the file is there. Prints the path of axe.min.js.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.build/venv-a11y
find_axe() { find "$venv" -path '*axe_playwright_python/axe.min.js' -print -quit 2>/dev/null; }
if [ -n "$(find_axe)" ]; then find_axe; exit 0; fi
rm -rf "$venv"
mkdir -p .build
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps 'axe-playwright-python==0.1.8'
axe=$(find_axe)
[ -n "$axe" ] || { echo "scripts/a11y-venv.sh: error: axe.min.js not found in $venv" >&2; exit 1; }
echo "$axe"
