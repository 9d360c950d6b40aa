#!/usr/bin/env bash
# Browser test of the search page over a library (tests/fixtures/library: laws, a policy
# text and the plan), run by tests/browser.sh. Starts `zhengce serve` over the library on a
# free port with a fresh index, loads pages in headless Chromium and checks that:
#   - the document picker is shown, with one option per document;
#   - an unrestricted search shows hits of more than one document;
#   - a search restricted to one document (?q=…&doc=ID, the URL the picker writes) shows
#     only hits of that document, as many as /api/search counts for it;
#   - chapter facets name the chapters of the document picked, and are not shown when no
#     document is picked (chapter numbers would mix documents).
#
# Usage: tests/browser_library.sh [path/to/zhengce]   (default: target/debug/zhengce)
# Needs /usr/bin/chromium, curl and python3; skips with a notice without chromium unless
# CI=true, where it fails.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${1:-target/debug/zhengce}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
LIBRARY=tests/fixtures/library

NAME="browser test (library)"
source tests/browser_common.sh
require_chromium
start_server "$LIBRARY"

# Percent-encodes a query-string value.
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# Reads a JSON document on stdin and prints the value of a Python expression over it (`v`).
json() { python3 -c 'import json, sys; v = json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

curl -fsS "http://$ADDR/api/toc" >"$WORK/toc.json"
NDOCS=$(json 'len(v["documents"])' <"$WORK/toc.json")
LAW_ID=$(json '[d["id"] for d in v["documents"] if "乡村振兴促进法" in d["title"]][0]' <"$WORK/toc.json")
LAW_TITLE=$(json '[d["title"] for d in v["documents"] if "乡村振兴促进法" in d["title"]][0]' <"$WORK/toc.json")
# The picker's label of the law: its title, and its date when the list gives one.
LAW_LABEL=$(json '[d["title"] + ("（" + d["date"] + "）" if d.get("date") else "") for d in v["documents"] if "乡村振兴促进法" in d["title"]][0]' <"$WORK/toc.json")

fails=0
total=0
ok() { echo "ok: $1"; total=$((total + 1)); }
fail() { echo "FAILED: $1"; total=$((total + 1)); fails=$((fails + 1)); }
check() { # name, command...
  local name=$1
  shift
  if "$@"; then ok "$name"; else fail "$name"; fi
}

# Facts about a dumped page, one per line: `picker hidden|shown`, `options N`,
# `option ID`, `label TEXT` (each option's label), `hits N`, `hit-doc ID` (the document
# id of each hit's passage link, from the TOC's document ids), `status TEXT`,
# `facets hidden|shown`, `facet NAME`.
facts() { # dom file
  python3 - "$1" "$WORK/toc.json" <<'EOF'
import json, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
ids = sorted((d["id"] for d in json.load(open(sys.argv[2], encoding="utf-8"))["documents"]),
             key=len, reverse=True)
m = re.search(r'<select id="doc"[^>]*>(.*?)</select>', dom, re.S)
if m:
    tag = dom[m.start():dom.index(">", m.start()) + 1]
    print("picker", "hidden" if re.search(r"\shidden\b", tag) else "shown")
    opts = re.findall(r'<option value="([^"]*)"', m.group(1))
    print("options", len(opts))
    for o in opts:
        print("option", o)
    for label in re.findall(r'<option[^>]*>([^<]*)</option>', m.group(1)):
        print("label", label)
else:
    print("picker missing")
r = re.search(r'<ol id="results">(.*?)</ol>', dom, re.S)
hits = re.findall(r'<li class="hit".*?</li>', r.group(1), re.S) if r else []
print("hits", len(hits))
for h in hits:
    links = re.findall(r'class="open" href="/p/([^"]+)"', h)
    doc = next((i for i in ids if links and links[0].startswith(i + "-")), "?")
    print("hit-doc", doc)
s = re.search(r'<p id="status"[^>]*>(.*?)</p>', dom, re.S)
print("status", s.group(1) if s else "")
box = re.search(r'<section id="facets-box"[^>]*>', dom)
print("facets", "hidden" if box and re.search(r"\shidden\b", box.group(0)) else "shown")
f = re.search(r'<ul id="facets">(.*?)</ul>', dom, re.S)
for name in re.findall(r'<span class="name">([^<]*)</span>', f.group(1) if f else ""):
    print("facet", name)
EOF
}

# 1. An unrestricted search: the picker lists every document; hits of several documents.
Q1=以工补农
run_chromium "$WORK/all.html" --dump-dom "http://$ADDR/?q=$(enc "$Q1")"
facts "$WORK/all.html" >"$WORK/all.facts"
check "the document picker is shown over a library" grep -qx 'picker shown' "$WORK/all.facts"
check "the picker offers all $NDOCS documents and 全部文件" \
  grep -qx "options $((NDOCS + 1))" "$WORK/all.facts"
check "the picker offers the law by its id" grep -qx "option $LAW_ID" "$WORK/all.facts"
check "the picker shows document titles (with their date)" grep -qF ">$LAW_LABEL</option>" "$WORK/all.html"
# Dated versions of one law share a title; their options are told apart by the date.
dup_labels=$(sed -n 's/^label //p' "$WORK/all.facts" | sort | uniq -d)
check "no two options have the same label (${dup_labels:-none repeated})" test -z "$dup_labels"
nversions=0
for label in $(json "' '.join(d['title'] + '（' + d['date'] + '）' for d in v['documents'] if '民事诉讼法' in d['title'] and d.get('date'))" <"$WORK/toc.json"); do
  nversions=$((nversions + 1))
  check "the picker offers $label" grep -qxF "label $label" "$WORK/all.facts"
done
check "both dated versions of 民事诉讼法 are in the list ($nversions)" test "$nversions" -eq 2
ndocs_hit=$(grep '^hit-doc ' "$WORK/all.facts" | sort -u | wc -l)
check "an unrestricted search shows hits of more than one document ($ndocs_hit)" \
  test "$ndocs_hit" -gt 1
check "no chapter facets mixing the documents' chapters" grep -qx 'facets hidden' "$WORK/all.facts"

# 2. The same page restricted to the law, as the picker writes it: only the law's hits,
#    as many as the API counts for the law.
Q2=发展
EXPECTED=$(curl -fsS "http://$ADDR/api/search?q=$(enc "$Q2")&doc=$LAW_ID&limit=1" | json 'v["total"]')
ALL=$(curl -fsS "http://$ADDR/api/search?q=$(enc "$Q2")&limit=1" | json 'v["total"]')
run_chromium "$WORK/law.html" --dump-dom "http://$ADDR/?q=$(enc "$Q2")&doc=$LAW_ID"
facts "$WORK/law.html" >"$WORK/law.facts"
nhits=$(grep -c '^hit-doc ' "$WORK/law.facts" || true)
nlaw=$(grep -cx "hit-doc $LAW_ID" "$WORK/law.facts" || true)
check "the restricted search shows hits ($nhits)" test "$nhits" -gt 0
check "every hit is the law's ($nlaw of $nhits)" test "$nlaw" -eq "$nhits"
check "the restricted count is the API's for the law ($EXPECTED of $ALL)" \
  grep -q "^status 共 $EXPECTED 段" "$WORK/law.facts"
check "the restriction narrows the search ($EXPECTED < $ALL)" test "$EXPECTED" -lt "$ALL"
check "the restricted hits cite the law" grep -qF "《$LAW_TITLE》第" "$WORK/law.html"
# The law's chapters, as the facets name them.
json "'\\n'.join(['章外（前言等）'] + [n['label'] + ' ' + n['title'] for d in v['documents'] if d['id'] == '$LAW_ID' for n in d['outline'] if n['kind'] == 'chapter'])" \
  <"$WORK/toc.json" >"$WORK/law.chapters"
sed -n 's/^facet //p' "$WORK/law.facts" >"$WORK/law.facet-names"
check "the restricted search shows chapter facets" test -s "$WORK/law.facet-names"
check "the facets name the law's chapters ($(head -n 3 "$WORK/law.facet-names" | tr '\n' ' '))" \
  bash -c '! grep -vxF -f "$1" "$2"' _ "$WORK/law.chapters" "$WORK/law.facet-names"

echo "browser (library): $((total - fails)) passed, $fails failed"
if [[ $fails -gt 0 ]]; then
  for f in all law; do
    echo "--- $f: facts ---" >&2
    cat "$WORK/$f.facts" >&2 || true
  done
  echo "--- DOM (restricted) ---" >&2
  head -c 3000 "$WORK/law.html" >&2 || true
  echo "--- chromium stderr (tail) ---" >&2
  tail -n 20 "$WORK/chromium.err" >&2 || true
  exit 1
fi
