#!/usr/bin/env bash
# Indexing throughput: builds the index of a corpus folder N times (release build, a new
# index directory each time), each run interleaved with the floors of the stack
# (examples/naive_index.rs, tantivy + tantivy-jieba, no parsing) so that all of them see
# the same load, and prints every run, the medians of wall and CPU time (user + system)
# and the ratios to the floors:
#
# - floor: `naive_index jieba stored`, one stored field of tantivy-jieba's words;
# - floor + chars: `naive_index jieba+chars stored`, the same plus a field of characters
#   with positions (the token volume of zhengce's substring field; see BENCHMARKS.md).
#
#   scripts/index_bench.sh [CORPUS_DIR] [N]      (defaults: ../shared/corpora/laws, 5)
#
# MB are the bytes of the corpus files (du --apparent-size), 10^6 bytes per MB. On a shared
# machine the CPU-time ratio is the steadier figure; wall time is what a user waits.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/laws}
n=${2:-5}
[ -d "$corpus" ] || { echo "no corpus folder at $corpus" >&2; exit 2; }
cargo build --release --locked --quiet --bin zhengce --example naive_index
target=${CARGO_TARGET_DIR:-target}
bytes=$(du -s --apparent-size --block-size=1 "$corpus" | cut -f1)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
floors=0
if ls "$corpus"/*/*.md "$corpus"/*.md >/dev/null 2>&1; then floors=1; fi

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mbs() { awk -v b="$bytes" -v w="$1" 'BEGIN {printf "%.1f", b / 1e6 / w}'; }

# run NAME COMMAND...: one timed run, appended to $tmp/NAME as "wall cpu".
run() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >/dev/null 2>&1
  read -r w u s < "$tmp/time"
  local c; c=$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')
  echo "$w $c" >> "$tmp/$name"
  printf '%-14s run %d: wall %.2f s = %s MB/s, cpu %.2f s\n' "$name" "$i" "$w" "$(mbs "$w")" "$c"
}

for i in $(seq "$n"); do
  rm -rf "$tmp/index"
  run zhengce "$target/release/zhengce" index --corpus "$corpus" --index "$tmp/index"
  if [ "$floors" = 1 ]; then
    run floor "$target/release/examples/naive_index" "$corpus" jieba stored
    run floor+chars "$target/release/examples/naive_index" "$corpus" jieba+chars stored
  fi
done

echo
for name in zhengce floor floor+chars; do
  [ -f "$tmp/$name" ] || continue
  w=$(cut -d' ' -f1 "$tmp/$name" | median)
  c=$(cut -d' ' -f2 "$tmp/$name" | median)
  echo "$w $c" > "$tmp/$name.median"
  printf '%-14s median of %d: wall %.2f s = %s MB/s, cpu %.2f s\n' "$name" "$n" "$w" "$(mbs "$w")" "$c"
done
if [ "$floors" = 1 ]; then
  read -r zw zc < "$tmp/zhengce.median"
  for name in floor floor+chars; do
    read -r fw fc < "$tmp/$name.median"
    printf 'zhengce / %-12s wall %.2f×, cpu %.2f×\n' "$name" \
      "$(awk -v a="$zw" -v b="$fw" 'BEGIN {print a / b}')" "$(awk -v a="$zc" -v b="$fc" 'BEGIN {print a / b}')"
  done
fi
printf 'corpus: %.1f MB\n' "$(awk -v b="$bytes" 'BEGIN {print b / 1e6}')"
