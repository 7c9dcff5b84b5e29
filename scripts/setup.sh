#!/usr/bin/env bash
# The first command of the README: installs what building blocgraph needs on a Debian machine
# with Rust (clang and libclang-dev for RocksDB's bindings, make for jemalloc; see
# scripts/packages.txt), asking nothing and saying what it installs, then builds blocgraph and
# answers a first question on the embedded store: the CSTO's members on 1 June 2024.
#
# The first build compiles RocksDB's C++ (about 16 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/install.sh
need_cargo
install_missing build
cargo run --release -- query members --param bloc=CSTO --as-of 2024-06-01
