#!/usr/bin/env bash
# Browser test: starts `zhengce serve` on a free port with a fresh index, loads
# /?q=以工代赈 in headless Chromium, waits for the page's script, and checks that the
# results show <mark>以工代赈</mark> and a citation with 第二章, and that the document picker
# stays hidden (one document). Then runs tests/browser_library.sh: the page over a library
# of several documents, its document picker and a search restricted to one document.
#
# Usage: tests/browser.sh [path/to/zhengce]   (default: target/debug/zhengce)
# Needs /usr/bin/chromium (Debian's `chromium` package); skips with a notice without it
# unless CI=true, where it fails.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-target/debug/zhengce}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

NAME="browser test"
source tests/browser_common.sh
require_chromium
start_server corpus

URL="http://$ADDR/?q=%E4%BB%A5%E5%B7%A5%E4%BB%A3%E8%B5%88"
fails=0
check() { # name, needle, file
  if grep -qF -- "$2" "$3"; then
    echo "ok: $1"
  else
    echo "FAILED: $1 (no $2)"
    fails=$((fails + 1))
  fi
}

run_chromium "$WORK/dom.html" --dump-dom "$URL"
check "search results highlight the query" '<mark>以工代赈</mark>' "$WORK/dom.html"
check "a citation with its chapter" '第二章' "$WORK/dom.html"
check "a citation with pages" '页</span>' "$WORK/dom.html"
check "a link to the passage page" 'href="/p/tese2021-' "$WORK/dom.html"
check "chapter facets" 'class="facet' "$WORK/dom.html"
check "the outline" 'class="outline"' "$WORK/dom.html"
check "a copy button" 'class="copy"' "$WORK/dom.html"
if grep -qE '<select id="doc"[^>]* hidden' "$WORK/dom.html"; then
  echo "ok: no document picker for one document"
else
  echo "FAILED: no document picker for one document (the select is not hidden)"
  fails=$((fails + 1))
fi

run_chromium "$WORK/passage.html" --dump-dom "http://$ADDR/p/tese2021-2.2.1"
check "passage page shows the passage" 'passage current' "$WORK/passage.html"
check "passage page links a neighbour" 'rel="next"' "$WORK/passage.html"

total=10
echo "browser: $((total - fails)) passed, $fails failed"
if [[ $fails -gt 0 ]]; then
  echo "--- DOM ---" >&2
  head -c 3000 "$WORK/dom.html" >&2 || true
  echo "--- chromium stderr (tail) ---" >&2
  tail -n 20 "$WORK/chromium.err" >&2 || true
  exit 1
fi

bash tests/browser_library.sh "$BIN"
