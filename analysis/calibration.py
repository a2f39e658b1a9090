"""Calibration figures of docs/sources.md (§E1-§E6), measured from incubsim results files.

Each figure has its own long-horizon scenario in scenarios/calibration/, except "yiyuan" (the
Yiyuan no-programme scenario run for 120 months). This module

- reads a results file's /events with h5py (docs/output-format.md) and computes the figures:
  Kaplan-Meier survival of entrants, annual exit rates, incubator tenure and graduation share,
  the share of seed-funded ventures that raise a second round;
- runs the calibration scenarios with a fixed seed and prints every figure beside its target
  and band (`measure`);
- searches a figure's scenario parameters (`tune FIGURE`, Nelder-Mead on common random
  numbers) and can write the best values into the scenario file (`--write`);
- writes docs/calibration.md from measured values (`docs`).

Usage (from the repository root):

    /usr/bin/python3 -m analysis.calibration measure [--binary build/incubsim] [--replications N]
    /usr/bin/python3 -m analysis.calibration tune bls [--write]
    /usr/bin/python3 -m analysis.calibration docs

Intervals are 95% percentile bootstrap intervals over replications (runs are independent; the
ventures of one run are not, since they share carriers and budgets), so they measure the
simulation's sampling error, not the uncertainty of the published figures.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import h5py
import numpy as np

REPOSITORY = Path(__file__).resolve().parents[1]
SCENARIO_DIR = REPOSITORY / "scenarios" / "calibration"
DOC_PATH = REPOSITORY / "docs" / "calibration.md"

#: Exits that end a venture's life for survival: BLS counts establishments that stop
#: operating, whatever the cause (cash, the founders' decision, the residual hazard).
#: Relocation out of the county, acquisition and listing are not closures: they censor.
FAILURE_KINDS = ("failure_cash", "failure_closure", "failure_hazard")
EXIT_KINDS = FAILURE_KINDS + ("relocation", "acquisition", "listing")


# ---------------------------------------------------------------------------------------------
# Reading events
# ---------------------------------------------------------------------------------------------

@dataclass
class Events:
    """The /events table of one results file, with the labels and sizes needed to read it."""

    run: np.ndarray
    month: np.ndarray
    venture: np.ndarray
    kind: np.ndarray
    from_stage: np.ndarray
    to_stage: np.ndarray
    carrier: np.ndarray
    value: np.ndarray
    kinds: dict[str, int]
    stages: dict[str, int]
    horizon: int            # simulated months
    runs: int
    initial_residents: np.ndarray  # per run: ventures 0..n-1 are initial residents (§5 of odd.md)
    scenarios: list[dict]          # the resolved scenarios (/scenarios/texts), parsed

    def code(self, kind: str) -> int:
        return self.kinds[kind]

    def of_kind(self, *kinds: str) -> np.ndarray:
        """Boolean mask of the rows whose kind is one of `kinds`."""
        return np.isin(self.kind, [self.kinds[k] for k in kinds])

    def key(self) -> np.ndarray:
        """One int64 per row identifying (run, venture)."""
        return self.run.astype(np.int64) * 2**32 + self.venture.astype(np.int64)


def _labels(dataset) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in dataset[:]]


def _initial_residents(scenario_text: str) -> int:
    """Firms that exist at the start (odd.md §5): the sum of `initial_residents` over every carrier
    that lists them (a disabled carrier's firms still exist, outside). They are ventures
    0 .. n-1 of each run and were founded before the start, so they are not entrants."""
    scenario = tomllib.loads(scenario_text)
    return sum(int(c.get("initial_residents", 0)) for c in scenario.get("carrier", []))


def read_events(path: str | Path) -> Events:
    """Reads /events and the labels of a results file written at record level `events` or above."""
    with h5py.File(path, "r") as f:
        if "events" not in f:
            raise ValueError(f"{path}: no /events (run with --record events)")
        columns = {name: f["events"][name][:] for name in f["events"]}
        texts = _labels(f["scenarios/texts"])
        initial_by_scenario = np.array([_initial_residents(t) for t in texts], dtype=np.int64)
        run_scenario = f["runs/scenario"][:]
        return Events(
            run=columns["run"].astype(np.int64), month=columns["month"].astype(np.int64),
            venture=columns["venture"].astype(np.int64), kind=columns["kind"].astype(np.int64),
            from_stage=columns["from_stage"].astype(np.int64), to_stage=columns["to_stage"].astype(np.int64),
            carrier=columns["carrier"].astype(np.int64), value=columns["value"].astype(np.float64),
            kinds={name: i for i, name in enumerate(_labels(f["labels/event_kinds"]))},
            stages={name: i for i, name in enumerate(_labels(f["labels/stages"]))},
            horizon=int(f["indicators/values"].shape[1]), runs=int(f["runs/run"].shape[0]),
            initial_residents=initial_by_scenario[run_scenario],
            scenarios=[tomllib.loads(t) for t in texts])


# ---------------------------------------------------------------------------------------------
# Survival: Kaplan-Meier from entry, failures by cause, censoring at the horizon
# ---------------------------------------------------------------------------------------------

@dataclass
class Lives:
    """One row per entrant: run, entry month, the last month of age it was observed in
    (age = months since entry; the exits phase of the entry month is age 0), and how it ended."""

    run: np.ndarray
    entry_month: np.ndarray
    last_age: np.ndarray
    failed: np.ndarray      # True: failure_cash or failure_hazard at last_age
    cause: np.ndarray       # event kind code of the exit, -1 when active at the horizon


def entrant_lives(events: Events, failure_kinds=FAILURE_KINDS) -> Lives:
    """Entrants (every `entry` event except initial residents, who were founded before the
    start) with their fate. Relocation and acquisition censor at their month (they survived the
    month's failure risk: competing risks from one uniform, odd.md §7.10); ventures active at
    the end are censored at the last month."""
    entry = events.of_kind("entry") & (events.venture >= events.initial_residents[events.run])
    keys = events.key()[entry]
    order = np.argsort(keys)
    keys, run, month = keys[order], events.run[entry][order], events.month[entry][order]
    last_age = events.horizon - 1 - month
    cause = np.full(len(keys), -1, dtype=np.int64)
    exits = events.of_kind(*EXIT_KINDS)
    exit_keys = events.key()[exits]
    position = np.searchsorted(keys, exit_keys)
    known = (position < len(keys)) & (keys[np.minimum(position, len(keys) - 1)] == exit_keys)
    position = position[known]
    last_age[position] = events.month[exits][known] - month[position]
    cause[position] = events.kind[exits][known]
    failed = np.isin(cause, [events.code(k) for k in failure_kinds])
    return Lives(run=run, entry_month=month, last_age=last_age, failed=failed, cause=cause)


def survival_counts(lives: Lives, runs: int, ages: int) -> tuple[np.ndarray, np.ndarray]:
    """Per run and month of age k = 0..ages-1: ventures at risk in age month k (observed at
    least that long) and failures in it. Shapes [runs, ages]."""
    last = np.minimum(lives.last_age, ages - 1)
    observed = np.zeros((runs, ages))
    np.add.at(observed, (lives.run, last), 1)
    at_risk = observed[:, ::-1].cumsum(axis=1)[:, ::-1]
    failures = np.zeros((runs, ages))
    np.add.at(failures, (lives.run[lives.failed], lives.last_age[lives.failed]), 1)
    return at_risk, failures


def kaplan_meier(at_risk: np.ndarray, failures: np.ndarray) -> np.ndarray:
    """Survival S[k] = share surviving k+1 months of age (product-limit estimator)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        conditional = np.where(at_risk > 0, 1.0 - failures / np.maximum(at_risk, 1), 1.0)
    return np.cumprod(conditional, axis=-1)


def survival_at(curve: np.ndarray, months: int) -> float:
    """Share surviving `months` months from entry."""
    return float(curve[..., months - 1])


def annual_exit_rates(curve: np.ndarray, years: int) -> np.ndarray:
    """Exit rate in year y = 1 - S(12 y) / S(12 (y - 1)): the share of those alive at the start
    of their y-th year that fail during it (y = 1 is the founding year)."""
    alive = np.concatenate([[1.0], [survival_at(curve, 12 * y) for y in range(1, years + 1)]])
    return 1.0 - alive[1:] / alive[:-1]


def survival_statistics(events: Events) -> dict[str, np.ndarray]:
    """Per-run sufficient statistics of the survival figures (summable across runs)."""
    lives = entrant_lives(events)
    at_risk, failures = survival_counts(lives, events.runs, events.horizon)
    first_ten_years = lives.last_age < 120

    def count(kind):
        return np.bincount(lives.run[first_ten_years & (lives.cause == events.code(kind))], minlength=events.runs)

    return {"at_risk": at_risk, "failures": failures, "cash_failures": count("failure_cash"),
            "hazard_failures": count("failure_hazard"), "closures": count("failure_closure"),
            "relocations": count("relocation")}


# ---------------------------------------------------------------------------------------------
# Incubator spells
# ---------------------------------------------------------------------------------------------

@dataclass
class Spells:
    """Complete spells in one carrier kind: run, admission month, months resident, how it ended."""

    run: np.ndarray
    admitted: np.ndarray
    tenure: np.ndarray
    ending: np.ndarray     # event kind code of the leaving event


def carrier_spells(events: Events, stage: str = "incubator") -> Spells:
    """Spells from an `admission` into a carrier of `stage` to the event that takes the venture
    out of that stage (graduation, eviction, failure, relocation, acquisition). Initial residents
    are left out (they were admitted before the start). Tenure counts the admission month and
    every month spent there: a venture that fails, relocates, is acquired or leaves at maximum
    tenure in month t was resident in months a..t (t - a + 1 months); one admitted to the next
    kind in month t left before that month's services (t - a months). Spells still running at
    the horizon are dropped (callers choose a window in which every spell is complete)."""
    code = events.stages[stage]
    key = events.key()
    initial = events.venture < events.initial_residents[events.run]
    admission = events.of_kind("admission") & (events.to_stage == code) & ~initial
    leaving = (events.from_stage == code) & (events.to_stage != code) & events.of_kind(
        "graduation", "eviction", *EXIT_KINDS)
    rows = np.flatnonzero(admission | leaving)
    # Events are in run order and, within a run, in the order they happened: sorting by venture
    # (stable) keeps each venture's events in time order.
    rows = rows[np.argsort(key[rows], kind="stable")]
    is_admission = admission[rows]
    follows = np.zeros(len(rows), dtype=bool)
    follows[:-1] = is_admission[:-1] & ~is_admission[1:] & (key[rows][:-1] == key[rows][1:])
    start, end = rows[:-1][follows[:-1]], rows[1:][follows[:-1]]
    to_next_kind = events.of_kind("graduation")[end] & (events.to_stage[end] != events.stages["outside"])
    tenure = events.month[end] - events.month[start] + np.where(to_next_kind, 0, 1)
    return Spells(run=events.run[start], admitted=events.month[start], tenure=tenure, ending=events.kind[end])


def max_tenure(events: Events, kind: str = "incubator") -> int:
    """The longest `max_tenure_months` of the enabled carriers of `kind` in the file's scenarios."""
    return max((int(c["max_tenure_months"]) for scenario in events.scenarios for c in scenario.get("carrier", [])
                if c.get("kind") == kind and c.get("enabled", True)), default=0)


def incubator_statistics(events: Events, first_month: int, follow_up: int | None = None) -> dict[str, np.ndarray]:
    """Per-run sums over incubator spells admitted in [first_month, horizon - follow_up): with
    `follow_up` at least the maximum tenure (the default) every such spell has ended by the
    horizon."""
    follow_up = max_tenure(events) if follow_up is None else follow_up
    spells = carrier_spells(events, "incubator")
    last = events.horizon - follow_up
    window = (spells.admitted >= first_month) & (spells.admitted < last)
    admitted_in_window = events.of_kind("admission") & (events.to_stage == events.stages["incubator"]) & (
        events.month >= first_month) & (events.month < last) & (events.venture >= events.initial_residents[events.run])
    runs = events.runs

    def per_run(mask, weights=None):
        return np.bincount(spells.run[mask], weights=None if weights is None else weights[mask], minlength=runs)

    return {
        "spells": per_run(window),
        "tenure_sum": per_run(window, spells.tenure.astype(float)),
        "tenure_max": np.array([spells.tenure[window & (spells.run == r)].max(initial=0) for r in range(runs)], float),
        "tenure_min": np.array([spells.tenure[window & (spells.run == r)].min(initial=10**6) for r in range(runs)], float),
        "graduations": per_run(window & (spells.ending == events.code("graduation"))),
        "evictions": per_run(window & (spells.ending == events.code("eviction"))),
        "failures": per_run(window & np.isin(spells.ending, [events.code(k) for k in FAILURE_KINDS])),
        "admissions": np.bincount(events.run[admitted_in_window], minlength=runs),
    }


# ---------------------------------------------------------------------------------------------
# Funding funnel
# ---------------------------------------------------------------------------------------------

def funding_statistics(events: Events, follow_up: int) -> dict[str, np.ndarray]:
    """Per run: ventures whose first `funding_round` (the seed round) came in months
    [0, horizon - follow_up), and how many of them raised a second and a fourth round by the
    horizon (any later `funding_round` of the same venture in the same run)."""
    rounds = events.of_kind("funding_round")
    keys, first_index, counts = np.unique(events.key()[rounds], return_index=True, return_counts=True)
    first_month = events.month[rounds][first_index]
    run = events.run[rounds][first_index]
    seeded = first_month < events.horizon - follow_up
    runs = events.runs
    return {
        "seeded": np.bincount(run[seeded], minlength=runs),
        "second": np.bincount(run[seeded & (counts >= 2)], minlength=runs),
        "fourth": np.bincount(run[seeded & (counts >= 4)], minlength=runs),
    }


# ---------------------------------------------------------------------------------------------
# Estimates over replications
# ---------------------------------------------------------------------------------------------

def pooled(statistics: dict[str, np.ndarray], runs: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """Sums the per-run statistics over `runs` (all runs by default); maxima and minima for the
    `*_max` / `*_min` entries."""
    out = {}
    for name, values in statistics.items():
        chosen = values if runs is None else values[runs]
        out[name] = chosen.max(axis=0) if name.endswith("_max") else chosen.min(axis=0) if name.endswith("_min") else chosen.sum(axis=0)
    return out


def estimate(statistics: dict[str, np.ndarray], values: Callable[[dict], dict[str, float]],
             resamples: int = 400, seed: int = 20240601) -> dict[str, tuple[float, float, float]]:
    """Each value computed on all runs pooled, with a 95% percentile bootstrap interval obtained by
    resampling runs with replacement."""
    point = values(pooled(statistics))
    runs = next(iter(statistics.values())).shape[0]
    rng = np.random.default_rng(seed)
    draws = {name: [] for name in point}
    for _ in range(resamples):
        sample = values(pooled(statistics, rng.integers(0, runs, runs)))
        for name in point:
            draws[name].append(sample[name])
    return {name: (point[name], float(np.nanpercentile(draws[name], 2.5)), float(np.nanpercentile(draws[name], 97.5)))
            for name in point}


# ---------------------------------------------------------------------------------------------
# The figures
# ---------------------------------------------------------------------------------------------

@dataclass
class Target:
    """One published number and the band the model must reach (None: reported, not tested)."""

    name: str
    label: str
    published: str
    band: tuple[float, float] | None = None
    goal: float | None = None      # the value tuning aims at (None: not tuned on)
    weight: float = 1.0
    percent: bool = True           # shown as a percentage
    reached: bool = True           # False: docs/calibration.md reports the band as not reached (the
                                   # test then expects the value outside it, so a fix shows up)

    def show(self, value: float) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        return f"{100 * value:.1f}%" if self.percent else f"{value:.1f}"

    def show_band(self) -> str:
        if self.band is None:
            return "reported only"
        low, high = self.band
        if low == high:
            return self.show(low)
        if self.percent and high >= 1.0:
            return f"≥ {self.show(low)}"
        return f"{self.show(low)} – {self.show(high)}"

    def within(self, value: float) -> bool:
        return self.band is None or self.band[0] <= value <= self.band[1]


@dataclass
class Parameter:
    """A scenario key searched by `tune`, between bounds (searched on a log scale if `log`)."""

    key: str
    low: float
    high: float
    log: bool = True
    integer: bool = False


@dataclass
class Variant:
    """Other parameter values, measured for docs/calibration.md to show what a figure would need
    (not used by the scenario)."""

    name: str
    description: str
    settings: dict[str, float]


@dataclass
class Figure:
    """One calibration figure: its scenario, how to measure it from a results file (`statistics`
    per run, summed over runs, then `values`), the published targets, the parameters `tune`
    searches, and the text docs/calibration.md shows."""

    key: str
    title: str
    scenario: str                       # file name in `directory`
    statistics: Callable[[Events], dict[str, np.ndarray]]
    values: Callable[[dict], dict[str, float]]
    targets: list[Target]
    parameters: list[Parameter]
    replications: int = 100
    seed: int = 7
    tune_replications: int = 20
    source: str = ""                    # the publication
    definition: str = ""                # how the figure is measured (markdown)
    status: Callable[[dict, dict], str] | None = None   # (values, variants' values) -> markdown: reached or not, and why
    variants: list["Variant"] = field(default_factory=list)
    directory: Path = SCENARIO_DIR
    settings: dict[str, float] = field(default_factory=dict)  # --set for every run of the figure
    parameters_file: str | None = None  # where `tune --write` stores the parameters (default: the scenario)

    @property
    def path(self) -> Path:
        return self.directory / self.scenario

    @property
    def shown_path(self) -> str:
        return str(self.path.relative_to(REPOSITORY))

    @property
    def write_path(self) -> Path:
        return self.directory / (self.parameters_file or self.scenario)

    def run_settings(self, settings: dict[str, float] | None) -> dict[str, float]:
        return {**self.settings, **(settings or {})}


def _bls_values(sums: dict) -> dict[str, float]:
    curve = kaplan_meier(sums["at_risk"], sums["failures"])
    values = {f"survival_{y}y": survival_at(curve, 12 * y) for y in (1, 2, 3, 4, 5, 10)}
    failures = max(sums["cash_failures"] + sums["closures"] + sums["hazard_failures"], 1)
    values["cash_failure_share"] = sums["cash_failures"] / failures
    values["closure_share"] = sums["closures"] / failures
    values["relocation_share"] = sums["relocations"] / max(failures + sums["relocations"], 1)
    return values


def _saic_values(sums: dict) -> dict[str, float]:
    curve = kaplan_meier(sums["at_risk"], sums["failures"])
    rates = annual_exit_rates(curve, 10)
    values = {f"exit_rate_y{y}": float(rates[y - 1]) for y in range(1, 8)}
    values["peak_year"] = float(np.argmax(rates) + 1)
    values["min_rate_y4_y7"] = float(rates[3:7].min())
    failures = max(sums["cash_failures"] + sums["closures"] + sums["hazard_failures"], 1)
    values["cash_failure_share"] = sums["cash_failures"] / failures
    values["closure_share"] = sums["closures"] / failures
    values["survival_5y"] = survival_at(curve, 60)
    return values


def _outside_survival_statistics(events: Events) -> dict[str, np.ndarray]:
    """survival_statistics of the entrants never admitted to a carrier."""
    admitted = np.unique(events.key()[events.of_kind("admission")])
    outside = ~np.isin(events.key(), admitted)
    kept = Events(**{**events.__dict__, **{name: getattr(events, name)[outside] for name in
                                         ("run", "month", "venture", "kind", "from_stage", "to_stage", "carrier", "value")}})
    return survival_statistics(kept)


def _yiyuan_values(sums: dict) -> dict[str, float]:
    values = _bls_values(sums)
    return {key: values[key] for key in ("survival_1y", "survival_2y", "survival_3y", "survival_4y", "survival_5y",
                                         "cash_failure_share", "closure_share")}


INCUBATOR_WARM_UP = 24      # months before the window of admissions (carriers fill up)


def _nbia_statistics(events: Events) -> dict[str, np.ndarray]:
    return incubator_statistics(events, INCUBATOR_WARM_UP)  # follow-up: the incubators' maximum tenure


def _nbia_values(sums: dict) -> dict[str, float]:
    spells = max(sums["spells"], 1)
    return {
        "mean_tenure": sums["tenure_sum"] / spells,
        "graduation_share": sums["graduations"] / spells,
        "eviction_share": sums["evictions"] / spells,
        "failure_share": sums["failures"] / spells,
        "tenure_min": float(sums["tenure_min"]),
        "tenure_max": float(sums["tenure_max"]),
        "spells": float(sums["spells"]),
        "open_spells": float(sums["admissions"] - sums["spells"]),
    }


FUNDING_FOLLOW_UP = 72      # months after the seed round (CB Insights: 2008-10 seeds followed to ~2016)


def _funding_statistics(events: Events) -> dict[str, np.ndarray]:
    return funding_statistics(events, FUNDING_FOLLOW_UP)


def _funding_values(sums: dict) -> dict[str, float]:
    seeded = max(sums["seeded"], 1)
    return {"second_round_share": sums["second"] / seeded, "fourth_round_share": sums["fourth"] / seeded,
            "seeded": float(sums["seeded"])}


def _pct(values: dict, name: str) -> str:
    return f"{100 * values[name][0]:.1f}%"


def _bls_status(v: dict, variants: dict) -> str:
    gaps = ", ".join(f"{y} year{'s' if y > 1 else ''} {100 * (v[f'survival_{y}y'][0] - s):+.1f} pp"
                     for y, s in BLS_SURVIVAL.items())
    return (f"**Reached.** Model minus BLS: {gaps}. Since issue 16 failures have three causes (odd.md "
            f"§7.10): cash ({_pct(v, 'cash_failure_share')} of the failures in the first 10 years), the "
            f"founders' decision to close ({_pct(v, 'closure_share')}) and the residual age hazard (the rest); "
            f"relocations are {_pct(v, 'relocation_share')} of the exits (censored). The closing rule "
            "(`dynamics.result_noise` 6, `closing_threshold` -1, `closing_min_months` 12) is an assumption, "
            "not tuned; α, β and the source's initial cash were re-tuned with it. With the registry's 200,000 "
            "RMB, cash failures alone (variant below, hazard switched off) already take more firms in year 2 "
            "than BLS's firms lose from every cause, so the initial cash is tuned too (about four years of a "
            "two-person firm's costs: it stands for the savings and early sales the model does not represent).")


def _saic_status(v: dict, variants: dict) -> str:
    rates = ", ".join(f"{100 * v[f'exit_rate_y{y}'][0]:.1f}" for y in range(1, 8))
    return (f"**Partly reached.** Annual exit rates in years 1-7: {rates}% (SAIC: 1.6, 6.3, 9.5, then above 8); "
            f"five-year survival {_pct(v, 'survival_5y')}. Every band is met except the **peak year**: the model's "
            f"exit rate peaks in year {v['peak_year'][0]:.0f}, not 3. The founders' decisions to close rise from "
            "month 12 and give an early hump; the residual log-logistic hazard, tuned with them, rises through "
            "years 4-10, so the total exit rate keeps rising slowly after year 3 (SAIC: a peak of 9.5% in year 3, "
            "then above 8%). A two-parameter hazard ties the height of its peak to its timing (the continuous "
            "hazard peaks at t* = α(β−1)^(1/β) with height (β−1)/t*). The bands were set before the fit: ±3 pp on "
            "the rates of years 1-3, at least 8% in each of years 4-7 (SAIC's words), five-year survival 70 ± 5 "
            "pp, and the peak in year 3. The test expects the peak-year band to fail, so a model that reaches it "
            "shows up.")


def _nbia_status(v: dict, variants: dict) -> str:
    long = variants.get("tenure-72") or {name: (math.nan,) * 3 for name in v}
    return (f"**Reached.** Mean tenure {v['mean_tenure'][0]:.1f} months, {_pct(v, 'graduation_share')} of ended "
            f"spells graduate, {_pct(v, 'eviction_share')} leave at maximum tenure without graduating, "
            f"{_pct(v, 'failure_share')} fail while resident (the rest relocate). The longest spell is "
            f"{v['tenure_max'][0]:.0f} months, the maximum tenure (MOST's 48 months), not NBIA's 72: with 72 "
            f"months (variant below) the mean tenure is {long['mean_tenure'][0]:.1f} months and "
            f"{_pct(long, 'graduation_share')} graduate, because residents have longer to meet the graduation "
            "rules. The accelerator is "
            "large enough never to hold graduates back; with a full accelerator, ready residents wait and "
            "graduate only at maximum tenure.")


def _funding_status(v: dict, variants: dict) -> str:
    reached = 0.35 <= v["second_round_share"][0] <= 0.55
    return (f"**{'Reached' if reached else 'Not reached'}.** {_pct(v, 'second_round_share')} of seed-funded ventures "
            f"raise a second round (CB Insights: 46%) and {_pct(v, 'fourth_round_share')} a fourth (14%). Since "
            "issue 16 the follow-on bar stays at -3 (investors follow on almost every growing firm that asks) and "
            "the tuned key is `finance.runway_months`, the months of costs left at which a firm seeks money: "
            "with growth opportunities that run out, many seeded firms stop growing (a follow-on needs revenue "
            "growth), and at the earlier 12 months' runway only about a third raised again. The fourth-round "
            "share stays far below CB Insights': follow-on tickets double and firms whose revenue passes their "
            "costs stop asking. Gompers et al.'s ~2% of screened companies funded is **not measured**: the model "
            "records funding rounds but not screenings, so that figure needs an output change before it can be "
            "checked.")


BLS_SURVIVAL = {1: 0.796, 2: 0.689, 3: 0.614, 4: 0.553, 5: 0.506, 10: 0.347}
#: Survival implied by SAIC 2013's annual exit rates: 1.6%, 6.3%, 9.5%, then 8% (the lower
#: bound of "above 8%" through year 7).
SAIC_EXIT_RATES = (0.016, 0.063, 0.095, 0.08)
SAIC_SURVIVAL = {y: float(np.prod([1 - r for r in SAIC_EXIT_RATES[:y]])) for y in range(1, 5)}

FIGURES: dict[str, Figure] = {
    "bls": Figure(
        key="bls", title="Firm survival without incubation (BLS)", scenario="bls-survival.toml",
        statistics=survival_statistics, values=_bls_values,
        targets=[Target(f"survival_{y}y", f"survival {y} year{'s' if y > 1 else ''}", f"{100 * s:.1f}%",
                        band=(s - 0.05, s + 0.05) if y in (1, 2, 5) else None, goal=s,
                        weight=1.0 if y in (1, 2, 5) else 0.5)
                 for y, s in BLS_SURVIVAL.items()] + [
            Target("cash_failure_share", "cash failures among failures in the first 10 years", "–"),
            Target("closure_share", "founders' closures among failures in the first 10 years", "–"),
            Target("relocation_share", "relocations (censored) among exits in the first 10 years", "–")],
        parameters=[Parameter("dynamics.hazard_scale_months", 5, 2000), Parameter("dynamics.hazard_shape", 0.2, 5),
                    Parameter("source.grassroots.initial_cash", 5e4, 5e6)],
        source="US Bureau of Labor Statistics, Business Employment Dynamics: survival of establishments born "
               "in March 2013 (docs/sources.md §E1). Band ±5 percentage points at 1, 2 and 5 years; 3, 4 and 10 "
               "years reported.",
        definition="A generic county with all support off (no carriers, policies, investors, guidance fund, "
                   "talent programme, platforms, integration or leading firms; banks still lend on revenue). "
                   "Ten registered firms enter a month for 15 years and stay outside every carrier; survival "
                   "is the Kaplan-Meier estimate from entry (Method).",
        status=_bls_status,
        variants=[Variant("registry-cash-no-hazard", "the registry's initial cash (200,000 RMB) and the hazard "
                          "switched off: cash failures alone",
                          {"source.grassroots.initial_cash": 200000, "dynamics.hazard_multiplier": 0})]),
    "saic": Figure(
        key="saic", title="Chinese enterprise survival, inverted U (SAIC 2013)", scenario="saic-survival.toml",
        statistics=survival_statistics, values=_saic_values,
        targets=[
            Target("exit_rate_y1", "exit rate, year 1 (founding year)", "1.6%", band=(0.0, 0.046), goal=0.016),
            Target("exit_rate_y2", "exit rate, year 2", "6.3%", band=(0.033, 0.093), goal=0.063),
            Target("exit_rate_y3", "exit rate, year 3 (SAIC peak)", "9.5%", band=(0.065, 0.125), goal=0.095),
            Target("exit_rate_y4", "exit rate, year 4", "> 8%", goal=0.09, weight=0.5),
            Target("exit_rate_y5", "exit rate, year 5", "> 8%", goal=0.09, weight=0.5),
            Target("exit_rate_y6", "exit rate, year 6", "> 8%", goal=0.09, weight=0.25),
            Target("exit_rate_y7", "exit rate, year 7", "> 8%", goal=0.09, weight=0.25),
            Target("min_rate_y4_y7", "lowest exit rate, years 4-7", "> 8%", band=(0.08, 1.0)),
            Target("peak_year", "year with the highest exit rate (years 1-10)", "3", band=(3, 3), percent=False,
                   reached=False),
            Target("survival_5y", "five-year survival", "about 70%", band=(0.65, 0.75), goal=0.70, weight=2.0),
            Target("cash_failure_share", "cash failures among failures in the first 10 years", "–"),
            Target("closure_share", "founders' closures among failures in the first 10 years", "–"),
        ],
        parameters=[Parameter("dynamics.hazard_scale_months", 5, 2000), Parameter("dynamics.hazard_shape", 0.2, 8)],
        source="SAIC (State Administration for Industry and Commerce) 2013 report on the survival of Chinese "
               "enterprises (docs/sources.md §E2): registry deregistrations, so real closures are understated.",
        definition="The county of `bls-survival.toml` (same venture economics and cash, all support off) with "
                   "only the hazard's α and β changed; these are the Chinese shape for the Yiyuan scenarios' "
                   "`[dynamics]`. Exit rates from the Kaplan-Meier survival (Method).",
        status=_saic_status,
        variants=[Variant("three-parameter-hazard", "a third hazard parameter, `dynamics.hazard_multiplier`, "
                          "which our rule of at most two hazard parameters excludes (found by the same search with the "
                          "multiplier added): closer, but still peaking in year 4 and below 8% from year 6",
                          {"dynamics.hazard_scale_months": 20, "dynamics.hazard_shape": 3.7,
                           "dynamics.hazard_multiplier": 0.058})]),
    "yiyuan": Figure(
        key="yiyuan", title="Yiyuan founders outside every carrier (SAIC 2013 survival)",
        scenario="no-programme.toml", directory=REPOSITORY / "scenarios" / "yiyuan", parameters_file="baseline-4n.toml",
        settings={"simulation.horizon_months": 120}, replications=50, tune_replications=20,
        statistics=_outside_survival_statistics, values=_yiyuan_values,
        targets=[Target(f"survival_{y}y", f"survival {y} year{'s' if y > 1 else ''}", f"{100 * s:.1f}%",
                        band=(s - 0.05, s + 0.05), goal=s)
                 for y, s in SAIC_SURVIVAL.items()] + [
            Target("survival_5y", "survival 5 years", "about 70%"),
            Target("cash_failure_share", "cash failures among failures in the first 10 years", "–"),
            Target("closure_share", "founders' closures among failures in the first 10 years", "–")],
        parameters=[Parameter("source.grassroots.initial_cash", 5e4, 2e6), Parameter("dynamics.hazard_scale_months", 5, 2000),
                    Parameter("dynamics.closing_threshold", -1.5, -0.5, log=False)],
        source="SAIC 2013 report on enterprise survival (docs/sources.md §E2): survival implied by the annual exit "
               "rates of years 1-4 (1.6%, 6.3%, 9.5%, and 8% for \"above 8%\"). Band ±5 percentage points.",
        definition="The Yiyuan no-programme counterfactual (no carriers or public support; the baseline's sources, "
                   "sectors, markets and hazard) run for 120 months instead of 54; survival of the entrants never "
                   "admitted to a carrier, Kaplan-Meier from entry (Method). Tuned: the grassroots founders' initial "
                   "cash (150,000 RMB before; founders then failed for want of cash in two failures of three and four-year "
                   "survival was 38%), the residual hazard's scale α (β stays the SAIC shape) and the founders' closing "
                   "threshold within its declared range; all three are written in `scenarios/yiyuan/baseline-4n.toml`, "
                   "so every Yiyuan scenario uses them."),
    "nbia": Figure(
        key="nbia", title="Incubator tenure and graduation (NBIA)", scenario="nbia-incubator.toml",
        statistics=_nbia_statistics, values=_nbia_values,
        targets=[
            Target("mean_tenure", "mean incubator tenure (months)", "about 33 (range 1-72)", band=(24, 42), goal=33,
                   percent=False, weight=1.0),
            Target("graduation_share", "graduation share of ended spells", "27-30%", band=(0.20, 0.40), goal=0.285),
            Target("tenure_min", "shortest spell (months)", "1", percent=False),
            Target("tenure_max", "longest spell (months)", "72", percent=False),
            Target("eviction_share", "evicted at maximum tenure", "–"),
            Target("failure_share", "failed while resident", "–"),
            Target("spells", "complete spells in the window (all runs)", "–", percent=False),
            Target("open_spells", "spells in the window still open at the horizon (must be 0)", "0",
                   band=(0, 0), percent=False),
        ],
        parameters=[Parameter("stage.incubator.min_months", 3, 36, integer=True),
                    Parameter("stage.incubator.min_revenue", 1e4, 5e5)],
        source="NBIA (National Business Incubation Association), 2006 State of the Business Incubation "
               "Industry: mean tenure about 33 months, range 1-72; 27-30% of clients graduate "
               "(docs/sources.md §E3). Band: mean tenure 24-42 months, graduation share 20-40%.",
        definition="The county of `bls-survival.toml` (BLS-calibrated hazard and cash, no policies or public "
                   "money) with two incubators of 30 seats (maximum tenure 48 months, MOST's rule) and an "
                   "accelerator of 200 seats that takes their graduates, all run by one private operator. "
                   "Graduation: at least `min_months` in the incubator and the stage's criteria met "
                   "(registered, revenue ≥ `min_revenue`), then admission to the accelerator, or leaving at "
                   "maximum tenure while ready (odd.md §7.9). Shares are of ended spells (Method).",
        status=_nbia_status,
        variants=[Variant("tenure-72", "NBIA's longest tenure (72 months) as the maximum",
                          {"carrier.incubator-a.max_tenure_months": 72,
                           "carrier.incubator-b.max_tenure_months": 72})]),
    "funding": Figure(
        key="funding", title="Venture funding funnel (CB Insights)", scenario="funding-funnel.toml",
        statistics=_funding_statistics, values=_funding_values,
        targets=[
            Target("second_round_share", "seed-funded ventures raising a second round", "46%", band=(0.35, 0.55),
                   goal=0.46),
            Target("fourth_round_share", "seed-funded ventures raising a fourth round", "14%"),
            Target("seeded", "seed-funded ventures counted (all runs)", "–", percent=False),
        ],
        parameters=[Parameter("finance.runway_months", 3, 48)],
        source="CB Insights, US tech companies seed-funded 2008-2010 (46% raised a second round, 14% a fourth); "
               "Gompers et al., J. Financial Economics 2020 (VCs invest in about 2% of the companies they "
               "screen) (docs/sources.md §E6). Band: second-round share 35-55%.",
        definition="The county of `bls-survival.toml` with private investors whose annual capital never binds "
                   "(seed ticket 100,000 RMB, first-round bar 0, follow-on bar -3, so follow-ons need revenue growth "
                   "above all; the months of runway left at which firms seek money are tuned). A venture's first `funding_round` is its seed; any later one a follow-on (Method).",
        status=_funding_status,
        variants=[Variant("small-tickets", "seed tickets and follow-on bar searched together",
                          {"finance.investor_ticket": 28450, "finance.follow_on_threshold": -0.71})]),
}

NOT_REACHED = """\
- **SAIC peak year** (figure 2): the model's exit rate keeps rising slowly after year 3 instead of
  peaking there (its year-3 rate is inside the ±3 pp band). Founders' closures give an early hump,
  but the two-parameter residual hazard fitted with them rises through the later years. Reaching it
  needs a residual hazard of another family or closures tuned to SAIC, which would tune an
  assumption to a registry figure that understates closures: a model decision, not a tuning one.
- **CB Insights funnel** (figure 4): the second-round share is reached by tuning when firms seek
  money (`finance.runway_months`); the fourth-round share stays far below 14%. Funded firms'
  costs do not grow with funding, so a seeded firm that becomes profitable never asks again. A
  model change (funded firms hiring ahead of revenue, or a follow-on rule that does not wait for a
  cash shortage) would be needed for a faithful funnel.
- **Gompers ~2% of screened companies funded**: not measured; screenings are not recorded.
- **NBIA's 72-month longest spell**: the incubators use MOST's 48-month maximum; with 72 the
  graduation share (about 44%) leaves its band and the mean tenure reaches the band's upper end
  (variant in figure 3).
- The fourth-round share (CB Insights 14%) is reported, not banded; the model gives about half.
"""


# ---------------------------------------------------------------------------------------------
# Running the model
# ---------------------------------------------------------------------------------------------

def default_binary() -> Path:
    return Path(os.environ.get("INCUBSIM_BINARY", REPOSITORY / "build" / "incubsim"))


def run_scenario(binary: Path, scenario: Path, replications: int, seed: int, output: Path,
                 settings: dict[str, float] | None = None, record: str = "events") -> Path:
    """Runs `incubsim run` at record level `record` (default `events`) and returns the results file."""
    command = [str(binary), "run", str(scenario), "-r", str(replications), "--seed", str(seed),
               "--record", record, "-o", str(output), "--force", "-q"]
    for key, value in (settings or {}).items():
        command += ["--set", f"{key}={value}"]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({completed.returncode}): {completed.stderr.strip()}")
    return output


def measure_figure(figure: Figure, binary: Path | None = None, replications: int | None = None,
                   seed: int | None = None, settings: dict[str, float] | None = None,
                   resamples: int = 400) -> dict[str, tuple[float, float, float]]:
    """Runs a figure's scenario and returns {value name: (estimate, 95% low, 95% high)}."""
    with tempfile.TemporaryDirectory(prefix="incubsim-calibration-") as directory:
        path = run_scenario(binary or default_binary(), figure.path, replications or figure.replications,
                            figure.seed if seed is None else seed, Path(directory) / f"{figure.key}.h5",
                            figure.run_settings(settings))
        statistics = figure.statistics(read_events(path))
    return estimate(statistics, figure.values, resamples=resamples)


def print_table(figure: Figure, measured: dict[str, tuple[float, float, float]], replications: int,
                stream=sys.stdout) -> None:
    print(f"\n{figure.title} — {figure.shown_path}, {replications} replications, "
          f"seed {figure.seed}", file=stream)
    print(f"  {'figure':<60} {'published':>22} {'band':>16} {'model':>8} {'95% interval':>18}  ok", file=stream)
    for target in figure.targets:
        value, low, high = measured[target.name]
        ok = "–" if target.band is None else ("yes" if target.within(value) else "NO")
        interval = f"{target.show(low)} – {target.show(high)}"
        print(f"  {target.label:<60} {target.published:>22} {target.show_band():>16} {target.show(value):>8} "
              f"{interval:>18}  {ok}", file=stream)


# ---------------------------------------------------------------------------------------------
# Tuning
# ---------------------------------------------------------------------------------------------

def _to_value(parameter: Parameter, x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    if parameter.log:
        value = math.exp(math.log(parameter.low) + x * (math.log(parameter.high) - math.log(parameter.low)))
    else:
        value = parameter.low + x * (parameter.high - parameter.low)
    return int(round(value)) if parameter.integer else float(f"{value:.4g}")


def _to_unit(parameter: Parameter, value: float) -> float:
    if parameter.log:
        return (math.log(value) - math.log(parameter.low)) / (math.log(parameter.high) - math.log(parameter.low))
    return (value - parameter.low) / (parameter.high - parameter.low)


def loss(figure: Figure, measured: dict[str, float]) -> float:
    """Weighted squared distance to the goals, each in units of its band's half-width (or 5
    percentage points / 10% of the goal when the figure has no band)."""
    total = 0.0
    for target in figure.targets:
        if target.goal is None:
            continue
        scale = (target.band[1] - target.band[0]) / 2 if target.band else (0.05 if target.percent else 0.1 * target.goal)
        total += target.weight * ((measured[target.name] - target.goal) / scale) ** 2
    return total


def tune(figure: Figure, binary: Path | None = None, parameters: list[Parameter] | None = None,
         replications: int | None = None, iterations: int = 60, start: dict[str, float] | None = None,
         verbose: bool = True) -> tuple[dict[str, float], float]:
    """Nelder-Mead search of the figure's parameters on common random numbers (the same seed for
    every candidate, so the loss is a deterministic function of the parameters). Starts from
    the scenario's current values (or `start`)."""
    from scipy.optimize import minimize

    parameters = parameters or figure.parameters
    current = start or scenario_values(figure.path, [p.key for p in parameters])
    x0 = np.array([_to_unit(p, current[p.key]) for p in parameters])
    cache: dict[tuple, float] = {}

    def objective(x):
        settings = {p.key: _to_value(p, xi) for p, xi in zip(parameters, x)}
        signature = tuple(settings.values())
        if signature not in cache:
            measured = _point(figure, binary, replications, settings)
            cache[signature] = loss(figure, measured)
            if verbose:
                shown = ", ".join(f"{k}={v:g}" for k, v in settings.items())
                print(f"  loss {cache[signature]:9.4f}  {shown}", flush=True)
        return cache[signature]

    result = minimize(objective, x0, method="Nelder-Mead",
                      options={"maxfev": iterations, "xatol": 1e-3, "fatol": 1e-4, "initial_simplex": _simplex(x0)})
    best = {p.key: _to_value(p, xi) for p, xi in zip(parameters, result.x)}
    return best, float(result.fun)


def _simplex(x0: np.ndarray, step: float = 0.08) -> np.ndarray:
    points = [x0]
    for i in range(len(x0)):
        point = x0.copy()
        point[i] = point[i] + step if point[i] + step <= 1 else point[i] - step
        points.append(point)
    return np.array(points)


def _point(figure: Figure, binary: Path | None, replications: int | None, settings: dict[str, float]) -> dict[str, float]:
    """The figure's values (no interval) for one parameter setting."""
    with tempfile.TemporaryDirectory(prefix="incubsim-tune-") as directory:
        path = run_scenario(binary or default_binary(), figure.path, replications or figure.tune_replications,
                            figure.seed, Path(directory) / "tune.h5", figure.run_settings(settings))
        return figure.values(pooled(figure.statistics(read_events(path))))


# ---------------------------------------------------------------------------------------------
# Reading and writing scenario values
# ---------------------------------------------------------------------------------------------

def _locate(key: str) -> tuple[str, str | None, str]:
    """Splits a registry key into (table, element id or None, name): `dynamics.hazard_shape`,
    `source.grassroots.initial_cash`, `stage.incubator.min_months`."""
    parts = key.split(".")
    if parts[0] in ("source", "carrier", "operator", "sector", "target"):
        return parts[0], parts[1], parts[2]
    return ".".join(parts[:-1]), None, parts[-1]


def scenario_values(path: Path, keys: list[str]) -> dict[str, float]:
    """Current values of `keys` as the binary resolves the scenario (`incubsim check`)."""
    completed = subprocess.run([str(default_binary()), "check", str(path)], capture_output=True, text=True, check=True)
    text = "\n".join(line for line in completed.stdout.splitlines() if not line.startswith("incubsim check"))
    resolved = tomllib.loads(text)
    values = {}
    for key in keys:
        table, element, name = _locate(key)
        if element is None:
            node = resolved
            for part in table.split("."):
                node = node[part]
            values[key] = float(node[name])
        else:
            values[key] = float(next(e for e in resolved[table] if e["id"] == element)[name])
    return values


def write_values(path: Path, values: dict[str, float]) -> None:
    """Replaces `name = value` lines of the scenario file in place (keeping any comment after the
    value). A key must already be written in the file: this never adds keys."""
    lines = path.read_text().splitlines(keepends=True)
    for key, value in values.items():
        table, element, name = _locate(key)
        header = f"[[{table}]]" if element else f"[{table}]"
        in_table = in_element = False
        done = False
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("["):
                in_table = stripped == header
                in_element = element is None
                continue
            if in_table and element and re.match(rf'id\s*=\s*"{re.escape(element)}"', stripped):
                in_element = True
            match = re.match(rf"(\s*{re.escape(name)}\s*=\s*)([^#\n]*?)(\s*(#.*)?\n?)$", line)
            if in_table and in_element and match:
                text = str(int(value)) if float(value).is_integer() and "." not in match.group(2) else repr(float(value))
                lines[i] = match.group(1) + text + match.group(3)
                done = True
                break
        if not done:
            raise KeyError(f"{path}: no line for {key} to replace; write it in the file first")
    path.write_text("".join(lines))


# ---------------------------------------------------------------------------------------------
# docs/calibration.md
# ---------------------------------------------------------------------------------------------

# ---------------------------------------------------------------------------------------------
# Firm dynamics (the published firm-dynamics checks; docs/sources.md §E13)
# ---------------------------------------------------------------------------------------------

#: The generic economy (bls-survival.toml, all support off) at 120 months, and the Yiyuan
#: baseline at its horizon: replications and seed of the trajectory runs.
FIRM_DYNAMICS_MONTH = 120
FIRM_DYNAMICS_REPLICATIONS = 20
YIYUAN_REPLICATIONS = 50
FIRM_DYNAMICS_SEED = 7
YIYUAN_BASELINE = REPOSITORY / "scenarios" / "yiyuan" / "baseline-4n.toml"


def measure_firm_dynamics(binary: Path | None = None) -> dict:
    """Firm-dynamics figures (analysis/firm_dynamics.py) of the generic economy at month 120
    (annual growth t = 24, 36, ..., 120) and of the Yiyuan baseline at its horizon, from runs at
    record level `trajectories`: {"generic": ..., "yiyuan": ...}."""
    from analysis import firm_dynamics  # noqa: PLC0415 - only the docs and the test need it

    binary = binary or default_binary()
    with tempfile.TemporaryDirectory(prefix="incubsim-firm-dynamics-") as directory:
        generic = run_scenario(binary, FIGURES["bls"].path, FIRM_DYNAMICS_REPLICATIONS, FIRM_DYNAMICS_SEED,
                               Path(directory) / "generic.h5", record="trajectories")
        yiyuan = run_scenario(binary, YIYUAN_BASELINE, YIYUAN_REPLICATIONS, FIRM_DYNAMICS_SEED,
                              Path(directory) / "yiyuan.h5", record="trajectories")
        months = list(range(24, FIRM_DYNAMICS_MONTH + 1, 12))
        result = {"generic": next(iter(firm_dynamics.analyse(generic, FIRM_DYNAMICS_MONTH, months)["scenarios"].values())),
                  "yiyuan": next(iter(firm_dynamics.analyse(yiyuan)["scenarios"].values()))}
    return result


def _f(value, digits: int = 2) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:,.{digits}f}"


def render_firm_dynamics(figures: dict) -> str:
    """The firm-dynamics sections of docs/calibration.md."""
    generic, yiyuan = figures["generic"], figures["yiyuan"]
    size, sales, employment, ex = (generic["size_distribution"], generic["sales_growth"],
                                   generic["employment_growth"], generic["exits"])
    parts = ["## Firm dynamics of the generic economy (120 months)", "",
             "**Source:** tent-shaped growth rates (Stanley et al. 1996; Bottazzi & Secchi 2006), up or out "
             "(Haltiwanger, Jarmin & Miranda 2013), headcount in whole persons (docs/sources.md §E13).", "",
             f"**Scenario:** `scenarios/calibration/bls-survival.toml` (all support off) — "
             f"{FIRM_DYNAMICS_REPLICATIONS} replications, seed {FIRM_DYNAMICS_SEED}, `--record trajectories`, "
             f"measured by `analysis/firm_dynamics.py` at month {FIRM_DYNAMICS_MONTH}. Nothing was tuned to these "
             "figures: the opportunity and hiring parameters are assumptions (docs/parameters.md), set once so "
             "that the three checks hold, and then left alone.", "",
             f"**Firm-size distribution** of the {size['active']:,} active ventures at month {size['month']} "
             f"(pooled over runs). Check: the most common size holds at most 45% — headcount "
             f"{size['modal_headcount']} holds {_f(100 * size['modal_share'], 1)}% "
             f"({'met' if size['modal_share_target_met'] else '**not met**'}).", "",
             _table(["headcount", "ventures", "share"],
                    [[c["class"], f"{c['count']:,}", f"{_f(100 * c['share'], 1)}%"] for c in size["classes"]]), "",
             "**Annual log sales growth of survivors** (revenue > 0 at months t − 12 and t, t = 24, 36, …, 120). "
             "Check: excess kurtosis ≥ 1 within size classes (headcount at t − 12; classes with fewer than "
             "100 pairs are reported, not judged).", "",
             _table(["class at t − 12", "pairs", "mean", "sd", "excess kurtosis", "≥ 1"],
                    [[prefix + c["class"], f"{c['count']:,}", _f(c["mean"], 3), _f(c["sd"], 3), _f(c["excess_kurtosis"]),
                      ("yes" if c["target_met"] else "**no**") if c["count"] >= 100 else "–"]
                     for prefix, rows in (("", [sales["all"]]), ("headcount ", sales["by_headcount"]),
                                          ("revenue tercile ", sales["by_revenue_tercile"]))
                     for c in rows]), "",
             "**Mean annual employment growth of survivors by age** (years since entry at t − 12). Check: "
             "ages 0–2 above 5+ — " + ("met." if employment["young_above_old"] else "**not met**."), "",
             _table(["age", "pairs", "mean log growth", "mean (h_t − h_{t−12}) / mean(h)"],
                    [[c["class"], f"{c['count']:,}", _f(c["mean_log_growth"], 4), _f(c["mean_symmetric_growth"], 4)]
                     for c in employment["classes"]]), "",
             f"**Exits** (means per run over the 180 months): "
             + "; ".join(f"{cause} {_f(f['per_run'], 1)} ({_f(100 * f['share'], 1)}% of failures)"
                         for cause, f in ex["failures"].items())
             + f". Listings {_f(ex['listings_per_run'], 2)} and acquisitions {_f(ex['acquisitions_per_run'], 2)} "
             "per run; there are no carriers here, hence no graduates, so per 1,000 graduates they are reported "
             "for the Yiyuan baseline below.", "",
             "## Young firms in the Yiyuan baseline (54 months)", "",
             f"`scenarios/yiyuan/baseline-4n.toml` — {YIYUAN_REPLICATIONS} replications, seed {FIRM_DYNAMICS_SEED}, "
             "`--record trajectories`; reported, not tuned. Before issue 16 the largest start-up of every run "
             "reached 150–340 M RMB revenue a month and 240–680 staff, accelerator residents averaged 42 people, "
             "park residents 83, and the top five firms held about 30% of the base's jobs.", ""]
    hz, yex, ysize = yiyuan["horizon"], yiyuan["exits"], yiyuan["size_distribution"]
    rows = [["largest firm's revenue at the horizon (median over runs)", f"{_f(hz['largest_firm_revenue'] / 1e6, 2)} M RMB/month"],
            ["largest firm's headcount at the horizon (median over runs)", _f(hz["largest_firm_headcount"], 0)],
            ["top-5 share of the base's jobs (median over runs)", f"{_f(100 * hz['top5_share_of_base_jobs'], 1)}%"],
            *[[f"jobs per active venture, {row['stage']}", _f(row["jobs_per_venture"])] for row in hz["jobs_per_venture_by_stage"]],
            *[[f"failures by cause: {cause} (per run)", f"{_f(f['per_run'], 1)} ({_f(100 * f['share'], 1)}%)"]
              for cause, f in yex["failures"].items()],
            ["listings per 1,000 graduates", _f(yex["listings_per_1000_graduates"], 1)],
            ["acquisitions per 1,000 graduates", _f(yex["acquisitions_per_1000_graduates"], 1)],
            ["most common size's share of active ventures at the horizon", f"{_f(100 * ysize['modal_share'], 1)}% (headcount {ysize['modal_headcount']})"]]
    parts += [_table(["figure", "model"], rows), "",
              "Reproduce:", "", "```sh",
              f"build/incubsim run scenarios/calibration/bls-survival.toml -r {FIRM_DYNAMICS_REPLICATIONS} --seed "
              f"{FIRM_DYNAMICS_SEED} --record trajectories -o generic.h5",
              f"/usr/bin/python3 -m analysis.firm_dynamics generic.h5 --month 120 --growth-months "
              + ",".join(str(m) for m in range(24, FIRM_DYNAMICS_MONTH + 1, 12)),
              f"build/incubsim run scenarios/yiyuan/baseline-4n.toml -r {YIYUAN_REPLICATIONS} --seed "
              f"{FIRM_DYNAMICS_SEED} --record trajectories -o yiyuan.h5",
              "/usr/bin/python3 -m analysis.firm_dynamics yiyuan.h5", "```", ""]
    return "\n".join(parts)


def measure_all(binary: Path | None = None, replications: int | None = None) -> dict[str, dict]:
    """Every figure, and every variant of each (key `figure/variant`)."""
    measured = {}
    for key, figure in FIGURES.items():
        measured[key] = measure_figure(figure, binary, replications)
        for variant in figure.variants:
            measured[f"{key}/{variant.name}"] = measure_figure(figure, binary, replications, settings=variant.settings)
    return measured


def _cell(target: Target, estimate: tuple[float, float, float]) -> list[str]:
    value, low, high = estimate
    if target.band is None:
        verdict = "–"
    elif target.within(value):
        verdict = "yes"
    else:
        verdict = "**no**"
    return [target.label, target.published, target.show_band(), target.show(value),
            f"{target.show(low)} – {target.show(high)}", verdict]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def render_figure(figure: Figure, measured: dict[str, dict], replications: int | None) -> str:
    """The section of docs/calibration.md for one figure."""
    own = measured[figure.key]
    reps = replications or figure.replications
    tuned = scenario_values(figure.path, [p.key for p in figure.parameters])
    parts = [f"## {figure.title}", "", f"**Source:** {figure.source}", "",
             f"**Scenario:** `{figure.shown_path}`"
             + "".join(f" with `--set {k}={v:g}`" for k, v in figure.settings.items())
             + f" — {reps} replications, seed {figure.seed}.",
             "", figure.definition, "",
             _table(["figure", "published", "band", "model", "95% interval", "in band"],
                    [_cell(t, own[t.name]) for t in figure.targets]), "",
             "**Tuned parameters** (searched by `tune`, written in the scenario): "
             + ", ".join(f"`{k}` = {v:g}" for k, v in tuned.items()) + ".", ""]
    if figure.status:
        variants = {v.name: measured[f"{figure.key}/{v.name}"] for v in figure.variants if f"{figure.key}/{v.name}" in measured}
        parts += [figure.status(own, variants), ""]
    for variant in figure.variants:
        values = measured.get(f"{figure.key}/{variant.name}")
        if values is None:
            continue
        settings = ", ".join(f"`{k}` = {v:g}" for k, v in variant.settings.items())
        parts += [f"*Variant, not used — {variant.description}* ({settings}, same runs):", "",
                  _table(["figure", "published", "band", "model", "95% interval", "in band"],
                         [_cell(t, values[t.name]) for t in figure.targets if t.band is not None or t.goal is not None]),
                  ""]
    parts += ["Reproduce:", "", "```sh",
              f"/usr/bin/python3 -m analysis.calibration measure {figure.key}",
              f"/usr/bin/python3 -m analysis.calibration tune {figure.key}            # add --write to store the result",
              "```", ""]
    return "\n".join(parts)


def render_docs(measured: dict[str, dict], replications: int | None = None, firm_dynamics: dict | None = None) -> str:
    """docs/calibration.md: the method, a summary, then one section per figure."""
    summary = []
    for key, figure in FIGURES.items():
        first = True
        for target in figure.targets:
            if target.band is None:
                continue
            cells = _cell(target, measured[key][target.name])
            summary.append([figure.title if first else "", *cells[:4], cells[5]])
            first = False
    bls = scenario_values(FIGURES["bls"].path, ["dynamics.hazard_scale_months", "dynamics.hazard_shape"])
    saic = scenario_values(FIGURES["saic"].path, ["dynamics.hazard_scale_months", "dynamics.hazard_shape"])
    yiyuan = scenario_values(FIGURES["yiyuan"].path, ["dynamics.hazard_scale_months"])
    return "\n".join([
        "# Calibration",
        "",
        "<!-- Generated by `/usr/bin/python3 -m analysis.calibration docs` from measured runs; do not edit by",
        "     hand: change analysis/calibration.py or the scenarios and regenerate. -->",
        "",
        "The model's parameters are tuned to the published figures of `docs/sources.md` (§E1-§E6) on",
        "long-horizon generic scenarios of their own (`scenarios/calibration/`, 180 months each): tenure",
        "and 10-year survival cannot be seen inside the plan's 54 months. `analysis/calibration.py`",
        "measures every figure from the runs' `/events` (`docs/output-format.md`), searches the",
        "parameters (`tune`) and writes this page (`docs`); `tests/calibration/test_calibration.py`",
        "(ctest `python_calibration`, label `slow`) runs the same scenarios with the same seeds and",
        "checks every band below.",
        "",
        "## Summary",
        "",
        _table(["figure", "measure", "published", "band", "model", "in band"], summary),
        "",
        f"The generic (registry) hazard defaults are the BLS fit: `dynamics.hazard_scale_months` = "
        f"{bls['dynamics.hazard_scale_months']:g}, `dynamics.hazard_shape` = {bls['dynamics.hazard_shape']:g} "
        "(`sim/model/parameters.hpp`). The Chinese shape is the SAIC fit: "
        f"α = {saic['dynamics.hazard_scale_months']:g}, β = {saic['dynamics.hazard_shape']:g}; the Yiyuan scenarios keep β "
        f"and refit α with the closing threshold and the grassroots founders' cash in their own setting (figure "
        f"\"yiyuan\": α = {yiyuan['dynamics.hazard_scale_months']:g}). Every calibration scenario sells into the "
        "markets of `bls-survival.toml` (a county the size of Yiyuan, docs/sources.md §E15) and every Yiyuan "
        "scenario into the six sectors' markets of `baseline-4n.toml`: the bands were checked again, and "
        "refitted where needed, after the markets of issue 17.",
        "",
        "## Method",
        "",
        "- **Runs.** Each figure's scenario is run with `incubsim run SCENARIO -r N --seed S --record events`;",
        "  N and S are given per figure. Tuning uses fewer replications and the same seed for every",
        "  candidate (common random numbers), so the loss is a deterministic function of the parameters",
        "  (Nelder-Mead, `scipy.optimize`; loss = weighted squared distance to the published values in",
        "  units of the band's half-width).",
        "- **Intervals** are 95% percentile bootstrap intervals over replications (runs resampled with",
        "  replacement, 400 times; the ventures of one run share carriers and budgets, runs are",
        "  independent). They measure the simulation's sampling error only, not the uncertainty of the",
        "  published figures.",
        "- **Survival** is a Kaplan-Meier estimate from entry. Entrants are registered firms founded at",
        "  entry, so age = months since entry = the age the hazard uses (odd.md §7.10); the exits phase",
        "  of the entry month is age 0, and surviving *y* years means no failure in ages 0 .. 12*y*−1.",
        "  Firms that exist at the start (`initial_residents`, founded before it; odd.md §5) are left",
        "  out; the calibration scenarios have none. **Failures** (`failure_cash`, `failure_hazard`) are",
        "  events. **Relocation** out of the county is not a closure (BLS counts establishments that",
        "  stop operating, and a relocated firm goes on operating elsewhere), so it censors the firm at",
        "  its month, as does acquisition (none occurs: no leading firms) and the end of the run.",
        "  Censoring by relocation is not quite independent of failure in the model: relocation rises",
        "  with revenue, and firms with more revenue are less exposed to cash failure (the hazard does",
        "  not depend on revenue). Kaplan-Meier gives relocated firms the failure risk of those that",
        "  stay, so it slightly understates the survival they would have had in the county.",
        "- **Annual exit rates** are 1 − S(12*y*)/S(12(*y*−1)): the share of firms alive at the start of",
        "  their *y*-th year that fail during it (SAIC's definition; it reproduces SAIC's own ≈70%",
        "  five-year survival from its rates).",
        "- **Incubator spells** run from an `admission` into an incubator to the first later event that",
        "  takes the venture out of the incubator stage (graduation, eviction, `failure_cash`,",
        "  `failure_hazard`, relocation, acquisition). Tenure counts the admission month and every",
        "  month resident: t − a + 1 months for a venture that leaves in month t by failure, relocation,",
        "  acquisition or maximum tenure (all after the month's services), t − a for one admitted to",
        "  the next kind in month t (it leaves in the admission phase). Only spells admitted from",
        f"  month {INCUBATOR_WARM_UP} (the incubators have filled) to month horizon − T count, T being the "
        "incubators'",
        "  maximum tenure, so every one of them has ended (the table checks it: open spells 0).",
        "- **Funding rounds:** a venture's first `funding_round` event is its seed round; a later",
        "  `funding_round` of the same venture in the same run is a follow-on (second, third, ...).",
        f"  Only ventures seeded before month horizon − {FUNDING_FOLLOW_UP} count, so each has "
        f"{FUNDING_FOLLOW_UP} months to raise",
        "  a second round.",
        "",
        *[render_figure(figure, measured, replications) for figure in FIGURES.values()],
        *([render_firm_dynamics(firm_dynamics)] if firm_dynamics is not None else []),
        "## Not reached, and why",
        "",
        NOT_REACHED,
        "",
        "## Reproduce everything",
        "",
        "```sh",
        "scripts/build.sh",
        "/usr/bin/python3 -m analysis.calibration measure          # every figure, table on the terminal",
        "/usr/bin/python3 -m analysis.calibration tune bls         # likewise saic, nbia, funding; --write stores the result",
        "/usr/bin/python3 -m analysis.calibration docs             # rewrites this page",
        "cd build && ctest -R python_calibration --output-on-failure",
        "```",
        "",
    ])


def write_docs(measured: dict[str, dict], replications: int | None = None, path: Path = DOC_PATH,
               firm_dynamics: dict | None = None) -> None:
    path.write_text(render_docs(measured, replications, firm_dynamics))


# ---------------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis.calibration", description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=None, help="incubsim executable (default: build/incubsim)")
    commands = parser.add_subparsers(dest="command", required=True)
    measure_parser = commands.add_parser("measure", help="run every calibration scenario and print the figures")
    measure_parser.add_argument("--replications", type=int, default=None)
    measure_parser.add_argument("figures", nargs="*", metavar="FIGURE", help=f"any of {', '.join(FIGURES)} (default: all)")
    tune_parser = commands.add_parser("tune", help="search a figure's scenario parameters")
    tune_parser.add_argument("figure", choices=list(FIGURES))
    tune_parser.add_argument("--replications", type=int, default=None)
    tune_parser.add_argument("--iterations", type=int, default=60)
    tune_parser.add_argument("--keys", nargs="*", default=None, help="tune only these keys")
    tune_parser.add_argument("--write", action="store_true", help="write the best values into the scenario file")
    docs_parser = commands.add_parser("docs", help="measure every figure and write docs/calibration.md")
    docs_parser.add_argument("--replications", type=int, default=None)
    for sub in (measure_parser, tune_parser, docs_parser):
        sub.add_argument("--binary", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    binary = args.binary
    if binary is not None:
        os.environ["INCUBSIM_BINARY"] = str(binary)  # also for `incubsim check` (scenario_values)

    if args.command == "measure":
        unknown = [key for key in args.figures if key not in FIGURES]
        if unknown:
            parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(FIGURES)}")
        failed = False
        for key in args.figures or list(FIGURES):
            figure = FIGURES[key]
            measured = measure_figure(figure, binary, args.replications)
            print_table(figure, measured, args.replications or figure.replications)
            failed |= any(t.band is not None and t.within(measured[t.name][0]) != t.reached for t in figure.targets)
        return 1 if failed else 0
    if args.command == "tune":
        figure = FIGURES[args.figure]
        parameters = [p for p in figure.parameters if args.keys is None or p.key in args.keys]
        best, value = tune(figure, binary, parameters, args.replications, args.iterations)
        print(f"best (loss {value:.4f}): " + ", ".join(f"{k} = {v:g}" for k, v in best.items()))
        if args.write:
            write_values(figure.write_path, best)
            print(f"written into {figure.write_path.relative_to(REPOSITORY)}")
        print_table(figure, measure_figure(figure, binary, settings=None if args.write else best),
                    figure.replications)
        return 0
    if args.command == "docs":
        measured = measure_all(binary, args.replications)
        write_docs(measured, args.replications, firm_dynamics=measure_firm_dynamics(binary))
        print(f"wrote {DOC_PATH.relative_to(REPOSITORY)}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
