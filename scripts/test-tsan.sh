#!/usr/bin/env bash
# ThreadSanitizer over the parallel parts: the engine (run plan, comparison, robustness), the
# results-writer pipeline and the commands that run, compare and sweep (ctest label "parallel"),
# and the pytest files that run sweeps and comparisons through the `incubsim` binary. Builds only
# incubsim and incubsim_tests in build-tsan/ with clang 14 (-O1 -g, -DINCUBSIM_SANITIZE=thread) and
# fails on any report. A CI stage after scripts/test.sh; also useful by hand after touching
# threaded code.
#
# Debian's libtbb is not instrumented: tests/sanitizers/tbb_tsan_bridge.cpp (preloaded, and
# loaded as oneTBB's ITT collector) gives ThreadSanitizer the happens-before edges of oneTBB's
# task hand-offs; tests/sanitizers/tsan.supp may only cover reports inside oneTBB itself. A canary
# (tests/sanitizers/canary.cpp) built the same way must stay silent when clean and be reported
# when racy -- in plain threads, a parallel_for and a pipeline like engine::execute.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
source scripts/lib/clang-stage.sh
scripts/install-deps.sh clang
build=build-tsan
clang_stage_configure "$build" build-tsan.log \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DINCUBSIM_SANITIZE=thread
cmake --build "$build" -j"$(nproc)" --target incubsim incubsim_tests >> build-tsan.log 2>&1 \
  || { tail -n 60 build-tsan.log; exit 1; }
bridge=$PWD/$build/libtbb_tsan_bridge.so
canary=$build/tsan-canary
{ clang++-14 -std=c++20 -O1 -g -fPIC -shared -Wall -Wextra tests/sanitizers/tbb_tsan_bridge.cpp -o "$bridge" -ldl &&
  clang++-14 -std=c++20 -O1 -g -fsanitize=thread -fno-omit-frame-pointer -DTBB_USE_PROFILING_TOOLS=2 \
    tests/sanitizers/canary.cpp -ltbb -o "$canary"; } >> build-tsan.log 2>&1 || { tail -n 30 build-tsan.log; exit 1; }
built=$SECONDS

logs=$PWD/$build/tsan-logs
clang_stage_log_dir "$logs"
# halt_on_error + exitcode=66: the first report ends the process with status 66; log_path: every
# report also lands in $logs/tsan.<pid> (the pytest files swallow their subprocesses' stderr),
# checked below.
export TSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/tsan.supp:halt_on_error=1:exitcode=66:second_deadlock_stack=1:history_size=4:log_path=$logs/tsan"
export LD_PRELOAD=$bridge INTEL_LIBITTNOTIFY64=$bridge INTEL_ITTNOTIFY_GROUPS=sync

for round in 1 2 3; do
  "$canary" clean || { echo "test-tsan: the clean canary failed (round $round)"; cat "$logs"/* 2>/dev/null; exit 1; }
done
[ -z "$(ls -A "$logs")" ] || { echo "test-tsan: the clean canary left a report"; cat "$logs"/*; exit 1; }
for race in race tbb-race pipeline-race; do
  status=0
  "$canary" "$race" 2>/dev/null || status=$?
  [ "$status" -eq 66 ] || { echo "test-tsan: canary '$race' exited $status, not 66"; exit 1; }
  grep -q "WARNING: ThreadSanitizer: data race" "$logs"/* 2>/dev/null \
    || { echo "test-tsan: canary '$race' left no report in $logs"; exit 1; }
  rm -f "$logs"/*
done
echo "test-tsan: the canaries are silent when clean and reported when racy"

status=0
(cd "$build" && ctest --output-on-failure -j2 -L parallel) || status=$?
INCUBSIM_BINARY=$PWD/$build/incubsim INCUBSIM_SOURCE_DIR=$PWD \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python/test_sweep.py tests/python/test_compare.py || status=$?
clang_stage_reports test-tsan "$logs" || status=1
echo "test-tsan: build $((built - start)) s, tests $((SECONDS - built)) s, total $((SECONDS - start)) s"
exit "$status"
