#!/usr/bin/env bash
# Regenerates the builtin table of docs/language.md from the code (`tangent builtins`).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product tangent >/dev/null
python3 - <<'PY'
import subprocess
table = subprocess.run([".build/debug/tangent", "builtins"], capture_output=True, text=True, check=True).stdout
path = "docs/language.md"
text = open(path).read()
begin, end = "<!-- builtins:begin -->\n", "<!-- builtins:end -->"
a = text.index(begin) + len(begin)
b = text.index(end)
open(path, "w").write(text[:a] + table + text[b:])
PY
echo "docs/language.md updated"
