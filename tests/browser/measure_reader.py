#!/usr/bin/env python3
"""Measures the reader view of big documents beside peers served by the same process in
the same run: the whole-document page /d/{doc} (and with ?q= marking a search) against
/api/toc?doc= (the same document's outline as JSON) and /p/{id} (one passage in its
section). A measurement, not a test: run it on a release build.

Usage: measure_reader.py --bin target/release/zhengce --corpus ../shared/corpora/laws
                         --index /tmp/laws-ix [--rounds 21]
Prints, per document, the median and p90 of each request's time in ms, the HTML size, and
the ratio of the reader view to /api/toc.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request


def fetch(url):
    t0 = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as r:
        body = r.read()
    return (time.perf_counter() - t0) * 1000, len(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--rounds", type=int, default=21)
    ap.add_argument("--titles", nargs="*", default=["中华人民共和国刑法", "中华人民共和国民法典", "中华人民共和国民事诉讼法"])
    ap.add_argument("--query", default="责任")
    args = ap.parse_args()
    log = tempfile.NamedTemporaryFile(mode="w+", suffix=".log")
    proc = subprocess.Popen([args.bin, "--corpus", args.corpus, "--index", args.index, "serve",
                             "--addr", "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=log,
                            env=dict(os.environ, RUST_LOG="warn"))
    base = None
    try:
        for _ in range(600):
            with open(log.name, encoding="utf-8") as f:
                m = re.search(r"listening on (http://127\.0\.0\.1:\d+)", f.read())
            if m:
                base = m.group(1)
                break
            time.sleep(0.1)
        if base is None:
            raise SystemExit("the server did not start")
        with urllib.request.urlopen(base + "/api/docs") as r:
            docs = json.load(r)["documents"]
        print(f"{'document':<40} {'passages':>8} {'request':<28} {'median ms':>9} {'p90 ms':>7} {'bytes':>9}")
        for title in args.titles:
            cands = [d for d in docs if d["title"] == title]
            if not cands:
                continue
            for d in sorted(cands, key=lambda d: -d["passages"])[:2]:
                did = urllib.parse.quote(d["id"])
                with urllib.request.urlopen(f"{base}/d/{did}") as r:
                    m = re.search(r'<article id="([^"]+)"', r.read().decode("utf-8"))
                first = m.group(1) if m else d["id"]
                reqs = [
                    ("/d/{doc}", f"/d/{did}"),
                    (f"/d/{{doc}}?q={args.query}", f"/d/{did}?q=" + urllib.parse.quote(args.query)),
                    ("/api/toc?doc= (peer)", f"/api/toc?doc={did}"),
                    ("/p/{id} (peer)", f"/p/{urllib.parse.quote(first)}"),
                ]
                medians = {}
                for name, path in reqs:
                    fetch(base + path)  # warm
                    times = []
                    size = 0
                    for _ in range(args.rounds):
                        t, size = fetch(base + path)
                        times.append(t)
                    times.sort()
                    med = statistics.median(times)
                    medians[name] = med
                    p90 = times[int(len(times) * 0.9) - 1]
                    label = (d["title"] + (("·" + d["subtitle"]) if d.get("subtitle") else ""))[:38]
                    print(f"{label:<40} {d['passages']:>8} {name:<28} {med:>9.1f} {p90:>7.1f} {size:>9}")
                ratio = medians["/d/{doc}"] / medians["/api/toc?doc= (peer)"]
                print(f"{'':<40} {'':>8} reader view / toc JSON: {ratio:.1f}x")
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
