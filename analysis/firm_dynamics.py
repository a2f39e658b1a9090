"""Firm-dynamics figures of issue 16 from a results file recorded at `--record trajectories`.

    /usr/bin/python3 -m analysis.firm_dynamics FILE.h5 [--month 120] [--scenario NAME]
                                               [--growth-months 24,36,...] [--json]

The file needs /trajectories (one row per venture and month), /ventures (one row per venture:
entry month, ...) and /events (format version 4). Every figure is computed per scenario, pooling
the scenario's runs (replications) unless it says "median over runs" or "per-run mean"; a file
with several scenarios gives one section per scenario (or the one named by --scenario).

Figures and how they are measured:

1. Firm-size distribution at month M (default 120; the horizon's last month when the run is
   shorter): ventures with status `active` in /trajectories at month M, counted by headcount in
   the classes 1, 2, 3, 4, 5-9, 10-19, 20-49, 50-99, 100+, with shares of all active ventures;
   and the modal share — the share held by the most common single headcount value. Issue 16's
   target: the modal size holds at most 45% of active firms.
2. Annual log sales growth of survivors: for each t in 24, 36, ... up to the horizon's last
   full year (or --growth-months), the ventures `active` with revenue > 0 at both months t − 12
   and t; growth = log(revenue_t / revenue_{t−12}) of monthly revenue, pooled over t and runs.
   Its excess kurtosis (Fisher: 0 for a normal, 3 for a Laplace; scipy.stats.kurtosis with the
   small-sample correction, bias=False) within size classes by headcount at t − 12 (1-4, 5-9,
   10-49, 50+) and within revenue terciles at t − 12 (by rank among the survivors of the same
   t, pooled over the scenario's runs), with counts. Target: excess kurtosis ≥ 1 (fat tails).
   Growth is not demeaned by year: the classes pool years with possibly different mean growth.
3. Mean annual employment growth of survivors (`active` at t − 12 and t, same t as 2.): the
   log growth log(h_t / h_{t−12}) and the symmetric growth (h_t − h_{t−12}) / ((h_t + h_{t−12}) / 2),
   by age at t − 12 in whole years, age = (t − 12) − entry_month (/ventures): 0-2 years, 3-4,
   5+. Target: the young (0-2) grow faster than the old (5+).
4. Exits: failures by cause (events `failure_cash`, `failure_closure`, `failure_hazard`), per-run
   mean counts and shares; listings and acquisitions (events `listing`, `acquisition`) per 1,000
   graduates, per-run mean over runs with graduates, where a run's graduates are its distinct
   ventures with at least one `graduation` event (graduation events per run are shown too).
5. At the horizon (the last month of /trajectories, `active` ventures): the largest firm's
   revenue (RMB/month) and its headcount, median over runs (largest = highest revenue); jobs per
   venture by stage (mean headcount of active ventures in each stage, pooled); the top-5 share of
   the base's jobs, median over runs: the 5 largest headcounts among ventures resident at a base
   carrier (their /trajectories carrier is the k-th /carriers row of the run's scenario, whose
   `in_base` is 1) over all those ventures' headcount.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass

import numpy as np
from scipy import stats as st

from analysis.tables import InputError, ResultsFile, open_results, run_command_line

SIZE_CLASSES = ((1, 1, "1"), (2, 2, "2"), (3, 3, "3"), (4, 4, "4"), (5, 9, "5-9"), (10, 19, "10-19"),
                (20, 49, "20-49"), (50, 99, "50-99"), (100, None, "100+"))
GROWTH_SIZE_CLASSES = ((1, 4, "1-4"), (5, 9, "5-9"), (10, 49, "10-49"), (50, None, "50+"))
AGE_CLASSES = ((0, 2, "0-2 years"), (3, 4, "3-4 years"), (5, None, "5+ years"))
FAILURE_CAUSES = ("failure_cash", "failure_closure", "failure_hazard")
DEFAULT_MONTH = 120
MODAL_SHARE_TARGET = 0.45
KURTOSIS_TARGET = 1.0
TRAJECTORY_COLUMNS = ("run", "month", "venture", "stage", "status", "carrier", "headcount", "revenue")


@dataclass
class ScenarioData:
    """The rows of one scenario's runs."""

    name: str
    runs: np.ndarray                  # run ids of the scenario
    months: int
    trajectories: dict[str, np.ndarray]
    ventures: dict[str, np.ndarray]
    events: dict[str, np.ndarray]
    active: int                       # status code of `active`
    stages: list[str]
    event_kinds: list[str]
    in_base: np.ndarray               # per carrier of the scenario (bool)


def _key(run: np.ndarray, venture: np.ndarray) -> np.ndarray:
    """One int64 per (run, venture)."""
    return run.astype(np.int64) * 2**32 + venture.astype(np.int64)


def _in_class(values: np.ndarray, low: int, high: int | None) -> np.ndarray:
    return (values >= low) & (values <= high) if high is not None else values >= low


def load(file: ResultsFile, only: str | None = None) -> list[ScenarioData]:
    """Reads /trajectories, /ventures and /events of `file`, split by scenario (or only scenario `only`)."""
    why = f"record level is {file.record_level}; rerun with --record trajectories"
    if "trajectories" not in file.handle:
        raise InputError(f"{file.path}: no /trajectories table ({why})")
    trajectories = file.table("trajectories", TRAJECTORY_COLUMNS)
    ventures = file.ventures(level="trajectories")
    events = file.table("events", ("run", "month", "venture", "kind"), why=why)
    statuses = file.labels("statuses")
    if "active" not in statuses:
        raise InputError(f"{file.path}: /labels/statuses has no 'active'")
    stages, kinds = file.labels("stages"), file.labels("event_kinds")
    result = []
    for s, name in enumerate(file.scenario_names):
        runs = file.runs["run"][file.runs["scenario"] == s].astype(np.int64)
        if len(runs) == 0 or (only is not None and name != only):
            continue

        def of(table):
            keep = np.isin(table["run"].astype(np.int64), runs)
            return {column: values[keep] for column, values in table.items()}

        result.append(ScenarioData(name=name, runs=runs, months=file.months, trajectories=of(trajectories),
                                   ventures=of(ventures), events=of(events), active=statuses.index("active"),
                                   stages=stages, event_kinds=kinds, in_base=file.carrier_in_base(s)))
    return result


# ---------------------------------------------------------------------------------------------
# 1. Firm-size distribution
# ---------------------------------------------------------------------------------------------

def size_distribution(data: ScenarioData, month: int) -> dict:
    """Active ventures at `month` by headcount class (pooled over runs), and the modal share."""
    t = data.trajectories
    headcount = t["headcount"][(t["month"] == month) & (t["status"] == data.active)].astype(np.int64)
    total = len(headcount)
    classes = []
    if (headcount < 1).any():  # the model keeps headcount >= 1; shown only if a file breaks that
        classes.append({"class": "0", "count": int((headcount < 1).sum())})
    for low, high, label in SIZE_CLASSES:
        classes.append({"class": label, "count": int(_in_class(headcount, low, high).sum())})
    for row in classes:
        row["share"] = row["count"] / total if total else math.nan
    if total:
        values, counts = np.unique(headcount, return_counts=True)
        modal, modal_count = int(values[np.argmax(counts)]), int(counts.max())
    else:
        modal, modal_count = -1, 0
    modal_share = modal_count / total if total else math.nan
    return {"month": month, "active": total, "runs": len(data.runs), "classes": classes,
            "modal_headcount": modal, "modal_share": modal_share,
            "modal_share_target_met": bool(modal_share <= MODAL_SHARE_TARGET) if total else None}


# ---------------------------------------------------------------------------------------------
# 2.-3. Growth of survivors over twelve months
# ---------------------------------------------------------------------------------------------

@dataclass
class GrowthPairs:
    """Ventures active at both months t − 12 and t, one row per (run, venture, t)."""

    t: np.ndarray
    run: np.ndarray
    venture: np.ndarray
    headcount_before: np.ndarray
    headcount_after: np.ndarray
    revenue_before: np.ndarray
    revenue_after: np.ndarray


def default_growth_months(months: int) -> list[int]:
    """24, 36, ... up to the last month index of the horizon (months − 1)."""
    return list(range(24, months, 12))


def growth_pairs(data: ScenarioData, growth_months: list[int]) -> GrowthPairs:
    t = data.trajectories
    active = t["status"] == data.active
    keys = _key(t["run"], t["venture"])
    empty = np.zeros(0, dtype=np.int64)
    month_of, before, after = [empty], [empty], [empty]
    for month in growth_months:
        b = np.flatnonzero(active & (t["month"] == month - 12))
        a = np.flatnonzero(active & (t["month"] == month))
        _, i, j = np.intersect1d(keys[b], keys[a], assume_unique=True, return_indices=True)
        month_of.append(np.full(len(i), month, dtype=np.int64))
        before.append(b[i])
        after.append(a[j])
    month_of, before, after = np.concatenate(month_of), np.concatenate(before), np.concatenate(after)
    return GrowthPairs(
        t=month_of, run=t["run"][before].astype(np.int64), venture=t["venture"][before].astype(np.int64),
        headcount_before=t["headcount"][before].astype(np.float64),
        headcount_after=t["headcount"][after].astype(np.float64),
        revenue_before=t["revenue"][before].astype(np.float64),
        revenue_after=t["revenue"][after].astype(np.float64))


def excess_kurtosis(values: np.ndarray) -> float:
    """Fisher's excess kurtosis with the small-sample correction (0 normal, 3 Laplace); NaN below 4 values."""
    if len(values) < 4 or np.all(values == values[0]):
        return math.nan
    return float(st.kurtosis(values, fisher=True, bias=False))


def revenue_terciles(t: np.ndarray, revenue: np.ndarray) -> np.ndarray:
    """Tercile (0 low, 1 middle, 2 high) of each revenue among the rows with the same t, by rank
    (average ranks for ties, so equal revenues share a tercile): floor(3 (rank − ½) / n)."""
    tercile = np.zeros(len(revenue), dtype=np.int64)
    for month in np.unique(t).tolist():
        rows = t == month
        rank = st.rankdata(revenue[rows], method="average")
        tercile[rows] = np.minimum(np.floor(3 * (rank - 0.5) / rows.sum()), 2).astype(np.int64)
    return tercile


def sales_growth(pairs: GrowthPairs) -> dict:
    """Excess kurtosis of annual log sales growth of survivors with revenue > 0, by size class."""
    positive = (pairs.revenue_before > 0) & (pairs.revenue_after > 0)
    growth = np.log(pairs.revenue_after[positive] / pairs.revenue_before[positive])
    size = pairs.headcount_before[positive]
    tercile = revenue_terciles(pairs.t[positive], pairs.revenue_before[positive])

    def row(label, mask):
        x = growth[mask]
        kurtosis = excess_kurtosis(x)
        return {"class": label, "count": int(mask.sum()), "mean": float(x.mean()) if len(x) else math.nan,
                "sd": float(x.std(ddof=1)) if len(x) > 1 else math.nan, "excess_kurtosis": kurtosis,
                "target_met": None if math.isnan(kurtosis) else bool(kurtosis >= KURTOSIS_TARGET)}

    by_size = [row(label, _in_class(size, low, high)) for low, high, label in GROWTH_SIZE_CLASSES]
    by_tercile = [row(label, tercile == k) for k, label in enumerate(("low", "middle", "high"))]
    return {"months": sorted(set(pairs.t.tolist())), "all": row("all", np.ones(len(growth), dtype=bool)),
            "by_headcount": by_size, "by_revenue_tercile": by_tercile}


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(found, value) of each query key in the table keys -> values (keys unique)."""
    if len(keys) == 0:
        return np.zeros(len(query), dtype=bool), np.zeros(len(query), dtype=values.dtype)
    order = np.argsort(keys)
    position = np.minimum(np.searchsorted(keys[order], query), len(keys) - 1)
    return keys[order][position] == query, values[order][position]


def employment_growth(pairs: GrowthPairs, data: ScenarioData) -> dict:
    """Mean annual employment growth of survivors by age class at t − 12 (entry month from /ventures)."""
    v = data.ventures
    found, entry = _lookup(_key(v["run"], v["venture"]), v["entry_month"].astype(np.int64),
                           _key(pairs.run, pairs.venture))
    age_years = np.floor_divide((pairs.t - 12) - entry, 12)
    before, after = pairs.headcount_before, pairs.headcount_after
    valid = found & (before > 0) & (after > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_growth = np.log(after / before)
        symmetric = (after - before) / ((after + before) / 2)
    classes = []
    for low, high, label in AGE_CLASSES:
        mask = valid & _in_class(age_years, low, high)
        classes.append({"class": label, "count": int(mask.sum()),
                        "mean_log_growth": float(log_growth[mask].mean()) if mask.any() else math.nan,
                        "mean_symmetric_growth": float(symmetric[mask].mean()) if mask.any() else math.nan})
    young, old = classes[0]["mean_log_growth"], classes[-1]["mean_log_growth"]
    return {"classes": classes, "without_venture_row": int((~found).sum()),
            "young_above_old": None if math.isnan(young) or math.isnan(old) else bool(young > old)}


# ---------------------------------------------------------------------------------------------
# 4. Exits
# ---------------------------------------------------------------------------------------------

def exits(data: ScenarioData) -> dict:
    """Failures by cause (per-run mean counts), listings and acquisitions per 1,000 graduates."""
    e = data.events
    kind = e["kind"].astype(np.int64)
    position = np.searchsorted(data.runs, e["run"].astype(np.int64))  # the event's run among data.runs

    def of_kind(name):
        return kind == data.event_kinds.index(name) if name in data.event_kinds else np.zeros(len(kind), dtype=bool)

    def per_run(mask):
        return np.bincount(position[mask], minlength=len(data.runs)).astype(np.float64)

    failures = {cause: per_run(of_kind(cause)) for cause in FAILURE_CAUSES}
    all_failures = sum(failures.values()).sum()
    graduation = of_kind("graduation")
    graduated = np.unique(_key(e["run"][graduation], e["venture"][graduation]))  # distinct (run, venture)
    graduates = np.bincount(np.searchsorted(data.runs, graduated // 2**32),
                            minlength=len(data.runs)).astype(np.float64)
    with_graduates = graduates > 0
    result = {"runs": len(data.runs), "failures": {}, "graduation_events_per_run": float(per_run(graduation).mean()),
              "graduates_per_run": float(graduates.mean()), "runs_with_graduates": int(with_graduates.sum())}
    for cause, counts in failures.items():
        result["failures"][cause] = {"per_run": float(counts.mean()),
                                     "share": float(counts.sum() / all_failures) if all_failures else math.nan}
    for name, label in (("listing", "listings"), ("acquisition", "acquisitions")):
        counts = per_run(of_kind(name))
        rate = 1000 * counts[with_graduates] / graduates[with_graduates]
        result[f"{label}_per_run"] = float(counts.mean())
        result[f"{label}_per_1000_graduates"] = float(rate.mean()) if len(rate) else math.nan
    return result


# ---------------------------------------------------------------------------------------------
# 5. At the horizon
# ---------------------------------------------------------------------------------------------

def horizon(data: ScenarioData) -> dict:
    """The largest firm, jobs per venture by stage and the top-5 share of the base's jobs at the
    last month."""
    t = data.trajectories
    last = data.months - 1
    rows = (t["month"] == last) & (t["status"] == data.active)
    run, headcount = t["run"][rows].astype(np.int64), t["headcount"][rows].astype(np.float64)
    revenue, stage, carrier = t["revenue"][rows].astype(np.float64), t["stage"][rows].astype(np.int64), \
        t["carrier"][rows].astype(np.int64)
    in_base = np.zeros(len(carrier), dtype=bool)
    known = (carrier >= 0) & (carrier < len(data.in_base))
    in_base[known] = data.in_base[carrier[known]]
    largest_revenue, largest_headcount, top5, base_jobs = [], [], [], []
    for r in data.runs.tolist():
        mine = run == r
        if mine.any():
            i = np.flatnonzero(mine)[np.argmax(revenue[mine])]
            largest_revenue.append(revenue[i])
            largest_headcount.append(headcount[i])
        jobs = np.sort(headcount[mine & in_base])[::-1]
        base_jobs.append(jobs.sum())
        top5.append(jobs[:5].sum() / jobs.sum() if jobs.sum() > 0 else math.nan)
    by_stage = []
    for code, name in enumerate(data.stages):
        mask = stage == code
        by_stage.append({"stage": name, "active": int(mask.sum()),
                         "jobs_per_venture": float(headcount[mask].mean()) if mask.any() else math.nan})

    def median(values):
        values = np.asarray(values, dtype=np.float64)
        values = values[~np.isnan(values)]
        return float(np.median(values)) if len(values) else math.nan

    return {"month": last, "largest_firm_revenue": median(largest_revenue),
            "largest_firm_headcount": median(largest_headcount), "jobs_per_venture_by_stage": by_stage,
            "base_jobs": median(base_jobs), "top5_share_of_base_jobs": median(top5),
            "runs_with_base_jobs": int(np.sum(np.asarray(base_jobs) > 0))}


# ---------------------------------------------------------------------------------------------
# All figures, printing, command line
# ---------------------------------------------------------------------------------------------

def analyse(path, month: int | None = None, growth_months: list[int] | None = None,
            scenario: str | None = None) -> dict:
    """Every figure for each scenario of the file (or the one named): {"file", "scenarios": {...}}."""
    with open_results(path) as file:
        if scenario is not None:
            file.scenario_index(scenario)
        months = file.months
        note = None
        if month is None:
            month = min(DEFAULT_MONTH, months - 1)
            if month != DEFAULT_MONTH:
                note = f"month {DEFAULT_MONTH} is past the horizon; the last month {month} is used"
        elif not 0 <= month < months:
            raise InputError(f"--month {month}: outside the horizon (months 0..{months - 1})")
        if growth_months is None:
            growth_months = default_growth_months(months)
        else:
            bad = [m for m in growth_months if not 12 <= m < months]
            if bad:
                raise InputError(f"--growth-months {','.join(map(str, bad))}: each month must be between 12 and "
                                 f"{months - 1} (growth is measured from month t - 12 to t)")
        scenarios = load(file, scenario)
    result = {"file": str(path), "month": month, "note": note, "growth_months": list(growth_months), "scenarios": {}}
    for data in scenarios:
        pairs = growth_pairs(data, growth_months)
        result["scenarios"][data.name] = {
            "runs": len(data.runs), "size_distribution": size_distribution(data, month),
            "sales_growth": sales_growth(pairs), "employment_growth": employment_growth(pairs, data),
            "exits": exits(data), "horizon": horizon(data)}
    return result


def _n(value, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def _yes(flag) -> str:
    return "–" if flag is None else ("met" if flag else "not met")


def format_report(result: dict) -> str:
    lines = [f"Firm dynamics: {result['file']}"]
    if result["note"]:
        lines.append(f"  ({result['note']})")
    for name, s in result["scenarios"].items():
        size, sales, employment = s["size_distribution"], s["sales_growth"], s["employment_growth"]
        ex, hz = s["exits"], s["horizon"]
        lines += ["", f"== scenario {name} ({s['runs']} runs)", "",
                  f"Firm-size distribution of active ventures at month {size['month']} (pooled over runs): "
                  f"{size['active']} ventures",
                  f"  {'headcount':<10} {'count':>8} {'share':>8}"]
        lines += [f"  {c['class']:<10} {c['count']:>8} {_n(c['share'], 3):>8}" for c in size["classes"]]
        lines.append(f"  modal headcount {size['modal_headcount']} holds {_n(size['modal_share'], 3)} of active "
                     f"firms (target ≤ {MODAL_SHARE_TARGET}: {_yes(size['modal_share_target_met'])})")
        lines += ["", f"Annual log sales growth of survivors (revenue > 0 at t-12 and t; t = "
                      f"{', '.join(map(str, result['growth_months'])) or 'none'}): excess kurtosis "
                      f"(target ≥ {KURTOSIS_TARGET})",
                  f"  {'class at t-12':<22} {'count':>8} {'mean':>8} {'sd':>8} {'kurtosis':>9}  target"]
        for title, rows in (("", [sales["all"]]), ("headcount ", sales["by_headcount"]),
                            ("revenue tercile ", sales["by_revenue_tercile"])):
            for c in rows:
                lines.append(f"  {title + c['class']:<22} {c['count']:>8} {_n(c['mean'], 3):>8} {_n(c['sd'], 3):>8} "
                             f"{_n(c['excess_kurtosis']):>9}  {_yes(c['target_met'])}")
        lines += ["", "Annual employment growth of survivors by age at t-12 (target: 0-2 years above 5+ years)",
                  f"  {'age':<10} {'count':>8} {'mean log':>9} {'mean sym.':>10}"]
        lines += [f"  {c['class']:<10} {c['count']:>8} {_n(c['mean_log_growth'], 4):>9} "
                  f"{_n(c['mean_symmetric_growth'], 4):>10}" for c in employment["classes"]]
        lines.append(f"  young above old: {_yes(employment['young_above_old'])}")
        lines += ["", f"Exits (per-run means over {ex['runs']} runs)"]
        lines += [f"  {cause:<16} {_n(f['per_run'])} per run, share {_n(f['share'], 3)} of failures"
                  for cause, f in ex["failures"].items()]
        lines.append(f"  graduates (ventures with a graduation event) {_n(ex['graduates_per_run'])} per run "
                     f"({_n(ex['graduation_events_per_run'])} graduation events)")
        lines.append(f"  listings {_n(ex['listings_per_run'])} per run, {_n(ex['listings_per_1000_graduates'], 1)} per "
                     f"1,000 graduates; acquisitions {_n(ex['acquisitions_per_run'])} per run, "
                     f"{_n(ex['acquisitions_per_1000_graduates'], 1)} per 1,000 graduates "
                     f"({ex['runs_with_graduates']} runs with graduates)")
        lines += ["", f"At the horizon (month {hz['month']}, active ventures; medians over runs)",
                  f"  largest firm (by revenue): revenue {_n(hz['largest_firm_revenue'], 0)} RMB/month, "
                  f"headcount {_n(hz['largest_firm_headcount'], 0)}",
                  f"  base jobs {_n(hz['base_jobs'], 0)}; top-5 share of the base's jobs "
                  f"{_n(hz['top5_share_of_base_jobs'], 3)} ({hz['runs_with_base_jobs']} runs with base jobs)",
                  "  jobs per venture by stage (pooled): " + ", ".join(
                      f"{row['stage']} {_n(row['jobs_per_venture'])} (n={row['active']})"
                      for row in hz["jobs_per_venture_by_stage"])]
    return "\n".join(lines)


def _month_list(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected comma-separated month indices, e.g. 24,36,48") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis.firm_dynamics",
                                     description="Firm-dynamics figures from a results file recorded at "
                                                 "--record trajectories.")
    parser.add_argument("results", metavar="FILE.h5")
    parser.add_argument("--month", type=int, default=None,
                        help=f"month index of the size distribution (default {DEFAULT_MONTH}, or the last month)")
    parser.add_argument("--growth-months", type=_month_list, default=None,
                        help="months t of the twelve-month growth (default 24, 36, ... to the horizon)")
    parser.add_argument("--scenario", help="only this scenario (default: every scenario of the file)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return run_command_line("analysis.firm_dynamics", parser, argv,
                            lambda arguments: analyse(arguments.results, arguments.month, arguments.growth_months,
                                                      arguments.scenario),
                            format_report)


if __name__ == "__main__":
    sys.exit(main())
