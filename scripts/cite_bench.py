#!/usr/bin/env python3
"""Cite over a corpus through `zhengce serve`: the first /api/cite of a fresh server, the
median and p90 of the later ones, N concurrent first cites on a fresh server, and the
server's peak RSS (VmHWM). Quotes are sentences taken from the corpus files (seeded).

Usage: scripts/cite_bench.py BINARY CORPUS INDEX [QUOTES=60] [SEED=1]
The index must be built (`zhengce index`); each server is started on a free port of
127.0.0.1 and stopped at the end.
"""

import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request


def quotes(corpus, n, seed):
    files = []
    for root, dirs, names in os.walk(corpus):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files += [os.path.join(root, f) for f in names if f.endswith((".md", ".txt"))]
    files.sort()
    rnd = random.Random(seed)
    out = []
    while len(out) < n and files:
        with open(rnd.choice(files), encoding="utf-8", errors="replace") as f:
            lines = [l.strip() for l in f if len(re.findall(r"[\u4e00-\u9fff]", l)) >= 20]
        if not lines:
            continue
        line = rnd.choice(lines).lstrip("#*- ")
        start = rnd.randrange(0, max(1, len(line) - 20))
        out.append(line[start:start + rnd.randrange(12, 30)])
    return out


def start(binary, corpus, index):
    p = subprocess.Popen([binary, "--corpus", corpus, "--index", index, "serve", "--addr",
                          "127.0.0.1:0"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    for line in p.stderr:
        m = re.search(r"listening on http://([0-9.:]+)/", line)
        if m:
            threading.Thread(target=lambda: [None for _ in p.stderr], daemon=True).start()
            return p, m.group(1)
    raise SystemExit("the server did not start")


def cite(addr, text):
    url = f"http://{addr}/api/cite?text={urllib.parse.quote(text)}"
    t = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            status, body = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        status, body = e.code, None
    return (time.perf_counter() - t) * 1000, status, body


def rss_mb(p):
    with open(f"/proc/{p.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main():
    binary, corpus, index = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 60
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    qs = quotes(corpus, n, seed)
    p, addr = start(binary, corpus, index)
    try:
        first = cite(addr, qs[0])
        later = [cite(addr, q) for q in qs[1:]]
        ms = sorted(x[0] for x in later)
        exact = sum(1 for x in [first] + later if x[1] == 200 and x[2] and x[2]["exact"])
        bad = sum(1 for x in [first] + later if x[1] != 200)
        print(f"first cite {first[0]:.1f} ms; later {len(ms)}: median {statistics.median(ms):.1f} ms,"
              f" p90 {ms[int(len(ms) * 0.9)]:.1f} ms, max {ms[-1]:.1f} ms; exact {exact}/{len(qs)};"
              f" non-200 {bad}; peak RSS {rss_mb(p):.0f} MB")
    finally:
        p.terminate()
        p.wait()
    for k in (8, 32):
        p, addr = start(binary, corpus, index)
        try:
            res = [None] * k
            def one(i):
                res[i] = cite(addr, qs[i % len(qs)])
            ts = [threading.Thread(target=one, args=(i,)) for i in range(k)]
            t0 = time.perf_counter()
            for t in ts:
                t.start()
            for t in ts:
                t.join()
            wall = (time.perf_counter() - t0) * 1000
            ok = sum(1 for r in res if r[1] == 200)
            print(f"{k} concurrent first cites: {ok}/{k} answered 200, slowest"
                  f" {max(r[0] for r in res):.0f} ms, wall {wall:.0f} ms; peak RSS {rss_mb(p):.0f} MB")
        finally:
            p.terminate()
            p.wait()


if __name__ == "__main__":
    main()
