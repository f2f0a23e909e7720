#!/usr/bin/env bash
# The whole test suite: install what is missing, run the Swift tests, then check the tutorials
# against their stored outputs (they are tests too).
set -euo pipefail
cd "$(dirname "$0")/.."
TANGENT_WITH_BROWSER=1 bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
.build/debug/tangent check notebooks --quiet
