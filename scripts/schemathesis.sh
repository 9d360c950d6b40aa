#!/usr/bin/env bash
# Contract conformance: starts `zhengce serve` over the plan (a fresh index, a free port),
# runs schemathesis against its /api/openapi.json, stops the server. Fails on any
# schemathesis failure (every check: no 5xx, status codes, content types, response
# schemas, rejection of invalid data, acceptance of valid data).
#
#   scripts/schemathesis.sh [BINARY] [MAX_EXAMPLES]   (default target/release/zhengce, 50)
#
# Needs schemathesis (`pip install schemathesis`, installed here when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/zhengce}
EXAMPLES=${2:-50}
[ -x "$BIN" ] || cargo build --release --quiet
command -v schemathesis >/dev/null || python3 -m pip install --quiet schemathesis
WORK=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
"$BIN" --corpus corpus --index "$WORK/index" index >/dev/null
"$BIN" --corpus corpus --index "$WORK/index" serve --addr 127.0.0.1:0 \
  >"$WORK/server.out" 2>"$WORK/server.err" &
PID=$!
ADDR=
for _ in $(seq 600); do
  ADDR=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$WORK/server.err" | head -n1 \
    | sed 's|listening on http://||' || true)
  [ -n "$ADDR" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
  sleep 0.1
done
[ -n "$ADDR" ] || { echo "schemathesis.sh: the server did not start" >&2; exit 1; }
echo "== schemathesis against http://$ADDR/api/openapi.json ($EXAMPLES examples)" >&2
# From the work directory: schemathesis keeps its cache (.schemathesis/) in the current one.
(cd "$WORK" && schemathesis run "http://$ADDR/api/openapi.json" --max-examples "$EXAMPLES" --seed 1 --request-timeout 30 \
  --suppress-health-check all --no-color) 2>&1 | tee "$WORK/st.log" | tail -80
status=${PIPESTATUS[0]}
if ! kill -0 "$PID" 2>/dev/null; then
  echo "schemathesis.sh: the server died" >&2
  cat "$WORK/server.err" >&2
  exit 1
fi
exit "$status"
