#!/usr/bin/env python3
"""Learns data/law_prior.tsv from training questions: how often each law is the answer.

  scripts/learn_law_prior.py ../shared/eval/laws_train.tsv > data/law_prior.tsv

For each title cited by a gold article, the number of training questions citing it, c; the
prior is ln(1 + c) / ln(1 + max c), in (0, 1], for titles cited by at least MIN questions.
Only titles and numbers leave this script.
"""
import collections, math, re, sys

MIN = 2

def main():
    counts = collections.Counter()
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        gold = line.rstrip("\n").split("\t")[3]
        titles = {m.group(1) for m in re.finditer(r"《(.+?)》第", gold)}
        counts.update(titles)
    top = max(counts.values())
    print(f"# zhengce law prior: title<TAB>prior. Learned by scripts/learn_law_prior.py (>= {MIN} questions).")
    for t, c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        if c >= MIN:
            print(f"{t}\t{math.log1p(c) / math.log1p(top):.3f}")

main()
