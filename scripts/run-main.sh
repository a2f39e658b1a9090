#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the Yiyuan baseline with
# replications, writing output/yiyuan-baseline-4n.h5 and printing the plan's targets with
# attainment probabilities. An earlier result is kept under a timestamped name, never lost.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p output
result=output/yiyuan-baseline-4n.h5
if [ -e "$result" ]; then
  kept="output/yiyuan-baseline-4n.$(date -u +%Y%m%dT%H%M%SZ).h5"
  mv "$result" "$kept"
  echo "run-main: kept the previous result as $kept"
fi
build/incubsim run scenarios/yiyuan/baseline-4n.toml -r "${REPLICATIONS:-100}" -o "$result"
build/incubsim info "$result" | tail -n 12
