#!/usr/bin/env bash
# Installs the Debian packages Tangent builds against, only when they are missing.
set -euo pipefail
packages=(libcmark-gfm-dev libcmark-gfm-extensions-dev libopenblas-dev liblapacke-dev zlib1g-dev pkg-config libjs-katex python3-venv)
# KaTeX runs under node at render time; Debian's nodejs when the machine has no node.
command -v node >/dev/null || packages+=(nodejs)
# The browser test of the rendered site needs a real browser: scripts/test.sh asks for it.
[ "${TANGENT_WITH_BROWSER:-0}" = 1 ] && packages+=(chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
command -v swift >/dev/null || { echo "error: swift is not on PATH (Swift 6.3 is needed: /opt/swift/usr/bin)" >&2; exit 2; }
