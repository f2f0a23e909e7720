#!/usr/bin/env bash
# Times `tangent run` on benchmarks/ten-blocks.md: 10 cold runs (--no-cache) and 10 cached
# runs, printing each median. Uses the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
T=.build/release/tangent
[ -x "$T" ] || swift build -c release --product tangent
nb=benchmarks/ten-blocks.md
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
time_runs() {
  for _ in $(seq 10); do
    s=$(date +%s%N); "$T" run "$nb" --quiet "$@" >/dev/null; e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done
}
cold=$(time_runs --no-cache | median)
"$T" run "$nb" --quiet >/dev/null   # fill the cache
cached=$(time_runs | median)
printf "| run | median of 10 (ms) |\n|---|---|\n| cold (--no-cache) | %s |\n| cached | %s |\n" "$cold" "$cached"
