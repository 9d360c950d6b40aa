#!/usr/bin/env bash
# HTTP load on `zhengce serve` with wrk: /api/search with the query mix at 1, 16 and 64
# connections for a fixed time each, once more at 64 connections with gzipped answers
# (`search-gz`, as a browser asks; the other rows are plain, as wrk asks by default), and
# /healthz at 64 connections as the ceiling; then the server's peak RSS (VmHWM). Prints
# requests/s, p50, p99, errors and the server's CPU time per request (user + system, from
# /proc; steadier than requests/s on a shared machine) per run, and
# exits non-zero if any run had errors or a goal of issue 6 was missed (STRICT=1).
#
#   scripts/load.sh                       # 30 s per run, port 18080
#   DURATION=10 PORT=18181 scripts/load.sh
#   BIN=target/release/zhengce CONNS="1 16 64" THREADS=2 scripts/load.sh
#
# Needs: wrk (installed with apt-get when missing), curl, a `zhengce serve --addr ADDR`
# that answers GET /healthz and GET /api/search?q=…
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
PORT=${PORT:-18080}
CONNS=${CONNS:-"1 16 64"}
THREADS=${THREADS:-2}
BIN=${BIN:-target/release/zhengce}
STRICT=${STRICT:-0}
ADDR=127.0.0.1:$PORT
BASE=http://$ADDR

die() { echo "load.sh: $*" >&2; exit 2; }

if ! command -v wrk >/dev/null; then
  echo "load.sh: installing wrk" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >/dev/null \
    || die "could not install wrk (apt-get install -y wrk)"
fi
command -v curl >/dev/null || die "curl is needed"
[ -x "$BIN" ] || cargo build --release --quiet
"$BIN" serve --help >/dev/null 2>&1 \
  || die "'$BIN serve' is not available in this build: the HTTP server has not landed yet"

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export ZHENGCE_CORPUS=${ZHENGCE_CORPUS:-$PWD/corpus}
export ZHENGCE_INDEX=${ZHENGCE_INDEX:-$WORK/index}
"$BIN" index >/dev/null || die "zhengce index failed"
curl -s -o /dev/null "$BASE/healthz" && die "something already listens on $ADDR; set PORT"
"$BIN" serve --addr "$ADDR" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs -o /dev/null "$BASE/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.log" >&2; die "serve exited"; }
  sleep 0.1
done
curl -fs -o /dev/null "$BASE/healthz" || die "serve did not answer /healthz within 30 s"
echo "load.sh: serve pid $SERVER_PID on $ADDR; RSS after start: $(grep VmRSS /proc/$SERVER_PID/status | awk '{print $2, $3}')" >&2

# The query mix of benches/search.rs, URL-encoded; every query must answer 200 with hits.
QUERIES=(以工代赈 光伏 赣州 "包头 稀土" 安置区配套设施有哪些 如何保护利用革命文物
  '"让低收入人口和欠发达地区共享发展成果"' 代赈 老区 以工代賑 易地扶貧搬遷)
urlencode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }
LUA_PATHS=
for q in "${QUERIES[@]}"; do
  e=$(urlencode "$q")
  body=$(curl -fs "$BASE/api/search?q=$e") || die "GET /api/search?q=$e failed"
  case $body in *'"hits":[]'*|*'"hits": []'*) die "no hit for $q" ;; esac
  LUA_PATHS+="  \"/api/search?q=$e\","$'\n'
done

cat >"$WORK/mix.lua" <<LUA
local paths = {
$LUA_PATHS}
local i = 0
function setup(thread) thread:set("offset", i); i = i + 3 end
function init(args) i = offset end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
cat >"$WORK/report.lua" <<'LUA'
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.3f %.3f %.3f %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, summary.requests))
end
LUA
cat "$WORK/report.lua" >>"$WORK/mix.lua"

# CPU time (user + system, in clock ticks) the server has used so far.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
TICK=$(getconf CLK_TCK)

run() { # name path-or-script conns [header]
  local name=$1 target=$2 c=$3 t=$THREADS hdr=${4:-"X-Load: 1"}
  [ "$c" -lt "$t" ] && t=$c
  local out before
  before=$(cpu_ticks)
  if [ "$target" = mix ]; then
    out=$(wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -H "$hdr" -s "$WORK/mix.lua" "$BASE")
  else
    out=$(wrk -t"$t" -c"$c" -d"${DURATION}s" --latency -s "$WORK/report.lua" "$BASE$target")
  fi
  echo "$out" >>"$WORK/wrk.txt"
  local r cpu
  r=$(echo "$out" | awk '/^RESULT/ {print $2, $3, $4, $5, $6, $7, $8}')
  [ -n "$r" ] || { echo "$out" >&2; die "wrk gave no result"; }
  set -- $r
  # The server's CPU per request: what the load on the machine does not change much.
  cpu=$(awk -v b="$before" -v a="$(cpu_ticks)" -v n="$7" -v t="$TICK" \
    'BEGIN { printf "%.0f", (n > 0 ? (a - b) / t * 1e6 / n : 0) }')
  printf "%-8s %5s %12s %10s %10s %10s %8s %8s %12s\n" "$name" "$c" "$1" "$2" "$3" "$4" "$5" "$6" "$cpu"
  echo "$name $c $1 $2 $3 $4 $5 $6" >>"$WORK/results"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); wrk runs on the same machine"
printf "%-8s %5s %12s %10s %10s %10s %8s %8s %12s\n" path conns "requests/s" "p50 ms" "p99 ms" "max ms" "sockerr" "non-2xx" "server µs/req"
for c in $CONNS; do run search mix "$c"; done
# As a browser asks: gzipped answers (the rows above are plain, as wrk asks by default).
run search-gz mix 64 "Accept-Encoding: gzip"
run healthz /healthz 64

HWM=$(awk '/VmHWM/ {print $2}' /proc/$SERVER_PID/status)
RSS=$(awk '/VmRSS/ {print $2}' /proc/$SERVER_PID/status)
echo "serve memory: peak RSS (VmHWM) $((HWM / 1024)) MB, RSS now $((RSS / 1024)) MB"

# Goals (issue 6): search >= 20000 req/s and >= 30% of /healthz at 64 connections,
# p99 <= 10 ms at 64 connections, 0 errors, peak RSS <= 100 MB.
python3 - "$WORK/results" "$HWM" "$STRICT" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1])]
hwm_kb, strict = int(sys.argv[2]), sys.argv[3] == "1"
res = {(r[0], int(r[1])): list(map(float, r[2:])) for r in rows}
ok = True
def check(what, good):
    global ok
    ok &= good
    print(f"  {'ok  ' if good else 'MISS'} {what}")
print("goals:")
errors = sum(v[4] + v[5] for v in res.values())
check(f"0 errors (got {errors:.0f})", errors == 0)
s64, h64 = res.get(("search", 64)), res.get(("healthz", 64))
if s64 and h64:
    check(f"search >= 20000 req/s at 64 (got {s64[0]:.0f})", s64[0] >= 20000)
    check(f"search >= 30% of /healthz (got {100 * s64[0] / h64[0]:.0f}%)", s64[0] >= 0.3 * h64[0])
    check(f"p99 <= 10 ms at 64 (got {s64[2]:.2f} ms)", s64[2] <= 10)
check(f"peak RSS <= 100 MB (got {hwm_kb / 1024:.0f} MB)", hwm_kb <= 100 * 1024)
sys.exit(1 if errors or (strict and not ok) else 0)
PY
