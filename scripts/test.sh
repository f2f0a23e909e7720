#!/usr/bin/env bash
# The whole test suite: install what is missing, run the Swift tests, then check the tutorials
# against their stored outputs (they are tests too).
set -euo pipefail
cd "$(dirname "$0")/.."
TANGENT_WITH_BROWSER=1 bash scripts/install-deps.sh
swift build --build-tests
swift test --skip-build
# The tutorials run on an optimised build: their kernels and training loops are ~8x faster.
swift build -c release --product tangent
.build/release/tangent check notebooks --quiet
