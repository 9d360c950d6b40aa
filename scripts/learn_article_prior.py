#!/usr/bin/env python3
"""Learns data/article_prior.tsv from training questions: how often each article is the answer.

  scripts/learn_article_prior.py ../shared/eval/laws_train.tsv > data/article_prior.tsv

For each gold article 《title》第X条 of the training questions, the number of questions citing
it, c; the prior is ln(1 + c) / ln(1 + max c), in (0, 1], for articles cited by at least MIN
questions. Only titles, article labels and numbers leave this script (no question text).
"""
import collections, math, re, sys

MIN = 1

def main():
    counts = collections.Counter()
    for line in open(sys.argv[1], encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        gold = line.rstrip("\n").split("\t")[3]
        arts = {(m.group(1), m.group(2)) for m in re.finditer(r"《(.+?)》(第[^第|》]+?条(?:之[一二三四五六七八九十]+)?)", gold)}
        counts.update(arts)
    top = max(counts.values())
    print(f"# zhengce article prior: title<TAB>article<TAB>prior. Learned by scripts/learn_article_prior.py (>= {MIN} questions).")
    for (t, a), c in sorted(counts.items(), key=lambda x: (-x[1], x[0])):
        if c >= MIN:
            print(f"{t}\t{a}\t{math.log1p(c) / math.log1p(top):.3f}")

main()
