#!/usr/bin/env bash
# The figures of docs/markets.md (issue 17): gross and net county jobs of the programme against
# the no-programme counterfactual, the displacement share's effect over its range, each sector's
# market fill over time, and the largest firm with and without markets. Run from the repository
# after scripts/build.sh:   scripts/markets-figures.sh [REPLICATIONS]   (default 100; ~3 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
r=${1:-100}
bin=${INCUBSIM_BINARY:-build/incubsim}
py=/usr/bin/python3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
base=scenarios/yiyuan/baseline-4n.toml
none=scenarios/yiyuan/no-programme.toml
sectors=$(grep -A1 '^\[\[sector\]\]' $base | sed -n 's/^id = "\(.*\)"/\1/p')
every_sector() {  # every_sector KEY VALUE: --set for each sector of the Yiyuan scenarios
  for s in $sectors; do printf -- '--set\nsector.%s.%s=%s\n' "$s" "$1" "$2"; done
}
key_rows() { grep -E "^(jobs|jobs_net) " -A1 | sed 's/  */ /g'; }

echo "== Gross and net county jobs at 2025-12, baseline-4n against no-programme ($r replications) =="
$bin compare $base $none -r $r -q -o "$out/compare.h5" >/dev/null
$py - "$out/compare.h5" <<'PY'
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    c = f["compare"]
    text = lambda a: [x.decode() if isinstance(x, bytes) else x for x in a]
    ind, month = text(c["name"][()]), c["month"][()]
    last = month.max()
    for name in ("jobs", "jobs_net"):
        rows = [i for i in range(len(ind)) if ind[i] == name and month[i] == last]
        for i in rows:
            print(f"{name:15} scenario {c['scenario'][i]}: mean {c['mean'][i]:8.1f} [{c['mean_low'][i]:.1f}, {c['mean_high'][i]:.1f}]"
                  + ("" if np.isnan(c['difference'][i]) else
                     f"  difference {c['difference'][i]:8.1f} [{c['difference_low'][i]:.1f}, {c['difference_high'][i]:.1f}]"))
PY

echo "== The programme's effect on gross and net jobs over the displacement share (every sector set alike) =="
for d in 0 0.25 0.5 0.75 1; do
  mapfile -t sets < <(every_sector displacement $d)
  $bin compare $base $none -r $r -q "${sets[@]}" -o "$out/d.h5" --force >/dev/null
  $py - "$out/d.h5" "$d" <<'PY'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    c = f["compare"]
    text = lambda a: [x.decode() if isinstance(x, bytes) else x for x in a]
    ind, month, sc = text(c["name"][()]), c["month"][()], c["scenario"][()]
    last = month.max()
    cells = []
    for name in ("jobs", "jobs_net"):
        i = next(i for i in range(len(ind)) if ind[i] == name and month[i] == last and sc[i] == 1)
        # difference no-programme - baseline: the programme's effect is its negative
        cells.append(f"{name} {-c['difference'][i]:7.1f} [{-c['difference_high'][i]:.1f}, {-c['difference_low'][i]:.1f}]")
    print(f"displacement {float(sys.argv[2]):4.2f}: programme effect on " + "; ".join(cells))
PY
done

echo "== Each sector's county market fill in the baseline ($r replications) =="
$bin run $base -r $r -q --record events -o "$out/events.h5" >/dev/null
$py -m analysis.markets "$out/events.h5"

echo "== The largest firm at 2025-12 (median over 50 runs, seed 7); before markets: the same commands at da11ee5 =="
$bin run $base -r 50 --seed 7 -q --record trajectories -o "$out/with.h5" >/dev/null
$py -m analysis.firm_dynamics --json "$out/with.h5" | $py -c "
import json, sys
h = next(iter(json.load(sys.stdin)['scenarios'].values()))['horizon']
print('largest firm revenue %.2f M RMB/month, headcount %.0f' % (h['largest_firm_revenue'] / 1e6, h['largest_firm_headcount']))"
