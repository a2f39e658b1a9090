"""analysis.firm_dynamics on synthetic format-version-4 files (tests/python/synthetic_results.py):
the size distribution and modal share, the excess kurtosis of sales growth within size classes
(about 3 for Laplace growth, about 0 for normal growth), employment growth by age class, exits per
run and per 1,000 graduates, the horizon figures with carriers mapped per scenario, and every bad
input's exit code 2 and message.

Run: /usr/bin/python3 -m pytest -q tests/python/test_firm_dynamics.py
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import synthetic_results as synthetic

REPOSITORY = Path(__file__).resolve().parents[2]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from analysis import firm_dynamics  # noqa: E402

ACTIVE, FAILED = synthetic.STATUSES.index("active"), synthetic.STATUSES.index("failed")


def _rows(rows: list[dict], schema: dict) -> dict:
    names = [n for n in schema if any(n in row for row in rows)]
    return {n: np.array([row.get(n, -1 if n in synthetic.MINUS_ONE else 0) for row in rows]) for n in names}


def _ventures_of(trajectory_rows: list[dict], entry: dict | None = None) -> dict:
    """One /ventures row per (run, venture) of the trajectories; entry months from `entry`."""
    keys = sorted({(row["run"], row["venture"]) for row in trajectory_rows})
    entry = entry or {}
    return _rows([{"run": r, "venture": v, "id": v, "stream_kind": 2, "entry_month": entry.get((r, v), 0)}
                  for r, v in keys], synthetic.VENTURES)


def _write(path, trajectory_rows, months, scenarios=("s",), replications=1, events=None, carriers=None, entry=None):
    synthetic.write(path, scenarios=list(scenarios), replications=replications, months=months,
                    trajectories=_rows(trajectory_rows, synthetic.TRAJECTORIES),
                    ventures=_ventures_of(trajectory_rows, entry),
                    events=_rows(events, synthetic.EVENTS) if events else None, carriers=carriers,
                    command="run" if len(scenarios) == 1 else "compare")
    return path


def _cli(*arguments):
    return subprocess.run(["/usr/bin/python3", "-m", "analysis.firm_dynamics", *[str(a) for a in arguments]],
                          capture_output=True, text=True, check=False, cwd=REPOSITORY)


# ------------------------------------------------------------------------------ size distribution

RUN0 = [1] * 20 + [2] * 10 + [3] * 5 + [4] * 3 + [7] * 2 + [12, 25, 60, 150]
RUN1 = [1] * 20 + [2] * 15 + [5] * 5


@pytest.fixture(scope="module")
def size_file(tmp_path_factory):
    rows = []
    for run, sizes in ((0, RUN0), (1, RUN1)):
        for venture, headcount in enumerate(sizes):
            rows.append({"run": run, "month": 120, "venture": venture, "status": ACTIVE, "headcount": headcount})
            rows.append({"run": run, "month": 119, "venture": venture, "status": ACTIVE, "headcount": 1})
        for extra in range(5):  # exits in month 120: not active, not counted
            rows.append({"run": run, "month": 120, "venture": 100 + extra, "status": FAILED, "headcount": 1})
    return _write(tmp_path_factory.mktemp("dynamics") / "size.h5", rows, months=121, replications=2)


def test_size_distribution_and_modal_share(size_file):
    result = firm_dynamics.analyse(size_file)
    assert result["month"] == 120 and result["note"] is None
    size = result["scenarios"]["s"]["size_distribution"]
    total = len(RUN0) + len(RUN1)
    assert size["active"] == total == 84
    counts = {row["class"]: row["count"] for row in size["classes"]}
    assert counts == {"1": 40, "2": 25, "3": 5, "4": 3, "5-9": 7, "10-19": 1, "20-49": 1, "50-99": 1, "100+": 1}
    assert sum(row["share"] for row in size["classes"]) == pytest.approx(1.0)
    assert size["modal_headcount"] == 1
    assert size["modal_share"] == pytest.approx(40 / 84)
    assert size["modal_share_target_met"] is False  # 47.6% > 45%
    earlier = firm_dynamics.analyse(size_file, month=119)["scenarios"]["s"]["size_distribution"]
    assert earlier["modal_share"] == 1.0 and earlier["active"] == 84


def test_default_month_past_a_short_horizon_uses_the_last_month(tmp_path):
    rows = [{"run": 0, "month": 11, "venture": v, "status": ACTIVE, "headcount": 1 + v % 3} for v in range(9)]
    result = firm_dynamics.analyse(_write(tmp_path / "short.h5", rows, months=12))
    assert result["month"] == 11 and "past the horizon" in result["note"]
    size = result["scenarios"]["s"]["size_distribution"]
    assert size["modal_share"] == pytest.approx(1 / 3) and size["modal_share_target_met"] is True
    assert result["growth_months"] == []  # no t = 24 in 12 months
    assert result["scenarios"]["s"]["sales_growth"]["all"]["count"] == 0


# ------------------------------------------------------------------------------ sales growth

N_CLASS = 20000


@pytest.fixture(scope="module")
def growth_file(tmp_path_factory):
    """Headcount 2 (class 1-4, revenue 100-200 at month 12): Laplace log growth; headcount 7
    (class 5-9, revenue 1000-2000): normal log growth. Plus ventures that must be left out."""
    rng = np.random.default_rng(11)
    rows = []
    venture = 0
    laplace, normal = rng.laplace(0.0, 0.2, N_CLASS), rng.normal(0.05, 0.2, N_CLASS)
    for headcount, low, growth in ((2, 100.0, laplace), (7, 1000.0, normal)):
        before = rng.uniform(low, 2 * low, N_CLASS)
        for b, g in zip(before, growth):
            rows.append({"run": 0, "month": 12, "venture": venture, "status": ACTIVE, "headcount": headcount,
                         "revenue": b})
            rows.append({"run": 0, "month": 24, "venture": venture, "status": ACTIVE, "headcount": headcount,
                         "revenue": b * math.exp(g)})
            venture += 1
    # Failing at month 24 (its exit row), and without revenue at month 12: not survivors with sales.
    rows.append({"run": 0, "month": 12, "venture": venture, "status": ACTIVE, "headcount": 2, "revenue": 150.0})
    rows.append({"run": 0, "month": 24, "venture": venture, "status": FAILED, "headcount": 2, "revenue": 1e6})
    rows.append({"run": 0, "month": 12, "venture": venture + 1, "status": ACTIVE, "headcount": 2, "revenue": 0.0})
    rows.append({"run": 0, "month": 24, "venture": venture + 1, "status": ACTIVE, "headcount": 2, "revenue": 1e6})
    return _write(tmp_path_factory.mktemp("dynamics") / "growth.h5", rows, months=25)


def test_kurtosis_of_laplace_and_normal_growth_within_size_classes(growth_file):
    result = firm_dynamics.analyse(growth_file)
    assert result["growth_months"] == [24]
    sales = result["scenarios"]["s"]["sales_growth"]
    by_size = {row["class"]: row for row in sales["by_headcount"]}
    assert by_size["1-4"]["count"] == by_size["5-9"]["count"] == N_CLASS
    assert by_size["1-4"]["excess_kurtosis"] == pytest.approx(3.0, abs=0.75)   # Laplace: 3 (SE about 0.25)
    assert by_size["5-9"]["excess_kurtosis"] == pytest.approx(0.0, abs=0.15)   # normal: 0 (SE about 0.035)
    assert by_size["1-4"]["target_met"] is True and by_size["5-9"]["target_met"] is False
    assert by_size["5-9"]["mean"] == pytest.approx(0.05, abs=0.01)
    assert by_size["10-49"]["count"] == 0 and math.isnan(by_size["10-49"]["excess_kurtosis"])
    # Revenue terciles at t - 12: the lowest third is all Laplace, the highest all normal.
    terciles = {row["class"]: row for row in sales["by_revenue_tercile"]}
    assert sum(row["count"] for row in terciles.values()) == 2 * N_CLASS
    assert terciles["low"]["excess_kurtosis"] == pytest.approx(3.0, abs=0.9)
    assert terciles["high"]["excess_kurtosis"] == pytest.approx(0.0, abs=0.2)
    assert sales["all"]["count"] == 2 * N_CLASS


def test_excess_kurtosis_is_fisher_with_small_sample_correction():
    from scipy import stats as st

    x = np.array([0.1, -0.3, 2.5, 0.0, 0.2, -0.1, 0.4])
    assert firm_dynamics.excess_kurtosis(x) == pytest.approx(st.kurtosis(x, fisher=True, bias=False))
    assert math.isnan(firm_dynamics.excess_kurtosis(x[:3]))
    assert math.isnan(firm_dynamics.excess_kurtosis(np.ones(10)))


# ------------------------------------------------------------------------------ employment growth and exits

def _age_rows():
    """(entry month, headcount at months 12, 24, 36, status at 36); ages at t - 12 follow."""
    lives = {
        0: (10, [2, 4, 8], ACTIVE),      # at 12: 2 months old (0 y); at 24: 14 months (1 y)
        1: (-30, [4, 4, 4], ACTIVE),     # at 12: 42 months (3 y); at 24: 54 months (4 y)
        2: (-60, [10, 5, 5], ACTIVE),    # 6 and 7 years: 5+
        3: (5, [3, 9, 9], FAILED),       # fails at month 36: only t = 24 counts (0-2 years, log 3)
    }
    rows = []
    for venture, (_, sizes, last_status) in lives.items():
        for month, headcount in zip((12, 24, 36), sizes):
            status = last_status if month == 36 else ACTIVE
            rows.append({"run": 0, "month": month, "venture": venture, "status": status, "headcount": headcount,
                         "revenue": 100.0})
    return rows, {(0, v): life[0] for v, life in lives.items()}


def _exit_events():
    kinds = {name: synthetic.EVENT_KINDS.index(name) for name in synthetic.EVENT_KINDS}
    events = []

    def add(run, kind, venture, times=1):
        events.extend({"run": run, "month": 5, "venture": venture, "kind": kinds[kind]} for _ in range(times))

    add(0, "failure_cash", 10, 3)
    add(0, "failure_closure", 11, 2)
    add(0, "failure_hazard", 12)
    for venture in (1, 2, 3, 4):
        add(0, "graduation", venture)
    add(0, "graduation", 1)              # venture 1 graduates twice: one graduate
    add(0, "listing", 2)
    add(0, "acquisition", 3, 2)
    add(0, "carrier_opened", 0xFFFFFFFF)
    add(1, "failure_cash", 10)
    add(1, "failure_hazard", 11)
    add(1, "graduation", 1)
    add(1, "graduation", 2)
    add(1, "acquisition", 1)
    return events


@pytest.fixture(scope="module")
def age_file(tmp_path_factory):
    rows, entry = _age_rows()
    rows += [dict(row, run=1) for row in rows]
    entry.update({(1, v): month for (_, v), month in entry.items()})
    return _write(tmp_path_factory.mktemp("dynamics") / "age.h5", rows, months=37, replications=2,
                  events=_exit_events(), entry=entry)


def test_employment_growth_by_age_class(age_file):
    result = firm_dynamics.analyse(age_file)
    assert result["growth_months"] == [24, 36]
    employment = result["scenarios"]["s"]["employment_growth"]
    classes = {row["class"]: row for row in employment["classes"]}
    young, middle, old = classes["0-2 years"], classes["3-4 years"], classes["5+ years"]
    # Per run: young (2->4, 4->8, 3->9), middle (4->4 twice), old (10->5, 5->5); two identical runs.
    assert young["count"] == 6 and middle["count"] == 4 and old["count"] == 4
    assert young["mean_log_growth"] == pytest.approx((2 * math.log(2) + math.log(3)) / 3)
    assert young["mean_symmetric_growth"] == pytest.approx((2 / 3 + 4 / 6 + 6 / 6) / 3)
    assert middle["mean_log_growth"] == 0.0 and middle["mean_symmetric_growth"] == 0.0
    assert old["mean_log_growth"] == pytest.approx(math.log(0.5) / 2)
    assert old["mean_symmetric_growth"] == pytest.approx((-5 / 7.5) / 2)
    assert employment["young_above_old"] is True
    assert employment["without_venture_row"] == 0


def test_exits_per_run_and_per_1000_graduates(age_file):
    exits = firm_dynamics.analyse(age_file)["scenarios"]["s"]["exits"]
    assert exits["runs"] == 2
    assert exits["failures"]["failure_cash"] == {"per_run": 2.0, "share": 0.5}
    assert exits["failures"]["failure_closure"] == {"per_run": 1.0, "share": 0.25}
    assert exits["failures"]["failure_hazard"] == {"per_run": 1.0, "share": 0.25}
    assert exits["graduation_events_per_run"] == 3.5
    assert exits["graduates_per_run"] == 3.0
    assert exits["listings_per_1000_graduates"] == pytest.approx((250 + 0) / 2)
    assert exits["acquisitions_per_1000_graduates"] == pytest.approx((500 + 500) / 2)
    assert exits["listings_per_run"] == 0.5 and exits["acquisitions_per_run"] == 1.5


# ------------------------------------------------------------------------------ horizon

@pytest.fixture(scope="module")
def horizon_file(tmp_path_factory):
    """Scenario `other` (its carrier 0 is not in the base) first, then `main` (its carrier 0 in the
    base, carrier 1 not): carrier indices are per scenario, not /carriers rows."""
    incubator, accelerator = synthetic.STAGES.index("incubator"), synthetic.STAGES.index("accelerator")
    rows = []

    def add(run, venture, carrier, stage, headcount, revenue, status=ACTIVE):
        rows.append({"run": run, "month": 11, "venture": venture, "carrier": carrier, "stage": stage,
                     "status": status, "headcount": headcount, "revenue": revenue})

    for run in (0, 1):  # `other`
        add(run, 0, 0, incubator, 40, 1000.0)
    for v, h in enumerate([10, 8, 6, 4, 2, 1, 1]):  # `main`, run 2: base residents
        add(2, v, 0, incubator, h, 100.0 * h)
    add(2, 7, 1, accelerator, 50, 5000.0)
    add(2, 8, -1, 0, 100, 1e6)                     # the largest firm, outside any carrier
    add(2, 9, 0, incubator, 500, 1e7, FAILED)      # exits this month: not at the horizon
    add(3, 0, 0, incubator, 5, 500.0)
    add(3, 1, 0, incubator, 5, 500.0)
    add(3, 2, 1, accelerator, 30, 5e5)
    carriers = {"scenario": ["other", "main", "main"], "id": ["x", "b0", "b1"], "in_base": [0, 1, 0],
                "kind": ["incubator", "incubator", "accelerator"]}
    return _write(tmp_path_factory.mktemp("dynamics") / "horizon.h5", rows, months=12, scenarios=("other", "main"),
                  replications=2, carriers=carriers)


def test_horizon_figures_map_carriers_per_scenario(horizon_file):
    result = firm_dynamics.analyse(horizon_file)
    main = result["scenarios"]["main"]["horizon"]
    assert main["month"] == 11
    assert main["largest_firm_revenue"] == pytest.approx((1e6 + 5e5) / 2)
    assert main["largest_firm_headcount"] == pytest.approx((100 + 30) / 2)
    assert main["base_jobs"] == pytest.approx((32 + 10) / 2)
    assert main["top5_share_of_base_jobs"] == pytest.approx((30 / 32 + 1.0) / 2)
    stages = {row["stage"]: row for row in main["jobs_per_venture_by_stage"]}
    assert stages["incubator"]["active"] == 9
    assert stages["incubator"]["jobs_per_venture"] == pytest.approx(42 / 9)
    assert stages["accelerator"]["jobs_per_venture"] == pytest.approx(40.0)
    assert stages["outside"]["jobs_per_venture"] == pytest.approx(100.0)
    assert math.isnan(stages["park"]["jobs_per_venture"])
    other = result["scenarios"]["other"]["horizon"]
    assert other["base_jobs"] == 0 and math.isnan(other["top5_share_of_base_jobs"])
    assert other["runs_with_base_jobs"] == 0
    only = firm_dynamics.analyse(horizon_file, scenario="main")
    assert list(only["scenarios"]) == ["main"]


def test_cli_prints_a_table_and_json(horizon_file, age_file):
    completed = _cli(age_file)
    assert completed.returncode == 0, completed.stderr
    for fragment in ("Firm-size distribution", "excess kurtosis", "0-2 years", "failure_closure",
                     "per 1,000 graduates", "top-5 share"):
        assert fragment in completed.stdout, fragment
    completed = _cli(horizon_file, "--json", "--scenario", "main", "--month", "11")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["scenarios"]["main"]["horizon"]["top5_share_of_base_jobs"] == pytest.approx((30 / 32 + 1) / 2)
    assert result["scenarios"]["main"]["sales_growth"]["all"]["excess_kurtosis"] is None  # NaN -> null


def test_bad_inputs_exit_2_with_a_message(age_file, tmp_path):
    synthetic.assert_refused(_cli(tmp_path / "missing.h5"), "missing.h5", "no such file")
    events_only = tmp_path / "events.h5"
    synthetic.write(events_only, scenarios=["s"], replications=1, months=12,
                    ventures=_rows([{"run": 0, "venture": 0}], synthetic.VENTURES))
    synthetic.assert_refused(_cli(events_only), "no /trajectories", "record level is events", "--record trajectories")
    synthetic.assert_refused(_cli(age_file, "--month", 500), "--month 500", "0..36")
    synthetic.assert_refused(_cli(age_file, "--scenario", "nope"), "nope", "the file has: s")
    synthetic.assert_refused(_cli(age_file, "--growth-months", "6,24"), "--growth-months 6")
    completed = _cli(age_file, "--growth-months", "x")  # argparse: usage, then the error
    assert completed.returncode == 2 and completed.stdout == "" and "--growth-months: 'x'" in completed.stderr
    older = tmp_path / "v3.h5"
    synthetic.write(older, scenarios=["s"], replications=1, months=12, format_version=3)
    synthetic.assert_refused(_cli(older), "format version 3")
