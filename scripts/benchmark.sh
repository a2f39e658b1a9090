#!/usr/bin/env bash
# Measures the figures in docs/performance.md and prints them as Markdown.
#  Section `run` (about 20 s):
#  1. bench/large (~100,000 ventures, 120 months, indicators + events) on one thread:
#     venture-months per second (best of 3) and peak RSS per venture above a one-venture run;
#  2. the Yiyuan baseline on all threads: runs per second at each record level.
#  Section `sweep` (issue 5; about 11 min on 2 quiet cores, 6 of them the 100,000-run sweep):
#  3. sweep throughput on 1 and 2 threads (median of $REPEATS runs each; the two thread counts
#     alternate so that machine load hits both alike), speed-up, parallel efficiency and the
#     writer's share of wall time, for the small scenario at --record events and indicators and
#     for the Yiyuan baseline; then the small sweep at --part-runs 16, 64, 256, 1024;
#  4. peak RSS, wall time and file size of the small sweep at 1,000, 10,000 and 100,000 runs;
#  5. runs per second of `compare` over every Yiyuan scenario (median of 3), and once with
#     --robustness 16.
#  Section `ab` (about 4 min; BEFORE=path/to/old/incubsim): the same figures for two binaries,
#  medians of $REPEATS runs interleaved (old, new, old, new, ...) so machine load hits both alike:
#  bench/large on one thread, the Yiyuan baseline at record events, compare over the Yiyuan
#  scenarios and the small sweep, with the change in percent. A refactoring keeps every figure
#  within 5% (issue 15).
# Usage: scripts/benchmark.sh [build-dir] [run] [sweep] [ab]   (no section named: run and sweep)
#   REPEATS=5 (sweep medians), MEMORY_SAMPLES="250 2500 25000" (lhs points x 4 replications).
# Machine load skews timings: run on a quiet machine, and read medians, not single runs.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
if [ $# -gt 0 ] && [ "$1" != run ] && [ "$1" != sweep ] && [ "$1" != ab ]; then build="$1"; shift; fi
bin="$build/incubsim"
sections="${*:-run sweep}"
work=$(mktemp -d /tmp/incubsim-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

summary_field() {  # $1: summary line, $2: word after the number
  sed -E "s#.* ([0-9,.]+) $2.*#\1#" <<<"$1" | tr -d ,
}
peak_rss_kib() {
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" && cat "$work/rss"
}
writer_share() {  # $1: summary line -> the writer's share of wall time, in percent
  sed -E 's#.*writing ([0-9.]+)% of wall.*#\1#' <<<"$1"
}
median() {  # the median of the numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

run_section() {
  best=0
  for _ in 1 2 3; do
    line=$("$bin" run scenarios/bench/large.toml -r 1 --threads 1 --record events -o "$work/large.h5" --force -q | tail -n 1)
    rate=$(summary_field "$line" "venture-months/s")
    best=$(awk -v a="$rate" -v b="$best" 'BEGIN { print (a > b) ? a : b }')
  done
  venture_months=$(summary_field "$line" "venture-months,")
  ventures=$(/usr/bin/python3 -c "import h5py,sys; print(int(h5py.File(sys.argv[1],'r')['runs/ventures'][0]))" "$work/large.h5")
  rss_large=$(peak_rss_kib "$bin" run scenarios/bench/large.toml -r 1 --threads 1 --record events -o "$work/large2.h5" -q)
  rss_one=$(peak_rss_kib "$bin" run scenarios/bench/one-venture.toml -r 1 --threads 1 --record events -o "$work/one.h5" -q)
  per_venture=$(awk -v a="$rss_large" -v b="$rss_one" -v n="$ventures" 'BEGIN { printf "%.0f", (a - b) * 1024 / n }')

  echo "| figure | value | target |"
  echo "|---|---|---|"
  echo "| bench/large: ventures ever entered | $ventures | about 100,000 |"
  echo "| bench/large: venture-months simulated | $venture_months | |"
  echo "| bench/large, 1 thread, indicators + events: venture-months/s (best of 3, whole command incl. HDF5) | $best | >= 3,000,000 (full model; issue 3) |"
  echo "| peak RSS, bench/large | $rss_large KiB | |"
  echo "| peak RSS, one-venture run | $rss_one KiB | |"
  echo "| peak RSS per venture above the one-venture run | $per_venture bytes | <= 256 bytes |"
  threads=$(nproc)
  for record in indicators events trajectories; do
    line=$("$bin" run scenarios/yiyuan/baseline-4n.toml -r 400 --record "$record" -o "$work/yiyuan-$record.h5" -q | tail -n 1)
    echo "| Yiyuan baseline, 400 runs, $threads threads, record $record: runs/s | $(summary_field "$line" "runs/s") | |"
  done
}

# The sweeps of issue 5 (docs/performance.md, "Sweeps, compare and memory").
small_sweep=(sweep scenarios/test/small.toml --vary dynamics.wage_per_month=3000:8000 --vary integration.reserved_share=0:0.5
             --design lhs --samples 500 -r 4)
yiyuan_sweep=(sweep scenarios/yiyuan/baseline-4n.toml --vary integration.reserved_share=0:0.4 --design lhs --samples 100 -r 2)
repeats="${REPEATS:-5}"

# $1: label; the rest: incubsim arguments without --threads. Runs them $repeats times on 1 and on
# 2 threads (alternating) and prints a table row of medians.
sweep_throughput_row() {
  local label="$1" rate1=() rate2=() share1=() share2=() line
  shift
  for _ in $(seq "$repeats"); do
    for threads in 1 2; do
      line=$("$bin" "$@" -q --force -o "$work/sweep.h5" --threads "$threads" | tail -n 1)
      if [ "$threads" = 1 ]; then
        rate1+=("$(summary_field "$line" "runs/s")") share1+=("$(writer_share "$line")")
      else
        rate2+=("$(summary_field "$line" "runs/s")") share2+=("$(writer_share "$line")")
      fi
    done
  done
  local r1 r2
  r1=$(median "${rate1[@]}") r2=$(median "${rate2[@]}")
  awk -v l="$label" -v r1="$r1" -v r2="$r2" -v w1="$(median "${share1[@]}")" -v w2="$(median "${share2[@]}")" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.2fx | %.0f%% | %.1f%% | %.1f%% |\n", l, r1, r2, r2 / r1, 100 * r2 / (2 * r1), w1, w2 }'
}

sweep_section() {
  echo
  echo "Sweep throughput, median of $repeats runs per cell (speed-up = 2-thread / 1-thread runs/s; efficiency = speed-up / 2):"
  echo
  echo "| sweep | runs/s, 1 thread | runs/s, 2 threads | speed-up | parallel efficiency | writing, 1 thread | writing, 2 threads |"
  echo "|---|---|---|---|---|---|---|"
  sweep_throughput_row "small, 2,000 runs, record events" "${small_sweep[@]}"
  sweep_throughput_row "small, 2,000 runs, record indicators" "${small_sweep[@]}" --record indicators
  sweep_throughput_row "Yiyuan baseline, 200 runs, record events" "${yiyuan_sweep[@]}"
  sweep_throughput_row "Yiyuan baseline, 200 runs, record indicators" "${yiyuan_sweep[@]}" --record indicators

  echo
  echo "Small sweep (2,000 runs, record events) by --part-runs, median of $repeats runs per cell:"
  echo
  echo "| --part-runs | runs/s, 1 thread | runs/s, 2 threads | speed-up | parallel efficiency | writing, 1 thread | writing, 2 threads |"
  echo "|---|---|---|---|---|---|---|"
  for part_runs in 16 64 256 1024; do
    sweep_throughput_row "$part_runs" "${small_sweep[@]}" --part-runs "$part_runs"
  done

  echo
  echo "Peak memory of the small sweep (lhs, -r 4, record events, default --part-runs, all threads; one run each):"
  echo
  echo "| runs | peak RSS | wall | runs/s | writing | file size |"
  echo "|---|---|---|---|---|---|"
  local samples rss line
  for samples in ${MEMORY_SAMPLES:-250 2500 25000}; do
    rss=$(peak_rss_kib "$bin" sweep scenarios/test/small.toml --vary dynamics.wage_per_month=3000:8000 --vary integration.reserved_share=0:0.5 \
          --design lhs --samples "$samples" -r 4 --record events -q --force -o "$work/memory.h5")
    line=$(tail -n 1 "$work/out")
    echo "| $((samples * 4)) | $rss KiB | $(summary_field "$line" "s wall") s | $(summary_field "$line" "runs/s") | $(writer_share "$line")% | $(stat -c %s "$work/memory.h5") bytes |"
    rm -f "$work/memory.h5"
  done

  echo
  echo "compare over every Yiyuan scenario (record indicators, all threads):"
  echo
  echo "| command | runs | wall | runs/s | writing |"
  echo "|---|---|---|---|---|"
  local rates=() walls=() shares=() runs
  for _ in 1 2 3; do
    line=$("$bin" compare scenarios/yiyuan/*.toml -r 200 --record indicators -q --force -o "$work/compare.h5" | tail -n 1)
    rates+=("$(summary_field "$line" "runs/s")") walls+=("$(summary_field "$line" "s wall")") shares+=("$(writer_share "$line")")
    runs=$(summary_field "$line" "runs,")
  done
  echo "| compare -r 200 (median of 3) | $runs | $(median "${walls[@]}") s | $(median "${rates[@]}") | $(median "${shares[@]}")% |"
  line=$("$bin" compare scenarios/yiyuan/*.toml -r 200 --robustness 16 --record indicators -q --force -o "$work/compare.h5" | tail -n 1)
  echo "| compare -r 200 --robustness 16 (once) | $(summary_field "$line" "runs,") | $(summary_field "$line" "s wall") s | $(summary_field "$line" "runs/s") | $(writer_share "$line")% |"
}

# $1: a binary; the rest: its arguments without -o. Prints the figure named by $AB_FIELD of the summary line.
ab_figure() {
  local binary="$1"
  shift
  summary_field "$("$binary" "$@" -q --force -o "$work/ab.h5" | tail -n 1)" "$AB_FIELD"
}

ab_row() {  # $1: label, $2: summary field; the rest: incubsim arguments
  local label="$1" before=() after=()
  AB_FIELD="$2"
  shift 2
  for _ in $(seq "$repeats"); do
    before+=("$(ab_figure "$BEFORE" "$@")")
    after+=("$(ab_figure "$bin" "$@")")
  done
  awk -v l="$label" -v f="$AB_FIELD" -v a="$(median "${before[@]}")" -v b="$(median "${after[@]}")" \
    'BEGIN { printf "| %s | %s | %.1f | %.1f | %+.1f%% |\n", l, f, a, b, 100 * (b - a) / a }'
}

ab_section() {
  [ -x "${BEFORE:-}" ] || { echo "benchmark.sh ab: set BEFORE to the incubsim binary to compare with" >&2; exit 2; }
  echo
  echo "Before ($BEFORE) and after ($bin), medians of $repeats interleaved runs:"
  echo
  echo "| figure | unit | before | after | change |"
  echo "|---|---|---|---|---|"
  ab_row "bench/large, 1 thread, record events" "venture-months/s" run scenarios/bench/large.toml -r 1 --threads 1 --record events
  ab_row "Yiyuan baseline, 400 runs, all threads, record events" "runs/s" run scenarios/yiyuan/baseline-4n.toml -r 400 --record events
  ab_row "compare over the Yiyuan scenarios, -r 50, record indicators" "runs/s" compare scenarios/yiyuan/*.toml -r 50 --record indicators
  ab_row "small sweep, 2,000 runs, all threads, record events" "runs/s" "${small_sweep[@]}"
}

for section in $sections; do
  case "$section" in
    run) run_section ;;
    sweep) sweep_section ;;
    ab) ab_section ;;
    *) echo "benchmark.sh: unknown section '$section' (known: run, sweep, ab)" >&2; exit 2 ;;
  esac
done
