#!/usr/bin/env bash
# Builds with the address and undefined-behaviour sanitizers (build-sanitize/) and runs every
# test there. A CI stage after scripts/test.sh; also useful by hand after touching memory code.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINCUBSIM_SANITIZE=ON > build-sanitize.log 2>&1 || { cat build-sanitize.log; exit 1; }
cmake --build build-sanitize -j"$(nproc)" >> build-sanitize.log 2>&1 || { tail -n 60 build-sanitize.log; exit 1; }
cd build-sanitize
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j2
