#!/usr/bin/env bash
# The main job: install what is missing, build Tangent, run every tutorial in notebooks/ and
# render them into a static site in site/ (open site/index.html; it works offline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product tangent
.build/release/tangent render notebooks --out site --json .build/site-report.json
