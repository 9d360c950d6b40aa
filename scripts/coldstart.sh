#!/usr/bin/env bash
# Cold start of the CLI: `zhengce search 以工代赈 --json` on a built index, process start to
# exit, N runs (default 30); prints the median, p10 and p90 in milliseconds.
# Usage: scripts/coldstart.sh [RUNS] [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-30}
BIN=${2:-target/release/zhengce}
[ -x "$BIN" ] || cargo build --release --quiet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export ZHENGCE_CORPUS="$PWD/corpus" ZHENGCE_INDEX="$WORK/index"
"$BIN" index >/dev/null
"$BIN" search 以工代赈 --json >/dev/null   # warm the page cache
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" --export-json "$WORK/h.json" \
    "$BIN search 以工代赈 --json" >&2
fi
for _ in $(seq "$RUNS"); do
  s=$(date +%s%N)
  "$BIN" search 以工代赈 --json >/dev/null
  e=$(date +%s%N)
  echo $(( (e - s) / 1000 ))
done | sort -n | awk '{a[NR]=$1} END {
  printf "cold start over %d runs: median %.1f ms, p10 %.1f ms, p90 %.1f ms\n",
    NR, a[int((NR+1)/2)]/1000, a[int(NR*0.1)+1]/1000, a[int(NR*0.9)]/1000 }'
