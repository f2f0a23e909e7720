#!/usr/bin/env bash
# How even `--shard i/N` makes the shards: generates 100 notebooks whose run times spread
# like real ones (log-normal training lengths, sigma 1; prose lengths that follow the run
# time only loosely), times them once (the --timings report), then runs every shard of
# N = 4 and N = 8, balanced by those timings and by file size alone. Prints, per plan, the
# slowest shard over the mean shard: predicted (the timing run's seconds of the notebooks
# each shard got) and measured (the seconds the shard's own run reports), and the lower
# bound max(slowest notebook, total / N) / mean that no split can beat.
# Then adds a 101st notebook (five different ones in turn) and counts the notebooks that
# change shard.
# Uses the release build and jq; reproducible: the generator is seeded (Park-Miller in awk).
set -euo pipefail
cd "$(dirname "$0")/.."
T="$PWD/.build/release/tangent"
[ -x "$T" ] || swift build -c release --product tangent
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/nbs"

# Notebook k: training steps ~ 4000 * exp(z1) (about 80 microseconds a step), prose length
# ~ 6 kB * exp(0.5 z1 + 0.5 z2), both z standard normal.
awk -v out="$work/nbs" -v count=105 'BEGIN {
  seed = 20240611
  for (k = 0; k < count; k++) {
    z1 = normal(); z2 = normal()
    steps = int(4000 * exp(z1)) + 10
    bytes = int(6000 * exp(0.5 * z1 + 0.5 * z2))
    file = sprintf("%s/nb-%03d.md", out, k)
    if (k >= 100) file = sprintf("%s/../extra-%d.md", out, k - 100)
    printf "# Generated notebook %d\n\n", k > file
    for (b = 0; b < bytes; b += 80) print "Prose about kernels and training, as long as a tutorial would be here." > file
    printf "\n```ntk {#fit}\nnet = mlp(depth: 2, width: 64)\nX = randn(32, 4)\nY = sin(X[:, 0])\n" > file
    printf "q = train(net, init(net, X), X, Y, steps: %d, learning_rate: 0.5)\nshow loss(net, q, X, Y)\n```\n", steps > file
    close(file)
  }
}
function uniform() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function normal() { return sqrt(-2 * log(uniform())) * cos(2 * 3.141592653589793 * uniform()) }'

cd "$work"
"$T" run nbs --no-cache --quiet -j 1 --json timings.json >/dev/null
echo "100 notebooks, $(jq '.summary.seconds * 100 | round / 100' timings.json) s of notebook time in all"
echo
echo "| plan | N | predicted max/mean | measured max/mean | lower bound |"
echo "|---|---|---|---|---|"
for n in 4 8; do
  for basis in timings size; do
    extra=(); [ "$basis" = timings ] && extra=(--timings timings.json)
    for i in $(seq "$n"); do
      "$T" run nbs --no-cache --quiet -j 1 --shard "$i/$n" "${extra[@]}" --json "s$i.json" >/dev/null
    done
    jq -s --argjson n "$n" --arg basis "$basis" '
      (.[0].notebooks | map({(.path): .seconds}) | add) as $t
      | (.[0].notebooks | map(.seconds)) as $all
      | .[1:] as $shards
      | ($shards | map([.notebooks[].path | $t[.]] | add // 0)) as $pred
      | ($shards | map(.summary.seconds)) as $meas
      | def ratio(xs): (xs | max) / ((xs | add) / $n);
        "| \($basis) | \($n) | \(ratio($pred) * 1000 | round / 1000) | \(ratio($meas) * 1000 | round / 1000) | \(([($all | max), ($all | add) / $n] | max) / (($all | add) / $n) * 1000 | round / 1000) |"
    ' -r timings.json $(for i in $(seq "$n"); do echo "s$i.json"; done)
  done
done

# Stability: shard membership for 100 notebooks and for 101 (with each extra-K.md in turn).
# The plans depend only on paths, sizes and timings, so this runs copies with the same
# sizes whose training takes one step.
for f in nbs/*.md extra-*.md; do
  awk '{ if (match($0, /steps: [0-9]+/)) { pad = ""; for (i = 1; i < RLENGTH - 7; i++) pad = pad " ";
         $0 = substr($0, 1, RSTART + 6) "1" pad substr($0, RSTART + RLENGTH) } print }' "$f" > "$f.cheap"
  mv "$f.cheap" "$f"
done
echo
echo "| plan | N | notebooks moved by adding one (5 tries) |"
echo "|---|---|---|"
for n in 4 8; do
  for basis in timings size; do
    extra=(); [ "$basis" = timings ] && extra=(--timings timings.json)
    for i in $(seq "$n"); do "$T" run nbs --quiet -j 1 --shard "$i/$n" "${extra[@]}" --json "before-$i.json" >/dev/null; done
    counts=()
    for x in extra-*.md; do
      cp "$x" nbs/zz-extra.md
      moved=0
      for i in $(seq "$n"); do
        "$T" run nbs --quiet -j 1 --shard "$i/$n" "${extra[@]}" --json after.json >/dev/null
        # Notebooks in this shard before and not after: each moved notebook leaves one shard.
        moved=$(( moved + $(jq -s '(.[0].notebooks | map(.path)) - (.[1].notebooks | map(.path)) | length' "before-$i.json" after.json) ))
      done
      rm nbs/zz-extra.md
      counts+=("$moved")
    done
    echo "| $basis | $n | ${counts[*]} of 100 |"
  done
done
