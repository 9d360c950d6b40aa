#!/usr/bin/env python3
"""Browser checks of the search page and the reader view, in Debian's Chromium driven by
Playwright for Python (never a downloaded browser).

For each library -- the plan (corpus/), the fixture library (tests/fixtures/library) and,
when its folder is there, the laws (../shared/corpora/laws) -- this starts `zhengce serve`
on a free port with a fresh index and checks, at 1280x900 and 390x844:

- no horizontal overflow on the search page and in the reader view (and at 360 and
  1920 px too);
- the query box is the widest control of the page;
- typing a query shows hits with the query's words marked;
- the document picker finds a document by words of its title, with hit counts, and
  picking it restricts the hits to it (libraries only);
- a hit opens the reader view scrolled to the hit's passage, with the words marked;
- `/` focuses the box, arrow keys move through the hits, Enter opens one, and back and
  forward restore the searches.

It also keeps the checks of the former shell tests (citations, pages, facets, outline,
copy buttons, the passage page, the picker's versions of one law told apart by date).

Usage: check_pages.py --bin target/debug/zhengce [--chromium /usr/bin/chromium]
                      [--laws ../shared/corpora/laws] [--screenshots DIR] [--only NAME]
                      [--keep-indexes DIR]
Prints one line per check and closes with `browser: N passed, M failed`; exits 1 when a
check failed.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
import urllib.request

from playwright.sync_api import sync_playwright

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--lang=zh-CN",
]
WIDTHS = [(1280, 900), (390, 844)]


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok: {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAILED: {name}" + (f" ({detail})" if detail else ""), flush=True)
        return ok


class Server:
    """`zhengce serve` over a corpus, on a free port, with its own index."""

    def __init__(self, binary, corpus, work, name, timeout, index=None):
        self.work = os.path.join(work, name)
        os.makedirs(self.work)
        self.err_path = os.path.join(self.work, "server.err")
        started = time.monotonic()
        self.proc = subprocess.Popen(
            [binary, "--corpus", corpus, "--index", index or os.path.join(self.work, "index"),
             "serve", "--addr", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=open(self.err_path, "w"), cwd=ROOT,
            env=dict(os.environ, NO_COLOR="1", RUST_LOG="warn,zhengce=info"))
        self.base = None
        while time.monotonic() - started < timeout:
            with open(self.err_path, encoding="utf-8", errors="replace") as f:
                m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", f.read())
            if m:
                self.base = m.group(1)
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        if self.base is None:
            self.stop()
            with open(self.err_path, encoding="utf-8", errors="replace") as f:
                raise RuntimeError(f"{name}: the server did not start:\n{f.read()[-3000:]}")
        self.startup_s = time.monotonic() - started

    def api(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        with urllib.request.urlopen(url, timeout=60) as r:
            return json.load(r)

    def report(self):
        """Says whether the server still runs, and the end of its log."""
        state = "running" if self.proc.poll() is None else f"exited with {self.proc.returncode}"
        with open(self.err_path, encoding="utf-8", errors="replace") as f:
            print(f"--- the server ({state}); its log ends:\n{f.read()[-1500:]}", flush=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---- facts read from a page ----

LAYOUT_JS = """() => {
  const de = document.documentElement;
  const visible = (e) => {
    const r = e.getBoundingClientRect();
    const s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && e.type !== 'hidden';
  };
  const controls = Array.from(document.querySelectorAll('input, select, textarea, button'))
    .filter(visible)
    .map(e => ({id: e.id || e.className || e.tagName, w: e.getBoundingClientRect().width}));
  const q = document.getElementById('q');
  const wide = Array.from(document.querySelectorAll('body *')).filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > window.innerWidth + 1;
  }).slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id);
  return {scrollWidth: de.scrollWidth, innerWidth: window.innerWidth,
          qWidth: q ? q.getBoundingClientRect().width : 0, controls, wide};
}"""


def hits_of(page):
    return page.eval_on_selector_all("#results li.hit", """els => els.map(li => {
      const a = li.querySelector('a.open');
      return {href: a ? a.getAttribute('href') : '', title: a ? a.textContent : '',
              marks: Array.from(li.querySelectorAll('.snippet mark')).map(m => m.textContent),
              snippet: li.querySelector('.snippet').textContent,
              meta: (li.querySelector('.hit-meta') || {textContent: ''}).textContent,
              text: li.textContent};
    })""")


def doc_of_href(href):
    m = re.match(r"/d/([^?#]+)", href or "")
    return urllib.parse.unquote(m.group(1)) if m else None


def fragment_of(href):
    return urllib.parse.unquote(href.split("#", 1)[1]) if "#" in (href or "") else None


def searched_words(srv, query):
    """The words a search for `query` marks: the query, its words, and the words the
    engine expands it with (`expanded`, where the engine has it)."""
    r = srv.api("/api/search", q=query, limit=1)
    words = {query} | set(r.get("terms") or []) | {e["to"] for e in r.get("expanded") or []}
    return {w for w in words if w}


def mark_ok(mark, words):
    """Whether a mark is one of the words, or adjacent ones merged (marks merge)."""
    ok = [True] + [False] * len(mark)
    for i in range(len(mark)):
        if ok[i]:
            for w in words:
                if mark.startswith(w, i):
                    ok[i + len(w)] = True
    return ok[-1] or any(mark in w for w in words)


def wait_hits(page, timeout=30000):
    page.wait_for_function(
        "() => document.querySelectorAll('#results li.hit').length > 0 || "
        "/没有找到|error/.test(document.getElementById('status').className + "
        "document.getElementById('status').textContent)", timeout=timeout)


def status_total(page):
    m = re.search(r"共 (\d+) 段", page.inner_text("#status"))
    return int(m.group(1)) if m else -1


# ---- the checks ----

def check_layout(c, page, where):
    f = page.evaluate(LAYOUT_JS)
    c.check(f"{where}: no horizontal overflow (scrollWidth {f['scrollWidth']} <= {f['innerWidth']})",
            f["scrollWidth"] <= f["innerWidth"], f"too wide: {f['wide']}")
    return f


def check_query_box(c, page, where):
    f = check_layout(c, page, where)
    others = [x for x in f["controls"] if x["id"] != "q"]
    widest = max(others, key=lambda x: x["w"], default={"id": "-", "w": 0})
    c.check(f"{where}: the query box is the widest control ({f['qWidth']:.0f} px; next "
            f"{widest['id']} {widest['w']:.0f} px)",
            f["qWidth"] > 0 and f["qWidth"] >= widest["w"], json.dumps(f["controls"]))


def check_typing(c, page, srv, query, where):
    page.goto(srv.base + "/")
    page.wait_for_selector("body[data-ready]")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("/")
    c.check(f"{where}: `/` focuses the query box",
            page.evaluate("document.activeElement && document.activeElement.id") == "q")
    page.keyboard.type(query, delay=20)
    wait_hits(page)
    hits = hits_of(page)
    marked = [m for h in hits for m in h["marks"]]
    c.check(f"{where}: typing {query} shows hits ({len(hits)})", len(hits) > 0)
    words = searched_words(srv, query)
    c.check(f"{where}: the hits mark the query's words ({len(marked)} marks)",
            bool(marked) and all(mark_ok(m, words) for m in marked), f"{marked[:5]} not all in {words}")
    api = srv.api("/api/search", q=query, limit=1)
    c.check(f"{where}: the count is the API's ({status_total(page)} = {api['total']})",
            status_total(page) == api["total"])
    c.check(f"{where}: the address holds the query",
            urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query).get("q") == [query], page.url)
    return hits


def check_reader_from_hit(c, page, srv, query, where, shots, tag):
    """Opens the second hit with the keys (↓ ↓ Enter) and checks the reader view."""
    hits = hits_of(page)
    n = min(2, len(hits))
    page.focus("#q")
    for _ in range(n):
        page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    want = hits[n - 1]["href"]
    c.check(f"{where}: ↓ moves through the hits (hit {n} focused)", focused == want,
            f"{focused} != {want}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("main.doc")
    pid = fragment_of(want)
    c.check(f"{where}: Enter opens the reader view of the hit's document",
            doc_of_href(page.url.replace(srv.base, "")) == doc_of_href(want), page.url)
    box = page.evaluate("""(id) => {
      const e = document.getElementById(id);
      if (!e) return null;
      const r = e.getBoundingClientRect();
      return {top: r.top, bottom: r.bottom, h: window.innerHeight,
              marks: Array.from(e.querySelectorAll('mark')).map(m => m.textContent),
              current: e.matches(':target') || e.classList.contains('current'),
              passages: document.querySelectorAll('article.passage').length};
    }""", pid)
    c.check(f"{where}: the reader view has the hit's passage #{pid}", box is not None)
    if box:
        c.check(f"{where}: the reader view is scrolled to the hit (top {box['top']:.0f} of {box['h']})",
                0 <= box["top"] < box["h"] * 0.6, json.dumps(box))
        c.check(f"{where}: the hit's passage is marked as the current one", box["current"])
        words = searched_words(srv, query)
        c.check(f"{where}: the query's words are marked there ({box['marks'][:3]})",
                bool(box["marks"]) and all(mark_ok(m, words) for m in box["marks"]),
                f"not all in {words}")
        c.check(f"{where}: the reader view shows the whole document ({box['passages']} passages)",
                box["passages"] == passages_of(srv, doc_of_href(want)))
    check_layout(c, page, where + " reader view")
    if shots:
        page.screenshot(path=os.path.join(shots, f"{tag}-reader.png"))
    page.go_back()
    page.wait_for_selector("#results li.hit")
    c.check(f"{where}: back returns to the search", page.input_value("#q") == query and
            len(hits_of(page)) > 0, page.url)


_passages = {}


def passages_of(srv, doc):
    key = (srv.base, doc)
    if key not in _passages:
        _passages[key] = next((d["passages"] for d in srv.api("/api/docs")["documents"]
                               if d["id"] == doc), -1)
    return _passages[key]


def check_picker(c, page, srv, query, title_words, want_title, where, shot=None):
    """Types title words into the picker, checks the suggestions and picks the first."""
    narrow = page.viewport_size["width"] < 900
    page.goto(srv.base + "/?q=" + urllib.parse.quote(query))
    wait_hits(page)
    if narrow:
        page.click("#filters > summary")
    page.fill("#doc-q", "")
    page.type("#doc-q", title_words, delay=20)
    page.wait_for_selector("#doc-list li[role=option]")
    opts = page.eval_on_selector_all("#doc-list li[role=option]", """els => els.map(li => ({
      doc: li.dataset.doc, text: li.textContent,
      count: parseInt(((li.querySelector('.c') || {}).textContent || '-1'), 10)}))""")
    if shot:
        page.screenshot(path=shot + "-picker.png")
    docs = {d["id"]: d for d in srv.api("/api/docs")["documents"]}
    named = [o for o in opts if o["doc"] in docs]
    c.check(f"{where}: the picker suggests documents whose title has {title_words} ({len(named)})",
            bool(named) and all(all(w in docs[o["doc"]]["title"] + (docs[o["doc"]].get("subtitle") or "")
                                    for w in title_words.split()) for o in named), str(opts[:3]))
    c.check(f"{where}: the suggestions include {want_title}",
            any(docs[o["doc"]]["title"] == want_title for o in named), str([o["text"] for o in opts[:5]]))
    facets = srv.api("/api/search", q=query, limit=1)["doc_facets"]
    c.check(f"{where}: each suggestion shows its hit count",
            all(o["count"] == facets.get(o["doc"], 0) for o in named),
            str([(o["doc"], o["count"], facets.get(o["doc"], 0)) for o in named[:5]]))
    choice = next(o for o in named if docs[o["doc"]]["title"] == want_title)
    page.click(f"#doc-list li[data-doc='{choice['doc']}']")
    page.wait_for_function("(d) => new URLSearchParams(location.search).get('doc') === d", arg=choice["doc"])
    expected = srv.api("/api/search", q=query, doc=choice["doc"], limit=1)["total"]
    page.wait_for_function("(d) => Array.from(document.querySelectorAll('#results a.open'))"
                           ".every(a => a.getAttribute('href').startsWith('/d/' + d + '?'))",
                           arg=urllib.parse.quote(choice["doc"], safe=""), timeout=10000)
    hits = hits_of(page)
    c.check(f"{where}: picking restricts the hits to the document ({len(hits)} hits)",
            bool(hits) and all(doc_of_href(h["href"]) == choice["doc"] for h in hits) or expected == 0,
            str([h["href"] for h in hits[:3]]))
    page.wait_for_function("(n) => document.getElementById('status').textContent"
                           ".indexOf(n ? '共 ' + n + ' 段' : '没有找到') >= 0", arg=expected, timeout=10000)
    c.check(f"{where}: the restricted count is the API's ({status_total(page)} = {expected})",
            status_total(page) == expected)
    chosen = page.text_content("#doc-chosen") or ""
    c.check(f"{where}: the picked document is shown ({chosen.strip()[:30]})", want_title in chosen)
    if narrow:
        c.check(f"{where}: on a phone the panel folds after the pick, its summary naming the document",
                not page.evaluate("document.getElementById('filters').open")
                and want_title in page.inner_text("#filters > summary"))
        page.click("#filters > summary")
    return choice["doc"]


def check_url_state(c, page, srv, query, where):
    """A full address opens that state; back and forward move between states."""
    docs = srv.api("/api/docs")["documents"]
    typed = srv.api("/api/search", q=query, limit=1)["type_facets"]
    if len(docs) < 2 or not typed:
        return
    t = max(typed, key=typed.get)
    url = srv.base + "/?" + urllib.parse.urlencode({"q": query, "type": t, "page": 2 if typed[t] > 10 else 1})
    page.goto(url)
    wait_hits(page)
    c.check(f"{where}: ?type={t} opens with that type chosen",
            page.locator("#types button.active").count() == 1 and t in page.text_content("#types button.active"))
    c.check(f"{where}: ?type= restricts the count ({status_total(page)} = {typed[t]})",
            status_total(page) == srv.api("/api/search", q=query, type=t, limit=1)["total"])
    if typed[t] > 10:
        first = page.eval_on_selector("#results li.hit", "li => li.value")
        c.check(f"{where}: ?page=2 opens the second page (first hit no. {first})", first == 11)
    # A filter clicked is a new history entry; back restores the unfiltered search.
    page.goto(srv.base + "/?q=" + urllib.parse.quote(query))
    wait_hits(page)
    total = status_total(page)
    if page.viewport_size["width"] < 900:
        page.click("#filters > summary")
    page.click(f"#types button:has-text('{t}')")
    page.wait_for_function("(t) => new URLSearchParams(location.search).get('type') === t", arg=t)
    wait_hits(page)
    page.go_back()
    page.wait_for_function("() => !new URLSearchParams(location.search).get('type')")
    page.wait_for_function("(n) => document.getElementById('status').textContent.indexOf('共 ' + n + ' 段') >= 0",
                           arg=total, timeout=10000)
    c.check(f"{where}: back after a filter restores the unfiltered search ({total})", status_total(page) == total)
    page.go_forward()
    page.wait_for_function("(t) => new URLSearchParams(location.search).get('type') === t", arg=t)
    page.wait_for_function("() => document.querySelector('#types button.active')", timeout=10000)
    c.check(f"{where}: forward restores the filter", t in page.text_content("#types button.active"))


def check_plan_extras(c, page, srv, where):
    """What the former tests/browser.sh checked on the plan."""
    page.goto(srv.base + "/?q=" + urllib.parse.quote("以工代赈"))
    wait_hits(page)
    html = page.content()
    c.check(f"{where}: a citation with its chapter", "第二章" in page.inner_text("#results"))
    c.check(f"{where}: a citation with pages", re.search(r"第\d+(–\d+)?页", page.inner_text("#results")) is not None)
    c.check(f"{where}: hits link into the reader view", 'href="/d/tese2021?q=' in html)
    c.check(f"{where}: chapter facets", page.locator("#facets .facet").count() > 0)
    c.check(f"{where}: the outline", page.locator("#toc .outline li").count() > 0)
    c.check(f"{where}: a copy button per hit",
            page.locator("#results button.copy").count() == page.locator("#results li.hit").count())
    c.check(f"{where}: no document picker for one document", page.locator("#doc-box").is_hidden())
    page.goto(srv.base + "/p/tese2021-2.2.1")
    c.check(f"{where}: the passage page shows the passage", page.locator("article.passage.current").count() == 1)
    c.check(f"{where}: the passage page links a neighbour", page.locator("a[rel=next]").count() == 1)
    # The reader view by a passage id, and its copy-with-citation.
    page.goto(srv.base + "/d/tese2021-2.2.1")
    page.wait_for_function("() => location.hash === '#tese2021-2.2.1'")
    top = page.evaluate("document.getElementById('tese2021-2.2.1').getBoundingClientRect().top")
    c.check(f"{where}: /d/{{passage}} opens the document at the passage (top {top:.0f})",
            0 <= top < page.viewport_size["height"] * 0.6)
    c.check(f"{where}: the reader view shows printed pages in the margin",
            page.locator("article .pg").count() > 5)
    c.check(f"{where}: the reader view's outline links every chapter to an anchor",
            page.evaluate("""() => Array.from(document.querySelectorAll('.doc-outline a'))
                .every(a => document.getElementById(decodeURIComponent(a.hash.slice(1))))"""))


def check_library_extras(c, page, srv, where):
    """What the former tests/browser_library.sh checked on the fixture library."""
    docs = srv.api("/api/docs")["documents"]
    page.goto(srv.base + "/?q=" + urllib.parse.quote("以工补农"))
    wait_hits(page)
    ndocs = len({doc_of_href(h["href"]) for h in hits_of(page)})
    c.check(f"{where}: an unrestricted search shows hits of more than one document ({ndocs})", ndocs > 1)
    c.check(f"{where}: no chapter facets mixing the documents' chapters", page.locator("#facets-box").is_hidden())
    c.check(f"{where}: hits show their document's date and type",
            all(d["date"] in h["meta"] for h in hits_of(page) for d in docs
                if d["id"] == doc_of_href(h["href"]) and d.get("date")))
    # A date range keeps the hits of documents dated in it, and counts them.
    dated = sorted(d["date"] for d in docs if d.get("date"))
    start = dated[len(dated) // 2]
    page.goto(srv.base + "/?" + urllib.parse.urlencode({"q": "发展", "from": start}))
    wait_hits(page)
    facets = srv.api("/api/search", q="发展", limit=1)["doc_facets"]
    want = sum(n for i, n in facets.items() if any(d["id"] == i and (d.get("date") or "") >= start for d in docs))
    hits = hits_of(page)
    dates = {d["id"]: d.get("date") or "" for d in docs}
    c.check(f"{where}: ?from={start} keeps the hits dated from then ({len(hits)})",
            bool(hits) and all(dates.get(doc_of_href(h["href"]), "") >= start for h in hits),
            str([(doc_of_href(h["href"]), dates.get(doc_of_href(h["href"]))) for h in hits]))
    c.check(f"{where}: ?from= counts the range's hits ({status_total(page)} = {want})", status_total(page) == want)
    c.check(f"{where}: the date box shows the range", page.input_value("#from") == start)
    page.goto(srv.base + "/?q=" + urllib.parse.quote("以工补农"))
    wait_hits(page)
    # Dated versions of one law: the picker tells them apart by the date.
    if page.viewport_size["width"] < 900:
        page.click("#filters > summary")
    page.type("#doc-q", "民事诉讼法", delay=20)
    page.wait_for_selector("#doc-list li[role=option]")
    texts = page.eval_on_selector_all("#doc-list li[role=option]", "els => els.map(e => e.textContent)")
    dates = [d["date"] for d in docs if "民事诉讼法" in d["title"] and d.get("date")]
    c.check(f"{where}: the picker offers both dated versions of 民事诉讼法 ({len(dates)})",
            len(dates) == 2 and all(any(dt in t for t in texts) for dt in dates), str(texts))
    # The reader view links the other dated version, to the same article there.
    newer, older = sorted((d for d in docs if "民事诉讼法" == d["title"][-5:] and d.get("date")),
                          key=lambda d: d["date"], reverse=True)[:2]
    page.goto(srv.base + f"/d/{newer['id']}#{newer['id']}-a3")
    link = page.locator(f"a.version[data-doc='{older['id']}']")
    c.check(f"{where}: the reader view links the other version ({older['date']})", link.count() == 1)
    with page.expect_navigation():
        link.click()
    c.check(f"{where}: the version link keeps the article ({page.url.split('/d/')[-1]})",
            page.url.endswith(f"/d/{older['id']}#{older['id']}-a3")
            and page.locator(f"#{older['id']}-a3").count() == 1)
    # The law picked: its chapters as facets.
    law = next(d for d in docs if "乡村振兴促进法" in d["title"])
    page.goto(srv.base + "/?" + urllib.parse.urlencode({"q": "发展", "doc": law["id"]}))
    wait_hits(page)
    toc = srv.api("/api/toc", doc=law["id"])["documents"][0]
    chapters = {"章外（前言等）"} | {n["label"] + " " + n["title"] for n in toc["outline"] if n["kind"] == "chapter"}
    names = page.eval_on_selector_all("#facets .facet .name", "els => els.map(e => e.textContent)")
    c.check(f"{where}: the picked law's chapters are the facets ({names[:2]})",
            bool(names) and all(n in chapters for n in names), str(names))


def check_laws_extras(c, page, srv, where):
    """A big law in the reader view: 刑法, whole, with a search marked in it."""
    docs = srv.api("/api/docs")["documents"]
    big = max((d for d in docs if d["title"] == "中华人民共和国刑法"), key=lambda d: d["passages"], default=None)
    if not c.check(f"{where}: the laws hold 中华人民共和国刑法", big is not None):
        return
    t0 = time.monotonic()
    page.goto(srv.base + "/d/" + urllib.parse.quote(big["id"]) + "?q=" + urllib.parse.quote("故意杀人"))
    page.wait_for_selector("main.doc")
    took = time.monotonic() - t0
    n = page.locator("article.passage").count()
    print(f"browser: {where}: the reader view of 刑法 ({n} passages) loaded in {took * 1000:.0f} ms", flush=True)
    c.check(f"{where}: the reader view shows all of 刑法 ({n} = {big['passages']})", n == big["passages"])
    c.check(f"{where}: 故意杀人 is marked in 刑法", page.locator("article.hit mark").count() > 0)
    check_layout(c, page, where + " 刑法 reader view")
    page.click(".hit-next")
    page.wait_for_function("() => location.hash.length > 1")
    top = page.evaluate("document.getElementById(decodeURIComponent(location.hash.slice(1))).getBoundingClientRect().top")
    c.check(f"{where}: 下一处 steps to a marked passage (top {top:.0f})",
            page.evaluate("document.getElementById(decodeURIComponent(location.hash.slice(1))).classList.contains('hit')")
            and 0 <= top < page.viewport_size["height"] * 0.6)
    marked = page.eval_on_selector_all("article.hit", "els => els.map(e => e.id)")
    seen = [page.evaluate("decodeURIComponent(location.hash.slice(1))")]
    for _ in range(2):
        page.click(".hit-next")
        page.wait_for_function("(h) => decodeURIComponent(location.hash.slice(1)) !== h", arg=seen[-1])
        seen.append(page.evaluate("decodeURIComponent(location.hash.slice(1))"))
    c.check(f"{where}: 下一处 goes through the marked passages in order ({len(seen)} steps)",
            [marked.index(x) for x in seen] == list(range(marked.index(seen[0]), marked.index(seen[0]) + 3)),
            str(seen))
    page.click(".hit-prev")
    page.wait_for_function("(h) => decodeURIComponent(location.hash.slice(1)) !== h", arg=seen[-1])
    c.check(f"{where}: 上一处 steps back", page.evaluate("decodeURIComponent(location.hash.slice(1))") == seen[-2])


def run_library(c, pw_ctx_factory, srv, name, spec, shots):
    for width, height in WIDTHS:
        where = f"{name} @{width}"
        tag = f"{name}-{width}"
        ctx = pw_ctx_factory(width, height)
        page = ctx.new_page()
        page.set_default_timeout(30000)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        try:
            check_typing(c, page, srv, spec["query"], where)
            check_query_box(c, page, where)
            if shots:
                page.screenshot(path=os.path.join(shots, f"{tag}-search.png"))
            check_reader_from_hit(c, page, srv, spec["query"], where, shots, tag)
            if spec.get("picker"):
                words, title = spec["picker"]
                check_picker(c, page, srv, spec["query"], words, title, where,
                             os.path.join(shots, tag) if shots else None)
                if shots:
                    page.screenshot(path=os.path.join(shots, f"{tag}-picked.png"))
                check_query_box(c, page, where + " with a document picked")
            check_url_state(c, page, srv, spec["query"], where)
            if spec.get("extras"):
                spec["extras"](c, page, srv, where)
        except Exception as e:  # a timeout or a missing element: one failed check, go on
            c.check(f"{where}: the checks ran to the end", False, f"{type(e).__name__}: {e}"[:800])
            traceback.print_exc(limit=4, file=sys.stdout)
            srv.report()
        c.check(f"{where}: no script errors", not errors, "; ".join(errors[:3]))
        ctx.close()


def check_extreme_widths(c, ctx_factory, srv, query, name):
    """The layout holds at the narrowest and widest widths too: 360 and 1920 px."""
    for width, height in [(360, 740), (1920, 1080)]:
        where = f"{name} @{width}"
        ctx = ctx_factory(width, height)
        page = ctx.new_page()
        try:
            page.goto(srv.base + "/?q=" + urllib.parse.quote(query))
            wait_hits(page)
            check_query_box(c, page, where)
            href = hits_of(page)[0]["href"]
            page.goto(srv.base + href)
            page.wait_for_selector("main.doc")
            check_layout(c, page, where + " reader view")
        except Exception as e:
            c.check(f"{where}: the checks ran to the end", False, f"{type(e).__name__}: {e}"[:800])
        ctx.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "zhengce"))
    ap.add_argument("--chromium", default=os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    ap.add_argument("--laws", default=os.path.join(os.path.dirname(ROOT), "shared", "corpora", "laws"))
    ap.add_argument("--screenshots", default=os.environ.get("SCREENSHOTS"))
    ap.add_argument("--only", action="append", help="plan, library or laws (repeatable)")
    ap.add_argument("--keep-indexes", metavar="DIR",
                    help="keep each library's index in DIR/<name> and reuse it while fresh")
    ap.add_argument("--laws-timeout", type=float, default=1800.0,
                    help="seconds the laws server may take to build its index and start")
    args = ap.parse_args()
    binary = os.path.abspath(args.bin)
    if args.screenshots:
        os.makedirs(args.screenshots, exist_ok=True)

    libraries = [
        ("plan", os.path.join(ROOT, "corpus"),
         {"query": "以工代赈", "extras": check_plan_extras}),
        ("library", os.path.join(ROOT, "tests", "fixtures", "library"),
         {"query": "乡村振兴", "picker": ("乡村振兴 促进", "中华人民共和国乡村振兴促进法"),
          "extras": check_library_extras}),
    ]
    if os.path.isdir(args.laws):
        libraries.append(("laws", args.laws,
                          {"query": "管辖", "picker": ("民事 诉讼", "中华人民共和国民事诉讼法"),
                           "extras": check_laws_extras}))
    else:
        print(f"browser: NOTE the laws are not at {args.laws}: their checks are skipped", flush=True)
    if args.only:
        libraries = [x for x in libraries if x[0] in args.only]

    c = Checks()
    work = tempfile.mkdtemp(prefix="zhengce-browser-")
    try:
        with sync_playwright() as p:
            def ctx_factory(width, height):
                profile = tempfile.mkdtemp(dir=work, prefix="profile-")
                return p.chromium.launch_persistent_context(
                    profile, executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS,
                    viewport={"width": width, "height": height}, locale="zh-CN",
                    is_mobile=width < 600, has_touch=width < 600, device_scale_factor=1)

            for name, corpus, spec in libraries:
                t0 = time.monotonic()
                try:
                    kept = os.path.join(os.path.abspath(args.keep_indexes), name) if args.keep_indexes else None
                    srv = Server(binary, corpus, work, name,
                                 args.laws_timeout if name == "laws" else 300, kept)
                except RuntimeError as e:
                    c.check(f"{name}: the server starts", False, str(e)[-800:])
                    continue
                print(f"browser: {name} served at {srv.base} after {srv.startup_s:.1f} s "
                      f"(index built)", flush=True)
                try:
                    run_library(c, ctx_factory, srv, name, spec, args.screenshots)
                    check_extreme_widths(c, ctx_factory, srv, spec["query"], name)
                finally:
                    srv.stop()
                print(f"browser: {name} checked in {time.monotonic() - t0:.1f} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"browser: {c.passed} passed, {c.failed} failed", flush=True)
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main())
