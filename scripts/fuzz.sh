#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time (seconds, default 60) and fails on a crash.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`, installed here when missing) and a nightly
# toolchain for `-Zsanitizer=address`. When no nightly toolchain is installed (and none can
# be fetched), the stable toolchain is used with RUSTC_BOOTSTRAP=1, which unlocks the same
# unstable flags. Crashes are written to fuzz/artifacts/<target>/; turn each one into a
# regression test (tests/fuzz_regressions.rs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_query_parse fuzz_plan_parse fuzz_snippet)

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  FUZZ=(cargo +nightly fuzz)
else
  echo "fuzz.sh: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1" >&2
  export RUSTC_BOOTSTRAP=1
  FUZZ=(cargo fuzz)
fi

declare -A SEEDS=([fuzz_query_parse]=query [fuzz_plan_parse]=plan [fuzz_snippet]=snippet)
declare -A MAXLEN=([fuzz_query_parse]=2048 [fuzz_plan_parse]=65536 [fuzz_snippet]=4096)
failed=0
for t in "${TARGETS[@]}"; do
  corpus=fuzz/corpus/$t
  mkdir -p "$corpus"
  cp -n fuzz/seeds/"${SEEDS[$t]}"/* "$corpus"/ 2>/dev/null || true
  [ "$t" = fuzz_plan_parse ] && cp -n corpus/*.txt "$corpus"/ 2>/dev/null || true
  echo "== $t for ${SECS}s" >&2
  if ! "${FUZZ[@]}" run "$t" "$corpus" -- -max_total_time="$SECS" \
      -max_len="${MAXLEN[$t]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      2>"fuzz/$t.log"; then
    echo "fuzz.sh: $t FAILED; see fuzz/$t.log and fuzz/artifacts/$t/" >&2
    tail -40 "fuzz/$t.log" >&2
    failed=1
  else
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "fuzz/$t.log" >&2 || true
  fi
done
exit $failed
