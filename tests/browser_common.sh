# Shared by tests/browser.sh and tests/browser_library.sh, sourced from the repository root
# with BIN (the zhengce binary), CHROMIUM and NAME (the test's name in messages) set.
#
#   require_chromium        exit 0 with a notice without chromium (exit 1 when CI=true)
#   start_server CORPUS     `zhengce serve` over CORPUS with a fresh index on a free port:
#                           sets WORK (a temporary directory), SERVER_PID and ADDR; the
#                           server is stopped and WORK removed when the script exits
#   run_chromium OUT ARGS…  headless Chromium with ARGS, stdout to OUT

require_chromium() {
  if [[ ! -x "$CHROMIUM" ]]; then
    if [[ "${CI:-}" == "true" ]]; then
      echo "$NAME: $CHROMIUM is missing" >&2
      exit 1
    fi
    echo "$NAME: SKIPPED ($CHROMIUM not installed; apt-get install -y chromium)"
    exit 0
  fi
}

cleanup() {
  if [[ -n "${SERVER_PID:-}" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "${WORK:-}"
}

start_server() { # corpus dir
  WORK=$(mktemp -d)
  SERVER_PID=
  trap cleanup EXIT
  # Port 0: the server picks a free port and prints the address it listens on.
  "$BIN" --corpus "$1" --index "$WORK/index" serve --addr 127.0.0.1:0 \
    >"$WORK/server.out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  ADDR=
  for _ in $(seq 1 600); do
    ADDR=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$WORK/server.err" | head -n1 | sed 's|listening on http://||' || true)
    [[ -n "$ADDR" ]] && return 0
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$NAME: the server exited:" >&2
      cat "$WORK/server.err" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$NAME: the server did not start in 60 s" >&2
  cat "$WORK/server.err" >&2
  exit 1
}

run_chromium() { # out file, extra args...
  local out=$1
  shift
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
    --disable-background-networking --disable-component-update --no-first-run \
    --disable-sync --disable-dev-shm-usage --user-data-dir="$(mktemp -d -p "$WORK")" \
    --virtual-time-budget=5000 "$@" >"$out" 2>>"$WORK/chromium.err"
}
