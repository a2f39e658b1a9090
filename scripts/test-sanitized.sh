#!/usr/bin/env bash
# AddressSanitizer + UndefinedBehaviorSanitizer (and LeakSanitizer) over every ctest entry: builds
# build-sanitize/ with clang 14 and -DINCUBSIM_SANITIZE=address, runs the whole suite (Catch2 and
# the pytest entries, whose `incubsim` subprocesses are sanitized too), and fails on any report.
# A CI stage after scripts/test.sh; also useful by hand after touching memory code.
#
# Reports are written to files (log_path) and the stage checks that none was written: the pytest
# entries capture or discard their subprocesses' stderr, and a test that expects a non-zero exit
# would pass on a sanitizer's exit. clang, not gcc: gcc's separate libubsan ignores log_path, so
# its reports could only go to the stderr that pytest swallows; clang's runtime writes ASan,
# UBSan and LSan reports to the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
source scripts/lib/clang-stage.sh
scripts/install-deps.sh clang
build=build-sanitize
clang_stage_configure "$build" build-sanitize.log -DINCUBSIM_SANITIZE=address
cmake --build "$build" -j"$(nproc)" >> build-sanitize.log 2>&1 || { tail -n 60 build-sanitize.log; exit 1; }
built=$SECONDS

logs=$PWD/$build/sanitizer-logs
clang_stage_log_dir "$logs"
# halt_on_error/abort_on_error: the first report ends the process with SIGABRT (the build also
# passes -fno-sanitize-recover=undefined, so UBSan halts too); detect_leaks: LeakSanitizer at exit;
# log_path: every report also lands in $logs/sanitizer.<pid>, checked below.
export ASAN_OPTIONS="detect_leaks=1:halt_on_error=1:abort_on_error=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:log_path=$logs/sanitizer"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$logs/sanitizer"
export LSAN_OPTIONS="log_path=$logs/sanitizer"

# The canary: deliberate bugs built with the same compiler and flags must be reported to $logs.
canary=$build/sanitizer-canary
clang++-14 -std=c++20 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
  tests/sanitizers/canary.cpp -ltbb -o "$canary" >> build-sanitize.log 2>&1 || { tail -n 30 build-sanitize.log; exit 1; }
"$canary" clean || { echo "test-sanitized: the clean canary failed"; cat "$logs"/* 2>/dev/null; exit 1; }
[ -z "$(ls -A "$logs")" ] || { echo "test-sanitized: the clean canary left a report"; cat "$logs"/*; exit 1; }
for bug in heap-overflow leak undefined; do
  if ("$canary" "$bug") 2>/dev/null; then echo "test-sanitized: canary '$bug' exited 0"; exit 1; fi
  grep -q -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$logs"/* 2>/dev/null \
    || { echo "test-sanitized: canary '$bug' left no report in $logs"; exit 1; }
  rm -f "$logs"/*
done
echo "test-sanitized: the canaries (heap overflow, leak, undefined behaviour) are reported"

status=0
(cd "$build" && ctest --output-on-failure -j2) || status=$?
clang_stage_reports test-sanitized "$logs" || status=1
echo "test-sanitized: build $((built - start)) s, tests $((SECONDS - built)) s, total $((SECONDS - start)) s"
exit "$status"
