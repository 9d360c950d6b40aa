#!/usr/bin/env python3
"""Coordinate ascent of the ranking weights on the TRAINING questions (laws_train.tsv).

  scripts/tune_train.py BIN LAWS INDEX [ROUNDS]

From the current weights (ZHENGCE_WEIGHTS, else the defaults), each round tries every
weight in NAMES at a lower and a higher value and keeps a change when the objective
(hit@10 + MRR over the training questions) rises by more than one question's worth. It
prints every trial and, at the end, the best setting as a ZHENGCE_WEIGHTS spec, to be
checked once on laws_dev.tsv. The learned tables (expansions, word weights) come from the
same questions, so their own strengths are left out: tuning them here would overrate them.
"""
import os, sys
sys.path.insert(0, os.path.dirname(__file__))
import tune_laws as tl  # noqa: E402
lr = tl.lr

# (name, default, step kind): "x" multiplies by 0.6 / 1.5, "+" adds -0.2 / +0.2, "n" integers.
NAMES = [
    ("parts", 0.4, "x"), ("titles", 0.4, "x"), ("run", 1.5, "x"), ("proximity", 1.0, "x"),
    ("lead", 1.6, "x"), ("entry", 2.0, "x"), ("chapter_title", 0.2, "x"), ("optional", 0.3, "x"),
    ("cross_boundary", 0.3, "x"), ("demote_idf", 1.5, "x"), ("title", 0.3, "x"),
    ("kind_regulation", -0.2, "+"), ("kind_interpretation", -0.1, "+"), ("kind_rule", -0.6, "+"),
    ("kind_local", -1.0, "+"), ("kind_case", -1.2, "+"), ("place", 0.5, "x"),
    ("old_version", -0.3, "+"), ("popular", 0.3, "x"), ("doc_evidence", 0.1, "x"),
    ("doc_evidence_top", 3, "n"), ("text_tf", 1.0, "+"), ("coverage", 0.0, "+"),
]

def spec_of(cur):
    return ",".join(f"{k}={v:g}" for k, v in sorted(cur.items()))

def main():
    bin_, laws, index, *rest = sys.argv[1:]
    rounds = int(rest[0]) if rest else 2
    rows = lr.load(os.path.join(os.path.dirname(lr.__file__), "laws_train.tsv"))
    cur = {}
    def score(c):
        _, _, h10, mrr = tl.run(bin_, laws, index, rows, spec_of(c))
        return h10 + mrr
    best = score(cur)
    eps = 0.9 / len(rows)
    for _ in range(rounds):
        changed = False
        for name, default, kind in NAMES:
            v = cur.get(name, default)
            if kind == "x":
                tries = [v * 0.6, v * 1.5] if v else [0.1]
            elif kind == "+":
                tries = [v - 0.2, min(v + 0.2, 1.0 if name == "text_tf" else 9.0)]
            else:
                tries = [max(v - 1, 1), v + 2]
            for t in tries:
                c = dict(cur, **{name: round(t, 3)})
                s = score(c)
                if s > best + eps:
                    best, cur, changed = s, c, True
                    print(f"  kept {name}={t:g}: {best:.4f}", flush=True)
                    break
        if not changed:
            break
    print("best:", spec_of(cur), f"{best:.4f}")

if __name__ == "__main__":
    main()
