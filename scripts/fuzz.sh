#!/usr/bin/env bash
# Fuzzes the scenario loader and incubsim's checks of results files with libFuzzer (clang 14,
# address and undefined-behaviour sanitizers): builds build-fuzz/ (log: build-fuzz.log), then runs
# each target (tests/fuzz/fuzz_scenario.cpp, tests/fuzz/fuzz_results.cpp) for SECONDS (default 60)
# from a scratch copy of its seed corpus (tests/fuzz/corpus/<target>/; nothing is written into
# the repository). Prints per target the runs executed, the corpus size and the crashes, and
# writes them to build-fuzz/fuzz-summary.tsv. A CI stage; see docs/reliability.md, "Fuzzing".
#
# libFuzzer stops at the first crash, timeout, out-of-memory or leak; the script then restarts it
# from the grown corpus for the rest of the time (at most 20 times), without that input (a leaking
# one may have entered the corpus, and would stop every restart while the corpus loads). Every such input
# (build-fuzz/fuzz-work/<target>/artifacts/, its report beside it as <input>.log) is classified by
# its stack: "upstream" when the first frame that is either libhdf5 or incubsim's own code is in
# libhdf5 (a crash inside libhdf5 itself: docs/reliability.md lists them), otherwise "ours".
# Exit status: 0 when no target found an input of ours, 1 otherwise (or when the build fails).
# To make a found crash a regression test: copy it into tests/fuzz/regressions/<target>/ (the
# ctest entries "fuzz_regressions: <target>" replay it), fix it, and rerun.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS]" >&2; exit 2; }
start=$(date +%s)

scripts/install-deps.sh clang
export CC=clang-14 CXX=clang++-14
build=build-fuzz
{
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DINCUBSIM_FUZZ=ON -DINCUBSIM_BUILD_TESTS=OFF &&
    cmake --build "$build" -j"$(nproc)" --target fuzz_scenario fuzz_results
} > build-fuzz.log 2>&1 || { echo "fuzz: build failed (build-fuzz.log):" >&2; tail -n 60 build-fuzz.log >&2; exit 1; }
built=$(date +%s)
echo "fuzz: built $build in $((built - start)) s"

# The harnesses write every input to a file (on tmpfs when there is one), in a directory of this
# run's own: a crashing input leaves its harness's directory behind, removed here at the end.
scratch_base="${TMPDIR:-}"
if [ -z "$scratch_base" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then scratch_base=/dev/shm; fi
TMPDIR=$(mktemp -d "${scratch_base:-/tmp}/incubsim-fuzz.XXXXXX")
export TMPDIR
trap 'rm -rf "$TMPDIR"' EXIT
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:symbolize=1${symbolizer:+:external_symbolizer_path=$symbolizer}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${symbolizer:+:external_symbolizer_path=$symbolizer}"

# classify LOG: "upstream" when the first stack frame in libhdf5 or in incubsim's code is libhdf5's.
classify() {
  awk '
    /^ *#[0-9]+ / {
      if ($0 ~ /libhdf5/) { print "upstream"; found = 1; exit }
      if ($0 ~ /\/sim\/|\/tests\/fuzz\//) { print "ours"; found = 1; exit }
    }
    END { if (!found) print "ours" }' "$1"
}

summary="$build/fuzz-summary.tsv"
printf 'target\tseconds\truns\tcorpus\tcrashes\tours\tupstream\n' > "$summary"
status=0
for target in scenario results; do
  work="$build/fuzz-work/$target"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts"
  cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
  case "$target" in
    scenario) max_len=32768 ;;   # the largest scenario (baseline-4n.toml) is 17 KB
    results) max_len=$(( $(find tests/fuzz/corpus/results -type f -printf '%s\n' | sort -n | tail -n 1) * 5 / 4 )) ;;
  esac
  echo "fuzz: $target for $seconds s (seeds: $(ls "$work/corpus" | wc -l), max_len $max_len)"
  # One libFuzzer process at a time; after a crash (libFuzzer stops at the first) the search
  # restarts from the grown corpus for the rest of the time, at most 20 times.
  runs=0 crashes=0 ours=0 upstream=0 segment=0
  deadline=$(( $(date +%s) + seconds ))
  while :; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -gt 0 ] && [ "$segment" -lt 20 ] || break
    segment=$((segment + 1))
    set +e
    (cd "$work" && "../../fuzz_$target" -max_total_time="$left" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 \
        -max_len="$max_len" -artifact_prefix=artifacts/ -print_final_stats=1 corpus) > "$work/fuzz-$segment.log" 2>&1
    fuzz_status=$?
    set -e
    executed=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$work/fuzz-$segment.log" | tail -n 1)
    if [ -z "$executed" ]; then  # stopped before its final statistics: the last status line
      executed=$(grep -oE '^#[0-9]+' "$work/fuzz-$segment.log" | tail -n 1 | tr -d '#')
    fi
    runs=$((runs + ${executed:-0}))
    [ "$fuzz_status" -ne 0 ] || continue
    # The input this segment stopped at: libFuzzer names the file it wrote.
    written=$(sed -nE 's/.*Test unit written to (artifacts\/[^ ]+).*/\1/p' "$work/fuzz-$segment.log" | tail -n 1)
    artifact="$work/$written"
    if [ -z "$written" ] || [ ! -f "$artifact" ]; then
      echo "fuzz: $target: libFuzzer failed (exit $fuzz_status) without an artifact; the end of $work/fuzz-$segment.log:" >&2
      tail -n 30 "$work/fuzz-$segment.log" >&2
      status=1
      break
    fi
    # A leaking input may already be in the corpus (a leak is detected after the input was kept):
    # take it out, or every restart would stop at it again while loading the corpus.
    for input in "$work"/corpus/*; do
      if cmp -s "$input" "$artifact"; then rm -f "$input"; fi
    done
    if [ -f "$artifact.log" ]; then  # the same input again (it was in the corpus): counted already
      echo "fuzz: $target: again: $artifact (taken out of the corpus)"
      continue
    fi
    crashes=$((crashes + 1))
    # Replayed alone with full stacks (leaks included: libhdf5 has no frame pointers).
    ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0:malloc_context_size=64" "$build/fuzz_$target" -runs=1 \
      -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=20 "$artifact" > "$artifact.log" 2>&1 || true
    grep -qE 'ERROR: |FINDING|ALARM|out-of-memory' "$artifact.log" || cp "$work/fuzz-$segment.log" "$artifact.log"
    kind=$(classify "$artifact.log")
    if [ "$kind" = upstream ]; then upstream=$((upstream + 1)); else ours=$((ours + 1)); fi
    echo "fuzz: $target: $kind: $artifact: $(grep -m1 -E 'ERROR: |FINDING|ALARM|out-of-memory|leak' "$artifact.log" || echo '?')"
  done
  corpus=$(ls "$work/corpus" | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "fuzz_$target" "$seconds" "$runs" "$corpus" "$crashes" "$ours" "$upstream" >> "$summary"
  echo "fuzz: $target: $runs runs, corpus $corpus inputs, $crashes crashes ($ours ours, $upstream upstream libhdf5)"
  [ "$ours" -eq 0 ] || status=1
done
echo "fuzz: summary in $summary; total $(( $(date +%s) - start )) s"
column -t "$summary"
exit "$status"
