#!/usr/bin/env python3
"""Measures snippets over a corpus with two builds of zhengce side by side (e.g. this
branch and main): for queries taken from the corpus itself (its domain dictionary and the
titles of its outline), how many snippets show less context than the passage has.

Usage: measure_snippets.py --corpus corpus --bin NEW --index NEW_IX [--peer OLD --peer-index OLD_IX]
For each build: snippets counted, the share under 50 and under 80 visible characters among
passages longer than that, the median visible length, and the share with several fragments.
"""

import argparse
import json
import os
import re
import statistics
import subprocess


def queries(corpus, binary, index):
    qs = []
    dic = os.path.join(corpus, "terms.dic")
    if os.path.exists(dic):
        with open(dic, encoding="utf-8") as f:
            qs += [line.split()[0] for line in f if line.strip() and not line.startswith("#")]
    toc = json.loads(subprocess.run([binary, "--corpus", corpus, "--index", index, "toc", "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    docs = toc["documents"] if isinstance(toc, dict) and "documents" in toc else toc

    def walk(nodes):
        for n in nodes:
            if n.get("title"):
                qs.append(n["title"])
            walk(n.get("children", []))

    for d in docs if isinstance(docs, list) else []:
        walk(d.get("outline", []))
    seen, out = set(), []
    for q in qs:
        if q not in seen:
            seen.add(q)
            out.append(q)
    return out


def measure(binary, corpus, index, qs):
    lens, short50, short80, long50, long80, multi, n = [], 0, 0, 0, 0, 0, 0
    for q in qs:
        r = subprocess.run([binary, "--corpus", corpus, "--index", index, "search", q, "--json",
                            "--limit", "20"], capture_output=True, text=True)
        if r.returncode not in (0, 1):
            continue
        for h in json.loads(r.stdout)["hits"]:
            vis = re.sub(r"</?mark>", "", h["snippet"])
            core = vis.strip("…")
            k = len(core.replace("…", ""))
            plen = len(h["text"])
            n += 1
            lens.append(k)
            if plen > 50:
                long50 += 1
                short50 += k < 50
            if plen > 80:
                long80 += 1
                short80 += k < 80
            multi += "…" in core
    return {
        "snippets": n,
        "under 50 chars (passage longer)": f"{short50}/{long50} = {100 * short50 / max(long50, 1):.1f}%",
        "under 80 chars (passage longer)": f"{short80}/{long80} = {100 * short80 / max(long80, 1):.1f}%",
        "median visible chars": statistics.median(lens) if lens else 0,
        "several fragments": f"{multi} = {100 * multi / max(n, 1):.1f}%",
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--bin", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--peer")
    ap.add_argument("--peer-index")
    args = ap.parse_args()
    qs = queries(args.corpus, args.bin, args.index)
    print(f"{len(qs)} queries from {args.corpus} (terms.dic and outline titles)")
    runs = [("this build", args.bin, args.index)]
    if args.peer:
        runs.append(("peer", args.peer, args.peer_index))
    for name, b, ix in runs:
        print(name, json.dumps(measure(b, args.corpus, ix, qs), ensure_ascii=False))


if __name__ == "__main__":
    main()
