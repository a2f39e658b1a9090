#!/usr/bin/env bash
# Measures the figures in docs/performance.md and prints them as Markdown:
#  1. bench/large (~100,000 ventures, 120 months, indicators + events) on one thread:
#     venture-months per second (best of 3) and peak RSS per venture above a one-venture run;
#  2. the Yiyuan baseline on all threads: runs per second at each record level.
# Usage: scripts/benchmark.sh [build-dir]   (machine load skews timings: run on a quiet machine)
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build}/incubsim"
work=$(mktemp -d /tmp/incubsim-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

summary_field() {  # $1: summary line, $2: word after the number
  sed -E "s#.* ([0-9,.]+) $2.*#\1#" <<<"$1" | tr -d ,
}
peak_rss_kib() {
  /usr/bin/time -f "%M" -o "$work/rss" "$@" > "$work/out" && cat "$work/rss"
}

best=0
for attempt in 1 2 3; do
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
echo "| bench/large, 1 thread, indicators + events: venture-months/s (best of 3, whole command incl. HDF5) | $best | >= 5,000,000 |"
echo "| peak RSS, bench/large | $rss_large KiB | |"
echo "| peak RSS, one-venture run | $rss_one KiB | |"
echo "| peak RSS per venture above the one-venture run | $per_venture bytes | <= 256 bytes |"
threads=$(nproc)
for record in indicators events trajectories; do
  line=$("$bin" run scenarios/yiyuan/baseline-4n.toml -r 400 --record "$record" -o "$work/yiyuan-$record.h5" -q | tail -n 1)
  echo "| Yiyuan baseline, 400 runs, $threads threads, record $record: runs/s | $(summary_field "$line" "runs/s") | |"
done
