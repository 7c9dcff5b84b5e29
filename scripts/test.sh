#!/usr/bin/env bash
# The project's test command (README, .ci/run): installs what the tests need (the Debian
# packages of scripts/packages.txt and the Python oracles of tests/oracle/requirements.txt),
# then checks the formatting, runs clippy, every per-push test (the 15 slowest are listed at
# the end), and a short bounded fuzz run.
#
#   scripts/test.sh                 # everything, with 30 s of libFuzzer per target
#   FUZZ_SECONDS=300 scripts/test.sh
#   FUZZ_SECONDS=0 scripts/test.sh  # no fuzzing (the regression corpus still runs in the tests)
#   scripts/test.sh --ignored       # arguments go to the test binary: here the slow tests only
#                                   # (the million-row crash test, about 30 min)
#
# Stable libtest prints no per-test times, so each test's work dirs report theirs to
# $BLOCGRAPH_TEST_TIMES (tests/workdir.rs): seconds from the test's first work dir to its last
# one's end. The list is cut with `sed -n`, which reads all its input: `head` would exit early and,
# under pipefail, sort's SIGPIPE (141) would fail a green run (it did once, after 530 s).
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
times="$(mktemp)"
trap 'rm -f "$times"' EXIT
start=$SECONDS
status=0
BLOCGRAPH_TEST_TIMES="$times" cargo test --release -- "$@" || status=$?
echo "tests took $((SECONDS - start)) s (build included); the slowest (seconds):"
awk -F'\t' '$1 > t[$2] { t[$2] = $1 } END { for (n in t) printf "%9.1f  %s\n", t[n], n }' "$times" |
  sort -gr | sed -n '1,15p'
((status == 0)) || exit "$status"
seconds="${FUZZ_SECONDS:-30}"
if ((seconds > 0)); then
  scripts/fuzz.sh "$seconds"
fi
