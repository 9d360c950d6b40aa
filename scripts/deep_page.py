#!/usr/bin/env python3
"""Deep pages against the first page (issue 16): `/api/search?q=Q&offset=9900&limit=100` and
the same at `offset=0`, in-engine `took_ms`, for each binary served over one laws index. The
binaries are asked in turn, round by round, so that all see the same load. Each figure is the
median of 7 requests after one; prints the median over the rounds and each round's ratio.

  scripts/deep_page.py INDEX ROUNDS BIN [BIN...]
  scripts/deep_page.py /tmp/laws-ix 5 target/release/zhengce /tmp/zhengce-old
"""
import json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request

QUERIES = ["法", "责任"]
DEEP = 9900


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    ix, rounds, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    env = dict(os.environ, RUST_LOG="warn")
    ports = [38621 + i for i in range(len(bins))]
    servers = [
        subprocess.Popen(
            [b, "--corpus", "../shared/corpora/laws", "--index", ix, "serve", "--addr", f"127.0.0.1:{p}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        for b, p in zip(bins, ports)
    ]
    try:
        for p in ports:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{p}/healthz")
                    break
                except OSError:
                    time.sleep(0.1)

        def took(port, q, offset):
            args = urllib.parse.urlencode({"q": q, "offset": offset, "limit": 100})
            times = []
            for _ in range(8):
                r = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?{args}"))
                times.append(r["took_ms"])
            return statistics.median(times[1:])

        res = {(p, q, o): [] for p in ports for q in QUERIES for o in (0, DEEP)}
        for _ in range(rounds):
            for p in ports:
                for q in QUERIES:
                    for o in (0, DEEP):
                        res[(p, q, o)].append(took(p, q, o))
        for b, p in zip(bins, ports):
            for q in QUERIES:
                first, deep = res[(p, q, 0)], res[(p, q, DEEP)]
                a, d = statistics.median(first), statistics.median(deep)
                per = " ".join(f"{y / x:.1f}" for x, y in zip(first, deep))
                print(f"{b} {q}: offset 0 {a:.2f} ms, offset {DEEP} {d:.2f} ms, ratio {d / a:.1f} (rounds: {per})")
    finally:
        for s in servers:
            s.kill()


if __name__ == "__main__":
    main()
