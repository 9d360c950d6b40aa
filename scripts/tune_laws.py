#!/usr/bin/env python3
"""Fast relevance loop for tuning the ranking weights on the laws dev set.

Starts one `zhengce serve` per weight setting (ZHENGCE_WEIGHTS) over a built laws index and
asks /api/search for every question, scoring with laws_relevance.py's own matching rule.

  scripts/tune_laws.py BIN LAWS INDEX [--queries TSV] ['name=v,name=v' ...]

Each setting prints one line: hit@1 hit@3 hit@10 mrr and the median took_ms. The official
figures come from ../shared/eval/laws_relevance.py through the CLI (scripts/eval.sh).
"""
import json, os, statistics, subprocess, sys, time, urllib.parse, urllib.request
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval"))
import laws_relevance as lr  # noqa: E402

def run(bin_, laws, index, rows, spec, show=False):
    env = dict(os.environ, ZHENGCE_WEIGHTS=spec, RUST_LOG="warn")
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"http://127.0.0.1:{port}"
    p = subprocess.Popen([bin_, "--corpus", laws, "--index", index, "serve", "--addr", f"127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(200):
        try:
            urllib.request.urlopen(addr + "/healthz", timeout=1)
            break
        except Exception:
            time.sleep(0.1)
    try:
        h1 = h3 = h10 = mrr = 0.0
        took = []
        for qid, kind, q, golds in rows:
            url = addr + "/api/search?" + urllib.parse.urlencode({"q": q, "limit": 10})
            try:
                r = json.load(urllib.request.urlopen(url, timeout=30))
            except Exception:
                r = {"hits": []}
            took.append(r.get("took_ms", 0))
            rank = None
            for i, h in enumerate(r.get("hits", [])[:10]):
                c = lr.citation_of(h)
                if any(lr.matches(c, g) for g in golds):
                    rank = i + 1
                    break
            if show and rank != 1:
                print(qid, q, "rank", rank, "|", [lr.citation_of(h) for h in r.get("hits", [])[:3]], "| gold", golds[:3])
            if rank:
                h1 += rank == 1; h3 += rank <= 3; h10 += 1; mrr += 1 / rank
        n = len(rows)
        print(f"{spec or 'default':40s} hit@1={h1/n:.3f} hit@3={h3/n:.3f} hit@10={h10/n:.3f} mrr={mrr/n:.3f} median_ms={statistics.median(took):.1f}", flush=True)
        return h1 / n, h3 / n, h10 / n, mrr / n
    finally:
        p.terminate(); p.wait()

def main():
    a = sys.argv[1:]
    show = "--show" in a
    a = [x for x in a if x != "--show"]
    qfile = os.path.join(os.path.dirname(lr.__file__), "laws_dev.tsv")
    if "--queries" in a:
        i = a.index("--queries"); qfile = a[i + 1]; del a[i:i + 2]
    bin_, laws, index, *specs = a
    rows = lr.load(qfile)
    for spec in specs or [""]:
        run(bin_, laws, index, rows, spec, show)

if __name__ == "__main__":
    main()
