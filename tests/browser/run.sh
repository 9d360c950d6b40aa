#!/usr/bin/env bash
# Browser checks of the search page and the reader view: tests/browser/check_pages.py in
# Debian's Chromium driven by Playwright for Python, over the plan, the fixture library
# and, when ../shared/corpora/laws is beside the repository, the laws (skipped with a note
# when it is not). Never downloads a browser.
#
# Usage: tests/browser/run.sh [path/to/zhengce] [check_pages.py options…]
#   (default binary: target/debug/zhengce; SCREENSHOTS=DIR saves a PNG of each page)
# Needs: apt-get install -y chromium fonts-noto-cjk; python3 -m pip install playwright.
# Without them it skips with a notice, unless CI=true, where it fails.
set -euo pipefail

cd "$(dirname "$0")/../.."
BIN=${1:-target/debug/zhengce}
shift || true
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

missing=""
[[ -x "$CHROMIUM" ]] || missing="$CHROMIUM (apt-get install -y chromium fonts-noto-cjk)"
python3 -c 'import playwright.sync_api' 2>/dev/null || missing="${missing:+$missing, }playwright (python3 -m pip install playwright)"
if [[ -n "$missing" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "browser: missing $missing" >&2
    exit 1
  fi
  echo "browser: SKIPPED (missing $missing)"
  exit 0
fi
if [[ ! -x "$BIN" ]]; then
  echo "browser: no binary at $BIN (cargo build first)" >&2
  exit 1
fi

exec python3 tests/browser/check_pages.py --bin "$BIN" --chromium "$CHROMIUM" "$@"
