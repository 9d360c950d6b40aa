#!/usr/bin/env python3
"""Paired A/B of in-engine query time over the laws dev questions: two binaries served at once,
every question asked of both (which one first alternates), after a warm-up pass; prints each
side's median and p90 `took_ms` and the median of the per-question ratios A/B, which a noisy
machine moves much less than either median.

  scripts/laws_ab.py BIN_A BIN_B INDEX [PASSES] [INDEX_B]
  scripts/laws_ab.py target/release/zhengce /tmp/zhengce-old /tmp/laws-ix
"""
import json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request
a, b, ix = sys.argv[1], sys.argv[2], sys.argv[3]
passes = int(sys.argv[4]) if len(sys.argv) > 4 else 3
ix_b = sys.argv[5] if len(sys.argv) > 5 else ix
env = dict(os.environ, RUST_LOG="warn")
servers = []
for binary, port, i in [(a, 38611, ix), (b, 38612, ix_b)]:
    servers.append(subprocess.Popen([binary, "--corpus", "../shared/corpora/laws", "--index", i, "serve", "--addr", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
try:
    for port in (38611, 38612):
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz"); break
            except OSError:
                time.sleep(0.1)
    qs = [l.split("\t")[2] for l in open("../shared/eval/laws_dev.tsv", encoding="utf-8") if l.strip() and not l.startswith("#")]
    def ask(port, q):
        url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})
        return json.load(urllib.request.urlopen(url))["took_ms"]
    for q in qs:
        ask(38611, q); ask(38612, q)
    ta, tb = [], []
    for p in range(passes):
        for k, q in enumerate(qs):
            if (k + p) % 2:
                ta.append(ask(38611, q)); tb.append(ask(38612, q))
            else:
                tb.append(ask(38612, q)); ta.append(ask(38611, q))
    ma, mb = statistics.median(ta), statistics.median(tb)
    ratio = statistics.median([x / y for x, y in zip(ta, tb)])
    q = lambda v, f: sorted(v)[int(len(v) * f)]
    print(f"A median {ma:.2f} p90 {q(ta,0.9):.2f} | B median {mb:.2f} p90 {q(tb,0.9):.2f} | A/B medians {ma/mb:.3f}, paired median ratio {ratio:.3f}")
finally:
    for s in servers:
        s.kill()
