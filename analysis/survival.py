"""Survival of entrants with stage as a time-varying state, and paired survival effects.

Why landmarks: grouping ventures by the highest stage they ever reached compares survivors with
everyone else — a venture must live long enough to reach the accelerator, so "accelerator
ventures survive longer" even when the accelerator does nothing (immortal-time bias). A
landmark analysis fixes a venture age L (12 or 24 months), keeps the entrants still alive and
observed at that age, groups them by the stage they are in *at* L, and follows them from L on.
The stage is read from the events: a venture's stage at a month is the `to_stage` of its last
event up to that month (docs/output-format.md, every venture event carries it).

Why pairing: replication r of every scenario of a `compare` file draws the same potential
entrants and the same monthly random numbers (common random numbers). The effect of a scenario
on survival is measured replication by replication against the no-programme counterfactual —
S_scenario,r(a) − S_counterfactual,r(a) at age a — and summarised by its mean and a Student-t
interval over replications. Nothing is compared across different random streams.

Failures (`failure_cash`, `failure_hazard`) are events; relocation out of the county,
acquisition and the horizon censor (analysis.calibration, same conventions as the BLS figure).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import calibration, stats

LANDMARKS = (12, 24)
EFFECT_AGES = (12, 24, 36)


@dataclass
class EntrantHistory:
    """Entrants of every run with their fate and their stage at any age."""

    events: calibration.Events
    lives: calibration.Lives
    venture: np.ndarray          # venture id of each life (same order as lives)
    _keys: np.ndarray            # (run, venture) composite keys of moving events, sorted
    _months: np.ndarray
    _stages: np.ndarray

    def stage_at(self, index: np.ndarray, month: np.ndarray) -> np.ndarray:
        """Stage code of lives[index] at the end of absolute month `month` (-1 unknown)."""
        key = self.lives.run[index] * 2**32 + self.venture[index]
        composite = key * 4096 + month
        position = np.searchsorted(self._composite, composite, side="right") - 1
        valid = position >= 0
        position = np.maximum(position, 0)
        valid &= self._keys[position] == key
        return np.where(valid, self._stages[position], -1)

    @property
    def _composite(self) -> np.ndarray:
        return self._keys * 4096 + self._months


def entrant_history(events: calibration.Events) -> EntrantHistory:
    lives = calibration.entrant_lives(events)
    # entrant_lives sorts by key; recover the venture ids in the same order.
    entry = events.of_kind("entry") & (events.venture >= events.initial_residents[events.run])
    keys = np.sort(events.key()[entry])
    venture = keys % 2**32
    # Every venture event carries the stage after it; carrier events (venture 0xFFFFFFFF) do not count.
    mask = (events.venture != 0xFFFFFFFF) & (events.to_stage >= 0)
    event_keys = events.key()[mask]
    months = events.month[mask]
    order = np.lexsort((np.arange(len(event_keys)), months, event_keys))  # stable: happening order
    return EntrantHistory(events=events, lives=lives, venture=venture,
                          _keys=event_keys[order], _months=months[order],
                          _stages=events.to_stage[mask][order])


def landmark_curves(history: EntrantHistory, landmark: int, runs: np.ndarray | None = None) -> pd.DataFrame:
    """Kaplan–Meier curves from age `landmark` by the stage held at that age.

    Entrants alive at age `landmark` (they lived through age months 0..landmark-1) whose entry
    month leaves at least one month of follow-up are grouped by their stage at the end of age
    month landmark-1, and followed for t = 1, 2, ... further months. `runs` restricts to some runs
    (e.g. one scenario's). Returns the rows of stats.kaplan_meier with columns stage and landmark;
    the time axis is months since the landmark."""
    lives = history.lives
    horizon = history.events.horizon
    keep = (lives.last_age >= landmark) & (lives.entry_month + landmark < horizon)
    if runs is not None:
        keep &= np.isin(lives.run, runs)
    index = np.nonzero(keep)[0]
    if len(index) == 0:
        return pd.DataFrame(columns=["time", "at_risk", "events", "censored", "survival", "lower",
                                     "upper", "stage", "landmark", "ventures"])
    stage = history.stage_at(index, lives.entry_month[index] + landmark - 1)
    durations = lives.last_age[index] - landmark + 1
    observed = lives.failed[index]
    names = list(history.events.stages)
    frames = []
    for code in np.unique(stage):
        if code < 0:
            continue
        chosen = stage == code
        table = stats.kaplan_meier(durations[chosen], observed[chosen])
        table["stage"] = names[code]
        table["landmark"] = landmark
        table["ventures"] = int(chosen.sum())
        frames.append(table)
    return pd.concat(frames, ignore_index=True)


def survival_by_run(history: EntrantHistory, ages: tuple[int, ...] = EFFECT_AGES) -> pd.DataFrame:
    """Each run's Kaplan–Meier survival of its entrants at each age in `ages` (months since entry);
    NaN where no entrant of the run could be followed that long."""
    events = history.events
    longest = max(ages)
    # Counted over every age the horizon allows (failures happen up to horizon - 1), then read at `ages`.
    at_risk, failures = calibration.survival_counts(history.lives, events.runs, max(longest, events.horizon))
    curve = calibration.kaplan_meier(at_risk, failures)
    frame = pd.DataFrame({"run": np.arange(events.runs)})
    for age in ages:
        values = curve[:, age - 1].copy()
        values[at_risk[:, age - 1] == 0] = np.nan
        frame[f"survival_{age}"] = values
    return frame


def paired_effects(history: EntrantHistory, run_table: pd.DataFrame, counterfactual: str,
                   ages: tuple[int, ...] = EFFECT_AGES) -> pd.DataFrame:
    """The survival effect of every scenario against `counterfactual`, paired by replication.

    Returns one row per scenario and age: scenario_name, age, survival (mean over replications),
    counterfactual (its mean), effect (mean paired difference), low, high (95% t interval), n."""
    per_run = survival_by_run(history, ages).merge(run_table[["run", "scenario_name", "replication"]], on="run")
    base = per_run[per_run["scenario_name"] == counterfactual].set_index("replication")
    rows = []
    for name in pd.unique(per_run["scenario_name"]):
        mine = per_run[per_run["scenario_name"] == name].set_index("replication")
        common = mine.index.intersection(base.index)
        for age in ages:
            a = mine.loc[common, f"survival_{age}"].to_numpy()
            b = base.loc[common, f"survival_{age}"].to_numpy()
            both = ~np.isnan(a) & ~np.isnan(b)
            difference = stats.paired_difference(a[both], b[both])
            rows.append({"scenario_name": name, "age": age, "survival": float(np.nanmean(a)) if len(a) else np.nan,
                         "counterfactual": float(np.nanmean(b)) if len(b) else np.nan,
                         "effect": difference["mean"], "low": difference["low"], "high": difference["high"],
                         "n": difference["n"]})
    return pd.DataFrame(rows)
