#!/usr/bin/env bash
# The main job: installs what is missing, builds, and compares the Yiyuan plan ("4+N",
# scenarios/yiyuan/baseline-4n.toml) with every alternative in scenarios/yiyuan/ on common random
# numbers, with robustness over the assumptions' declared ranges, into output/yiyuan-compare.h5.
# It prints each target's attainment and the paired differences against 4+N (raw and per million
# RMB of public spending), then how often each alternative beats 4+N across the ranges and which
# assumption decides it. Then it writes the HTML report (analysis/report.py) into output/report/
# and prints where it is. An earlier result or report is kept under a timestamped name, never lost.
# REPLICATIONS (default 100) and ROBUSTNESS (Latin-hypercube points, default 32) scale the job.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p output
result=output/yiyuan-compare.h5
report=output/report
stamp=$(date -u +%Y%m%dT%H%M%SZ)
if [ -e "$result" ]; then
  kept="output/yiyuan-compare.$stamp.h5"
  mv "$result" "$kept"
  echo "run-main: kept the previous result as $kept"
fi
if [ -e "$report" ]; then
  mv "$report" "output/report.$stamp"
  echo "run-main: kept the previous report as output/report.$stamp"
fi
scenarios=(baseline-4n government-run market-only fragmented status-quo-2021 no-programme
           double-rent-subsidy no-nursery larger-guidance-fund)
files=()
for name in "${scenarios[@]}"; do files+=("scenarios/yiyuan/$name.toml"); done
build/incubsim compare "${files[@]}" -r "${REPLICATIONS:-100}" --robustness "${ROBUSTNESS:-32}" --seed 20210729 \
  --record events -o "$result"
echo
/usr/bin/python3 -m analysis.report "$result" -o "$report"
echo
echo "run-main: results in $result; report in $report/index.html (figures in $report/figures/);"
echo "run-main: what each alternative changes: docs/operating-models.md; how to read the report: docs/user-guide.md"
