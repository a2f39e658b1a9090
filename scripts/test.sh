#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (Catch2 through ctest, and pytest).
# `scripts/test.sh fast` runs only the fast subset (ctest -LE slow).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
cd build
if [ "${1:-all}" = "fast" ]; then
  ctest --output-on-failure -j2 -LE slow
else
  ctest --output-on-failure -j2
fi
