#!/usr/bin/env bash
# Regenerates the seed corpus of the fuzz targets (tests/fuzz/corpus/; docs/reliability.md,
# "Fuzzing"). Usage: tests/fuzz/make-corpus.sh [INCUBSIM_BINARY]   (default build-fuzz/incubsim,
# built by scripts/fuzz.sh; build/incubsim works as well).
#   corpus/scenario/  every scenarios/**/*.toml (a file's `extends` pointed at the harness's
#                     parent.toml, since the harness writes each input beside that file), plus
#                     the hand-written inputs with `#--set` lines, schedules and extends cycles in
#                     tests/fuzz/seeds/scenario/ (kept as they are)
#   corpus/results/   small real results files: a run at the events and trajectories levels, a comparison (with
#                     robustness), a sweep, a shard of a sweep and the first part file of an
#                     interrupted sweep (sweep-part.h5, also the command the resume path of
#                     fuzz_results continues)
# The results files are as small as incubsim writes them (12-month horizons, 1-2 replications):
# 170-310 KB each, mostly HDF5 metadata; the whole corpus stays under 1.5 MB.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary="${1:-build-fuzz/incubsim}"
[ -x "$binary" ] || { echo "make-corpus: $binary not built (scripts/fuzz.sh builds build-fuzz/)" >&2; exit 1; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"

# ---- scenario seeds
out=tests/fuzz/corpus/scenario
rm -rf "$out"
mkdir -p "$out"
while IFS= read -r file; do
  name=$(echo "${file#scenarios/}" | tr '/' '-')
  sed -E 's/^extends *= *".*"/extends = "parent.toml"/' "$file" > "$out/$name"
done < <(find scenarios -name '*.toml' | sort)
cp tests/fuzz/seeds/scenario/* "$out/"

# ---- results seeds
out=tests/fuzz/corpus/results
rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
small=scenarios/test/small.toml
short=(--set simulation.horizon_months=12 --set target.incubator-residents.deadline=2021-12 --quiet)
"$binary" run "$small" -r 1 "${short[@]}" --record events -o "$out/run-events.h5" > /dev/null
"$binary" run "$small" -r 1 --set simulation.horizon_months=6 --set target.incubator-residents.deadline=2021-06 --quiet --record trajectories -o "$out/run-trajectories.h5" > /dev/null
"$binary" compare scenarios/test/uncertainty/ranges.toml scenarios/test/uncertainty/ranges-child.toml -r 2 --robustness 2 \
  "${short[@]}" --record indicators -o "$out/compare.h5" > /dev/null
vary=(--vary stage.nursery.application_probability=0.2:0.8 --vary carrier.test-incubator.capacity=4:12)
"$binary" sweep "$small" "${vary[@]}" --design morris --samples 2 -r 1 "${short[@]}" --record indicators -o "$out/sweep.h5" > /dev/null
"$binary" sweep "$small" "${vary[@]}" --design lhs --samples 4 -r 1 "${short[@]}" --record indicators --shard 1/2 -o "$out/sweep-shard.h5" > /dev/null
# An interrupted sweep: one run per part; killed once its first part is listed in the manifest.
"$binary" sweep "$small" "${vary[@]}" --design lhs --samples 4 -r 100 "${short[@]}" \
  --record indicators --part-runs 1 --threads 1 -o "$work/sweep.h5" > /dev/null &
sweep=$!
for _ in $(seq 600); do
  [ "$(grep -c . "$work/sweep.h5.parts/manifest.tsv" 2>/dev/null || echo 0)" -ge 3 ] && break
  sleep 0.1
done
kill -9 "$sweep" 2>/dev/null || true
wait "$sweep" 2>/dev/null || true
first=$(awk -F'\t' 'NR == 3 { print $2 }' "$work/sweep.h5.parts/manifest.tsv")
[ -n "$first" ] || { echo "make-corpus: the interrupted sweep wrote no part" >&2; exit 1; }
cp "$work/sweep.h5.parts/$first" "$out/sweep-part.h5"
ls -l tests/fuzz/corpus/results
du -sh tests/fuzz/corpus
