#!/usr/bin/env bash
# Relevance on both development sets, through the CLI as a user runs it:
#   the plan's dev set (../shared/eval/dev.tsv) and the laws dev set (../shared/eval/laws_dev.tsv).
#
#   scripts/eval.sh [INDEX_DIR]     (default target/laws-index; built when missing or stale)
#
# ZHENGCE_WEIGHTS="name=value,…" changes ranking weights for the run (see search::rank::Weights).
# For many settings at once, scripts/tune_laws.py asks one server per setting (faster).
set -euo pipefail
cd "$(dirname "$0")/.."
IX=${1:-target/laws-index}
LAWS=../shared/corpora/laws
cargo build --release --locked --quiet
BIN=target/release/zhengce
echo "== plan: ../shared/eval/dev.tsv"
python3 ../shared/eval/relevance.py ../shared/eval/dev.tsv --cmd "$BIN search --json {q}" | tail -n 1
echo "== laws: ../shared/eval/laws_dev.tsv"
"$BIN" --corpus "$LAWS" --index "$IX" index >/dev/null
python3 ../shared/eval/laws_relevance.py "$BIN" "$LAWS" "$IX" | tail -n 1
