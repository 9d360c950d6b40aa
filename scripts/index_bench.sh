#!/usr/bin/env bash
# Indexing throughput: builds the index of a corpus folder N times (release build, a new
# index directory each time) and prints every run and the median wall time and MB/s,
# beside the floor of the stack (examples/naive_index.rs: tantivy + tantivy-jieba, one
# field, no parsing) measured in the same session.
#
#   scripts/index_bench.sh [CORPUS_DIR] [N]      (defaults: ../shared/corpora/laws, 5)
#
# MB are the bytes of the corpus files (du --apparent-size), 10^6 bytes per MB.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/laws}
n=${2:-5}
[ -d "$corpus" ] || { echo "no corpus folder at $corpus" >&2; exit 2; }
cargo build --release --locked --quiet --bin zhengce --example naive_index
bytes=$(du -s --apparent-size --block-size=1 "$corpus" | cut -f1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

walls=()
for i in $(seq "$n"); do
  rm -rf "$tmp/index"
  start=$(date +%s.%N)
  target/release/zhengce index --corpus "$corpus" --index "$tmp/index" >/dev/null 2>&1
  end=$(date +%s.%N)
  w=$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')
  walls+=("$w")
  printf 'zhengce index, run %d: %.2f s = %.1f MB/s\n' "$i" "$w" "$(awk -v b="$bytes" -v w="$w" 'BEGIN {print b / 1e6 / w}')"
done
m=$(printf '%s\n' "${walls[@]}" | median)
printf 'zhengce index: median %.2f s over %d runs = %.1f MB/s (%.1f MB)\n' \
  "$m" "$n" "$(awk -v b="$bytes" -v w="$m" 'BEGIN {print b / 1e6 / w}')" "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')"

if ls "$corpus"/*/*.md "$corpus"/*.md >/dev/null 2>&1; then
  naive=()
  for i in $(seq "$n"); do
    out=$(target/release/examples/naive_index "$corpus" jieba stored)
    naive+=("$(echo "$out" | sed -E 's/.* in ([0-9.]+) s .*/\1/')")
  done
  nm=$(printf '%s\n' "${naive[@]}" | median)
  printf 'floor, tantivy + tantivy-jieba, one field: median %.2f s = %.1f MB/s\n' \
    "$nm" "$(awk -v b="$bytes" -v w="$nm" 'BEGIN {print b / 1e6 / w}')"
fi
