#!/usr/bin/env bash
# The project's test command (README, .ci/run): every test, then a short bounded fuzz run.
#
#   scripts/test.sh                 # cargo test --release, then 30 s of libFuzzer per target
#   FUZZ_SECONDS=300 scripts/test.sh
#   FUZZ_SECONDS=0 scripts/test.sh  # the tests only (the regression corpus still runs in them)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --release
seconds="${FUZZ_SECONDS:-30}"
if ((seconds > 0)); then
  scripts/fuzz.sh "$seconds"
fi
