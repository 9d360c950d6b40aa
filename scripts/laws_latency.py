#!/usr/bin/env python3
"""In-engine query time over the laws dev questions, and the server's CPU per query.

Serves INDEX with BINARY, asks every question of the dev set once to warm up, then twice
more, and prints the `took_ms` median / p90 / max of those two passes and the server's CPU
time (user + system) per question. Run it for two binaries in turn to compare them.

  scripts/laws_latency.py BINARY INDEX [CORPUS] [PORT] [QUESTIONS_TSV]
  scripts/laws_latency.py target/release/zhengce /tmp/laws-ix ../shared/corpora/laws 38557
"""
import json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request

binary, index = sys.argv[1], sys.argv[2]
corpus = sys.argv[3] if len(sys.argv) > 3 else "../shared/corpora/laws"
port = sys.argv[4] if len(sys.argv) > 4 else "38557"
questions = sys.argv[5] if len(sys.argv) > 5 else "../shared/eval/laws_dev.tsv"
base = f"http://127.0.0.1:{port}"
env = dict(os.environ, RUST_LOG="warn")
server = subprocess.Popen(
    [binary, "--corpus", corpus, "--index", index, "serve", "--addr", f"127.0.0.1:{port}"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
try:
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/healthz")
            break
        except OSError:
            time.sleep(0.1)
    with open(questions, encoding="utf-8") as f:
        qs = [l.split("\t")[2] for l in f if l.strip() and not l.startswith("#")]

    def cpu():
        fields = open(f"/proc/{server.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def one_pass():
        took = []
        for q in qs:
            url = base + "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})
            took.append(json.load(urllib.request.urlopen(url))["took_ms"])
        return took

    one_pass()
    c0 = cpu()
    t = sorted(one_pass() + one_pass())
    c1 = cpu()
finally:
    server.terminate()
    server.wait()
print(f"{binary}: took_ms over {len(t)}: median {statistics.median(t):.2f} "
      f"p90 {t[int(0.9 * len(t))]:.2f} max {t[-1]:.2f}; "
      f"server CPU per query {1000 * (c1 - c0) / len(t):.2f} ms")
