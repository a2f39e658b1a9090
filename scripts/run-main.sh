#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the Yiyuan plan ("4+N") and every
# alternative in scenarios/yiyuan/ with the same seed (common random numbers), writing
# output/yiyuan-<scenario>.h5 and printing each scenario's targets (attainment with 95% Wilson
# intervals, input-driven marks) and key outcomes per million RMB of public spending. An earlier
# result is kept under a timestamped name, never lost. REPLICATIONS (default 100) sets the
# replications per scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p output
stamp=$(date -u +%Y%m%dT%H%M%SZ)
scenarios=(baseline-4n government-run market-only fragmented status-quo-2021 no-programme
           double-rent-subsidy no-nursery larger-guidance-fund)
for name in "${scenarios[@]}"; do
  result="output/yiyuan-$name.h5"
  if [ -e "$result" ]; then
    mv "$result" "output/yiyuan-$name.$stamp.h5"
    echo "run-main: kept the previous result as output/yiyuan-$name.$stamp.h5"
  fi
  echo
  echo "================ $name ================"
  build/incubsim run "scenarios/yiyuan/$name.toml" -r "${REPLICATIONS:-100}" --seed 20210729 -o "$result"
done
echo
echo "run-main: results in output/yiyuan-*.h5; what each alternative changes: docs/operating-models.md"
