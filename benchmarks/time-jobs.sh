#!/usr/bin/env bash
# Times `tangent check notebooks --no-cache` with -j 1 and -j J (default 2), alternating
# them so a busy machine slows both alike, and prints each one's median of R runs (default 3)
# in ms, with the speed-up. Then how parallel the machine is right now: one process checking
# notebooks/04 against two at once (2 x alone / together; 2.0 on two idle cores), since on a
# shared machine the cores -j can use may be taken. Uses the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
T=.build/release/tangent
[ -x "$T" ] || swift build -c release --product tangent
J=${1:-2}
R=${2:-3}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
one=() many=()
for _ in $(seq "$R"); do
  for j in 1 "$J"; do
    s=$(date +%s%N); "$T" check notebooks --no-cache --quiet -j "$j" >/dev/null; e=$(date +%s%N)
    ms=$(( (e - s) / 1000000 ))
    if [ "$j" = 1 ]; then one+=("$ms"); else many+=("$ms"); fi
  done
done
a=$(printf '%s\n' "${one[@]}" | median)
b=$(printf '%s\n' "${many[@]}" | median)
echo "-j 1: ${one[*]} ms (median $a)"
echo "-j $J: ${many[*]} ms (median $b)"
awk -v a="$a" -v b="$b" -v j="$J" 'BEGIN { printf "speed-up of -j %s: %.2fx on %s cores (load average %s)\n", j, a / b, "'"$(nproc)"'", "'"$(cut -d" " -f1-3 /proc/loadavg)"'" }'
nb=notebooks/04-training-dynamics.md
s=$(date +%s%N); "$T" check "$nb" --no-cache --quiet >/dev/null; e=$(date +%s%N); alone=$(( (e - s) / 1000000 ))
s=$(date +%s%N); "$T" check "$nb" --no-cache --quiet >/dev/null & "$T" check "$nb" --no-cache --quiet >/dev/null; wait; e=$(date +%s%N)
together=$(( (e - s) / 1000000 ))
awk -v a="$alone" -v t="$together" 'BEGIN { printf "machine parallelism now: one process %d ms, two at once %d ms: %.2f\n", a, t, 2 * a / t }'
