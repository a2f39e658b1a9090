#!/usr/bin/env bash
# The optional MPI build: installs OpenMPI, builds with -DINCUBSIM_MPI=ON (build-mpi/), runs a
# sweep on 2 ranks and checks that its file equals the same sweep in one process (outside
# /provenance). A CI stage after scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh mpi
cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DINCUBSIM_MPI=ON > build-mpi.log 2>&1 || { cat build-mpi.log; exit 1; }
cmake --build build-mpi -j"$(nproc)" --target incubsim >> build-mpi.log 2>&1 || { tail -n 60 build-mpi.log; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sweep=(sweep scenarios/test/small.toml --vary dynamics.wage_per_month=3000:8000 --vary integration.reserved_share=0:0.5
       --design sobol --samples 32 -r 3 --seed 11 -q)
# --bind-to none: each rank runs TBB threads; the default binding would pin them to one core.
mpirun --allow-run-as-root --oversubscribe --bind-to none -n 2 build-mpi/incubsim "${sweep[@]}" --threads 1 -o "$work/ranks.h5"
build-mpi/incubsim "${sweep[@]}" -o "$work/single.h5" > /dev/null
/usr/bin/python3 tests/mpi/same_results.py "$work/single.h5" "$work/ranks.h5"
[ ! -e "$work/ranks.h5.rank-0-of-2.h5" ] && [ ! -e "$work/ranks.h5.rank-1-of-2.h5" ] || { echo "test-mpi: rank files left behind"; exit 1; }
echo "test-mpi: a 2-rank sweep equals the single-process sweep"
