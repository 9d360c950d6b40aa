#!/usr/bin/env bash
# Cold start of the CLI over a library beside the plan's, in the same run (interleaved):
# `zhengce --corpus CORPUS --index DIR search --json 以工代赈`, process start to exit, on
# built indexes. PEER: another binary measured over the library in the same runs (e.g. a
# build of an earlier commit), on its own index.
# Usage: scripts/coldstart_library.sh CORPUS [RUNS=25] [BINARY] [PEER]
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=$1
RUNS=${2:-25}
BIN=${3:-target/release/zhengce}
PEER=${4:-}
[ -x "$BIN" ] || cargo build --release --quiet
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
"$BIN" --corpus "$CORPUS" --index "$WORK/lib" index >/dev/null 2>&1
"$BIN" --corpus corpus --index "$WORK/plan" index >/dev/null 2>&1
[ -z "$PEER" ] || "$PEER" --corpus "$CORPUS" --index "$WORK/peer" index >/dev/null 2>&1
run() { # file, command...
  local out=$1; shift
  local s e
  s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N)
  echo $(( (e - s) / 1000 )) >>"$WORK/t-$out"
}
for _ in 1 2; do # warm the page cache
  "$BIN" --corpus "$CORPUS" --index "$WORK/lib" search --json 以工代赈 >/dev/null
  [ -z "$PEER" ] || "$PEER" --corpus "$CORPUS" --index "$WORK/peer" search --json 以工代赈 >/dev/null
done
for _ in $(seq "$RUNS"); do
  run lib "$BIN" --corpus "$CORPUS" --index "$WORK/lib" search --json 以工代赈
  run plan "$BIN" --corpus corpus --index "$WORK/plan" search --json 以工代赈
  [ -z "$PEER" ] || run peer "$PEER" --corpus "$CORPUS" --index "$WORK/peer" search --json 以工代赈
done
for f in lib plan peer; do
  [ -f "$WORK/t-$f" ] || continue
  sort -n "$WORK/t-$f" | awk -v name="$f" '{a[NR]=$1} END {
    printf "%-5s median %.1f ms, p10 %.1f ms, p90 %.1f ms (%d runs)\n",
      name, a[int((NR+1)/2)]/1000, a[int(NR*0.1)+1]/1000, a[int(NR*0.9)]/1000, NR }'
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
