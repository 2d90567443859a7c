#!/usr/bin/env bash
# Throughput and peak memory of `stance batch` on N generated quotes:
#   benches/memory.sh [N=100000] [THREADS=2] [extra stance options...]
# Quotes are cycled from data/ (benches/reference/make_quotes.py); peak RSS
# comes from GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"; threads="${2:-2}"; shift $(( $# > 2 ? 2 : $# ))
[ -x target/release/stance ] || scripts/setup.sh
mkdir -p bench-out
quotes="bench-out/quotes-$n.jsonl"
[ -s "$quotes" ] || python3 benches/reference/make_quotes.py --n "$n" --out "$quotes"
log="$(mktemp)"
/usr/bin/time -v target/release/stance --threads "$threads" "$@" batch "$quotes" \
  -o "bench-out/out-$n.jsonl" 2> "$log" || { cat "$log"; exit 1; }
grep "stance batch:" "$log"
awk -F': ' '/Maximum resident set size/ {printf "peak RSS: %.0f MB\n", $2/1024}
            /Elapsed \(wall clock\)/ {print "wall clock: " $2}' "$log"
rm -f "$log"
