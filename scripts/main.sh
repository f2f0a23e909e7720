#!/usr/bin/env bash
# The main job: install what is missing, build Tangent, and run every tutorial in notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product tangent
.build/release/tangent run notebooks --json .build/notebooks-report.json
