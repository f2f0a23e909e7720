#!/usr/bin/env bash
# Fuzzing with libFuzzer (swiftc -sanitize=fuzzer,address).
#
#   bash scripts/fuzz.sh [TARGET...] [--time SECONDS | --runs N] [--jobs N]
#   bash scripts/fuzz.sh --ci            # CI: every target briefly on the committed corpus
#   bash scripts/fuzz.sh --minimise [TARGET...]   # shrink the committed corpus, keep its coverage
#
# TARGETs: FuzzNotebook (bytes → notebook → write-back), FuzzParser (bytes → AST),
# FuzzEvaluator (bytes → AST → evaluation with a time and memory budget), FuzzJSON (bytes →
# JSON → serialise → parse round trip), FuzzLanguageServer (bytes → LSP message reader, at once and
# in chunks → JSON-RPC → the language server), FuzzDecoders (bytes → the file decoders a repository
# can feed Tangent: .npy, .csv, the data sets' .tds and its zlib stream; decode → write → decode
# round trips, file reads against in-memory decodes, under a 48 MB malloc limit). Default: all six.
# New inputs go to .build/fuzz-work/TARGET; at the end the ones that add coverage are merged
# into the committed corpus Fuzz/corpus/TARGET. Crash reproducers land in Fuzz/crashes/TARGET/
# (commit them, and turn each into a regression test in Tests/).
# --minimise rebuilds Fuzz/corpus/TARGET in a fresh folder: the named seeds first (regression-*,
# hand-written cases: every name that is not a content hash or a generated seed-<hex>), then
# libFuzzer's set-cover merge (-set_cover_merge=1, the -merge=1 family) adds the fewest inputs
# that reach every coverage feature the old corpus reached; the old corpus is then replaced.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=()
seconds=60
runs=""
ci=0
minimise=0
unit_timeout=20
while [[ $# -gt 0 ]]; do
    case "$1" in
        --time) seconds="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --ci) ci=1; seconds=20; unit_timeout=60; shift ;;
        --minimise) minimise=1; shift ;;
        Fuzz*) targets+=("$1"); shift ;;
        *) echo "usage: scripts/fuzz.sh [FuzzNotebook|FuzzParser|FuzzEvaluator|FuzzJSON|FuzzLanguageServer|FuzzDecoders...] [--time S | --runs N] [--ci | --minimise]" >&2; exit 2 ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(FuzzNotebook FuzzParser FuzzEvaluator FuzzJSON FuzzLanguageServer FuzzDecoders)

bash scripts/install-deps.sh
export TANGENT_FUZZ=1
for t in "${targets[@]}"; do
    swift build -c release --scratch-path .build/fuzz --product "$t" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld 2>&1 | grep -v '^\[' || true
    test -x ".build/fuzz/release/$t" || { echo "error: building $t failed" >&2; exit 1; }
done

if [[ $minimise -eq 1 ]]; then
    for t in "${targets[@]}"; do
        fresh=".build/fuzz-work/$t.minimised"
        rm -rf "$fresh"
        mkdir -p "$fresh" "Fuzz/crashes/$t"
        for f in "Fuzz/corpus/$t"/*; do
            name=$(basename "$f")
            [[ $name =~ ^[0-9a-f]{40}$ || $name =~ ^seed-[0-9a-f]{16}$ ]] || cp "$f" "$fresh/"
        done
        before="$(ls "Fuzz/corpus/$t" | wc -l) files, $(du -sb "Fuzz/corpus/$t" | cut -f1) bytes"
        SWIFT_BACKTRACE=enable=no TANGENT_ALLOCATION_LIMIT="${TANGENT_ALLOCATION_LIMIT:-256M}" ".build/fuzz/release/$t" \
            -set_cover_merge=1 "$fresh" "Fuzz/corpus/$t" -max_len=4096 -timeout=60 -rss_limit_mb=4096 \
            -artifact_prefix="Fuzz/crashes/$t/" 2> ".build/fuzz-work/$t.minimise.log" \
            || { echo "error: minimising $t failed (.build/fuzz-work/$t.minimise.log)" >&2; exit 1; }
        rm -rf "Fuzz/corpus/$t"
        mv "$fresh" "Fuzz/corpus/$t"
        echo "== $t: $before -> $(ls "Fuzz/corpus/$t" | wc -l) files, $(du -sb "Fuzz/corpus/$t" | cut -f1) bytes"
    done
    exit 0
fi

status=0
for t in "${targets[@]}"; do
    mkdir -p "Fuzz/corpus/$t" "Fuzz/crashes/$t" ".build/fuzz-work/$t"
    limit=(-max_total_time="$seconds")
    [[ -n "$runs" ]] && limit=(-runs="$runs")
    echo "== $t: ${runs:-${seconds}s}"
    # FuzzJSON and FuzzLanguageServer have JSON's tokens, FuzzDecoders the file formats'; the
    # others the language's and the notebook markers.
    dict=Fuzz/ntk.dict
    [[ $t == FuzzJSON || $t == FuzzLanguageServer ]] && dict=Fuzz/FuzzJSON/json.dict
    [[ $t == FuzzDecoders ]] && dict=Fuzz/FuzzDecoders/decoders.dict
    # An input of at most 4 KB justifies no decoder allocation above ~34 MB (a .tds payload
    # inflated 1032-fold, as float64): a larger one was sized by a length in the file before
    # that length was checked against the bytes that are there.
    extra=()
    [[ $t == FuzzDecoders ]] && extra=(-malloc_limit_mb=48)
    # The evaluator gets a cap on single allocations (refused ones are located errors, not crashes).
    if ! SWIFT_BACKTRACE=enable=no TANGENT_ALLOCATION_LIMIT="${TANGENT_ALLOCATION_LIMIT:-256M}" ".build/fuzz/release/$t" \
        ".build/fuzz-work/$t" "Fuzz/corpus/$t" \
        -dict="$dict" -max_len=4096 -timeout="$unit_timeout" -rss_limit_mb=4096 \
        -artifact_prefix="Fuzz/crashes/$t/" -print_final_stats=1 "${limit[@]}" ${extra[@]+"${extra[@]}"} \
        2> ".build/fuzz-work/$t.log"; then
        status=1
        echo "!! $t found a crash; reproducer(s) in Fuzz/crashes/$t/" >&2
        grep -E "ERROR|SUMMARY|Fatal|precondition" ".build/fuzz-work/$t.log" | head -5 >&2 || true
    fi
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb|cov:" ".build/fuzz-work/$t.log" | tail -3
    if [[ $ci -eq 0 ]]; then
        SWIFT_BACKTRACE=enable=no ".build/fuzz/release/$t" -merge=1 "Fuzz/corpus/$t" ".build/fuzz-work/$t" -max_len=4096 \
            -artifact_prefix="Fuzz/crashes/$t/" -rss_limit_mb=4096 \
            2> ".build/fuzz-work/$t.merge.log" || true
        echo "   corpus: $(ls "Fuzz/corpus/$t" | wc -l) files"
    fi
done
exit $status
