#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what the tests need (the Debian
# packages of scripts/packages.txt and the Python oracles of tests/oracle/requirements.txt),
# then checks the formatting, runs clippy, every test, and a short bounded fuzz run.
#
#   scripts/test.sh                 # everything, with 30 s of libFuzzer per target
#   FUZZ_SECONDS=300 scripts/test.sh
#   FUZZ_SECONDS=0 scripts/test.sh  # no fuzzing (the regression corpus still runs in the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/install.sh
need_cargo
install_missing build test
python3 -m pip install -q --disable-pip-version-check -r tests/oracle/requirements.txt
if command -v rustup >/dev/null 2>&1; then
  rustup component add rustfmt clippy >/dev/null 2>&1 || true
fi

cargo fmt --all --check
# --release: clippy then shares the release build of RocksDB with the tests.
cargo clippy --release --all-targets -- -D warnings
cargo test --release
seconds="${FUZZ_SECONDS:-30}"
if ((seconds > 0)); then
  scripts/fuzz.sh "$seconds"
fi
