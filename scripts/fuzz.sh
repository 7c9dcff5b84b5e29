#!/usr/bin/env bash
# Bounded fuzzing of blocgraph with cargo-fuzz (libFuzzer), then a replay of the regression corpus.
#
#   scripts/fuzz.sh              # every target for 60 s each, then replay fuzz/regressions/
#   scripts/fuzz.sh 300          # 300 s per target
#   scripts/fuzz.sh 60 dot_quote # one target
#   scripts/fuzz.sh replay       # only replay fuzz/regressions/ (no fuzzing)
#
# Targets (fuzz/fuzz_targets/, checks in fuzz/checks.rs):
#   import_csv  bytes as a CSV (and COW IGO) file through blocgraph::import::import on an
#               in-memory store holding the seed's entities and sources
#   dot_quote   any text through blocgraph::export::dot::quote
#
# cargo-fuzz needs nightly compiler features; on a stable toolchain RUSTC_BOOTSTRAP=1 unlocks
# them. Needs `cargo install cargo-fuzz` (done here when missing). The build uses its own target
# dir and builds blocgraph without RocksDB (in-memory stores only), so a cold build takes ~2 min.
# A crash leaves its input in fuzz/artifacts/<target>/: copy it into fuzz/regressions/<target>/
# (replayed by `cargo test` in tests/reliability.rs), add a test, fix the bug.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"

seconds="${1:-60}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(import_csv dot_quote)
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/blocgraph/fuzz-target}"
# -s none: blocgraph has no unsafe code, so no sanitizer; -a: debug assertions and overflow checks.
flags=(-O -a -s none)

command -v cargo-fuzz >/dev/null 2>&1 || cargo install --locked --version 0.13.2 cargo-fuzz

status=0
if [[ "$seconds" != replay ]]; then
  for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    seeds=("regressions/$t")
    [[ "$t" == import_csv ]] && seeds+=(../seed-data)
    dict=()
    [[ -f "$t.dict" ]] && dict=("-dict=$t.dict")
    echo "== fuzzing $t for ${seconds}s"
    cargo fuzz run "${flags[@]}" "$t" "corpus/$t" "${seeds[@]}" -- \
      -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=4096 \
      -print_final_stats=1 "${dict[@]}" || status=$?
  done
else
  targets=(import_csv dot_quote)
fi

for t in "${targets[@]}"; do
  echo "== replaying fuzz/regressions/$t"
  cargo fuzz run "${flags[@]}" "$t" "regressions/$t" -- -runs=0 || status=$?
done
exit "$status"
