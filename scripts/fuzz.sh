#!/usr/bin/env bash
# Runs each cargo-fuzz target for a bounded time (seconds, default 60) and fails on a crash.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`, installed here when missing). It runs on the
# stable toolchain (RUSTC_BOOTSTRAP=1 unlocks the few unstable flags cargo-fuzz passes) with
# libFuzzer's coverage instrumentation and no sanitizer by default: safe Rust needs no
# AddressSanitizer to catch panics, overflows (debug assertions are on) and aborts, and an
# ASan build of tantivy takes longer than the whole CI run. FUZZ_SANITIZER=address (with
# FUZZ_TOOLCHAIN=nightly) turns it on. Crashes are written to fuzz/artifacts/<target>/;
# turn each one into a regression test (tests/fuzz_regressions.rs) before fixing it.
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(fuzz_query_parse fuzz_plan_parse fuzz_snippet fuzz_library_parse fuzz_cite fuzz_segmenter)
SANITIZER=${FUZZ_SANITIZER:-none}

command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
if [ -n "${FUZZ_TOOLCHAIN:-}" ]; then
  FUZZ=(cargo "+$FUZZ_TOOLCHAIN" fuzz)
else
  export RUSTC_BOOTSTRAP=1
  FUZZ=(cargo fuzz)
fi

# Build every target first (one cargo run), so that the time limit is spent fuzzing.
echo "== building ${TARGETS[*]} (sanitizer: $SANITIZER)" >&2
# FUZZ_TARGET_DIR: a build directory to reuse (e.g. another checkout's fuzz/target).
TDIR=()
[ -n "${FUZZ_TARGET_DIR:-}" ] && TDIR=(--target-dir "$FUZZ_TARGET_DIR")
"${FUZZ[@]}" build -O -s "$SANITIZER" "${TDIR[@]}"

declare -A SEEDS=([fuzz_query_parse]=query [fuzz_plan_parse]=plan [fuzz_snippet]=snippet [fuzz_library_parse]=library [fuzz_cite]=cite [fuzz_segmenter]=query)
declare -A MAXLEN=([fuzz_query_parse]=2048 [fuzz_plan_parse]=65536 [fuzz_snippet]=4096 [fuzz_library_parse]=32768 [fuzz_cite]=2048 [fuzz_segmenter]=4096)
failed=0
for t in "${TARGETS[@]}"; do
  corpus=fuzz/corpus/$t
  mkdir -p "$corpus"
  cp -n fuzz/seeds/"${SEEDS[$t]}"/* "$corpus"/ 2>/dev/null || true
  [ "$t" = fuzz_plan_parse ] && cp -n corpus/*.txt "$corpus"/ 2>/dev/null || true
  echo "== $t for ${SECS}s" >&2
  if ! "${FUZZ[@]}" run -O -s "$SANITIZER" "${TDIR[@]}" "$t" "$corpus" -- -max_total_time="$SECS" \
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
