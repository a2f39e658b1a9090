"""Venture-level paired comparison of two scenarios on common random numbers (/ventures, issue 16).

    /usr/bin/python3 -m analysis.ventures compare FILE.h5 --reference NAME --treatment NAME [--kind K] [--json]
    /usr/bin/python3 -m analysis.ventures compare REFERENCE.h5 TREATMENT.h5 [--kind K] [--json]

What is paired. Replication r of every scenario of a `compare` (or two files run with the same
--seed) draws the same potential entrants from the same random streams, so a venture with the
same stable identity `/ventures/id` (stream kind << 32 | stream id) in replication r of both
scenarios is "the same" venture in two worlds. Runs are paired by `/runs/replication` (their
`/runs/seed` must agree), ventures by (replication, id). Ventures found on one side only — a
potential entrant that enters in one scenario but not the other, a programme talent that only
the treatment brings, or any venture of a replication the other side lacks — are unmatched:
they are counted and reported, never silently dropped, and they are not in the differences.

Outcomes of a venture at the horizon, from its /ventures row (status, headcount and revenue at
its exit or at the horizon):

- `survived`: 1 when its status is `active` or `listed` (a listing is a success, not a death);
- `jobs`: its headcount when it is `active`, or `listed` and still in the county; 0 otherwise.
  Failed and relocated ventures count 0; **acquired ventures count 0 as well**: the acquirer's
  jobs are not the county's venture jobs, and the file does not say where they went. A listed
  firm counts its headcount at listing (it is in indicator `jobs_listed`); when its listing
  event says it left the county (value < 0: -1 - board) it counts 0;
- `revenue`: its monthly revenue (RMB/month) under the same rule as jobs (at listing for listed
  firms).

Treated: ventures with `ever_in_base` = 1 in the treatment scenario (the second). The effect on
the treated is the mean, over the paired ventures treated in the treatment scenario, of
outcome(treatment) − outcome(reference); the same mean over all paired ventures and over the
paired ventures not treated is reported beside it. 95% intervals: percentile bootstrap over
replications (replications resampled with replacement, 1000 times, fixed seed), since the
ventures of one run share carriers, markets and budgets and are not independent.

**Spillovers.** The paired difference is not a clean causal effect of treatment alone. The
scenarios differ for every venture: treated ventures take carrier places, customers and funding
that others would have had, and untreated ventures change too (see the "not treated" row). The
difference for the treated therefore mixes the effect of being treated with spillovers through
shared markets and carrier capacity.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, field

import numpy as np

from analysis.tables import InputError, ResultsFile, json_safe, open_results, run_reporting_errors

OUTCOMES = ("jobs", "survived", "revenue")
#: Statuses at which a venture still counts for the county at the horizon.
COUNTING_STATUSES = ("active", "listed")
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 16
GROUPS = ("treated", "all", "not treated")

SPILLOVER_NOTE = ("The paired difference includes spillovers through shared markets and carrier capacity "
                  "(ventures that were not treated change too), so it is not a clean causal effect of "
                  "treatment alone.")
ACQUIRED_NOTE = ("jobs and revenue count a venture only when active or listed (and still in the county); "
                 "failed, relocated and acquired ventures count 0.")


@dataclass
class ScenarioVentures:
    """The ventures of one scenario (optionally one stream kind) with their horizon outcomes."""

    path: str
    scenario: str
    replications: np.ndarray          # the scenario's replications (one run each), sorted
    seeds: dict[int, int]             # replication -> /runs/seed
    replication: np.ndarray           # per venture
    id: np.ndarray                    # per venture, u64
    treated: np.ndarray               # per venture: ever_in_base == 1
    outcomes: dict[str, np.ndarray] = field(default_factory=dict)  # per venture, float64

    def __len__(self) -> int:
        return len(self.id)


def stream_kind_code(file: ResultsFile, kind: str) -> int:
    """The code of stream kind `kind` in /labels/stream_kinds; InputError names --kind and the known kinds."""
    names = file.labels("stream_kinds")
    if kind not in names or kind == "":
        known = ", ".join(n for n in names if n)
        raise InputError(f"--kind {kind}: unknown stream kind (known kinds: {known})")
    return names.index(kind)


def scenario_ventures(file: ResultsFile, scenario: str, kind: str | None = None) -> ScenarioVentures:
    """The ventures of scenario `scenario` of `file` (all runs), restricted to stream kind `kind`.

    Each replication must have one run (a sweep file, with several points per replication, is
    refused), and each (replication, id) one venture."""
    s = file.scenario_index(scenario)
    runs = file.runs
    mine = np.flatnonzero(runs["scenario"] == s)
    replications = runs["replication"][mine].astype(np.int64)
    if len(np.unique(replications)) != len(replications):
        raise InputError(f"{file.path}: scenario {scenario!r} has several runs with the same replication "
                         f"(a sweep file? compare files and run files have one run per replication)")
    code = stream_kind_code(file, kind) if kind is not None else None
    table = file.ventures()
    statuses = file.labels("statuses")
    for required in COUNTING_STATUSES:
        if required not in statuses:
            raise InputError(f"{file.path}: /labels/statuses has no {required!r}")

    run_ids = runs["run"][mine].astype(np.int64)
    keep = np.isin(table["run"].astype(np.int64), run_ids)
    if code is not None:
        keep &= table["stream_kind"].astype(np.int64) == code
    rows = {name: values[keep] for name, values in table.items()}
    replication_of_run = np.full(int(run_ids.max()) + 1 if len(run_ids) else 0, -1, dtype=np.int64)
    replication_of_run[run_ids] = replications
    replication = replication_of_run[rows["run"].astype(np.int64)]

    status = rows["status"].astype(np.int64)
    counting = np.isin(status, [statuses.index(n) for n in COUNTING_STATUSES])
    in_county = counting & ~_left_county_at_listing(file, rows, status == statuses.index("listed"))
    outcomes = {
        "jobs": np.where(in_county, rows["headcount"].astype(np.float64), 0.0),
        "survived": counting.astype(np.float64),
        "revenue": np.where(in_county, rows["revenue"].astype(np.float64), 0.0),
    }
    identity = rows["id"].astype(np.uint64)
    _check_unique(file, scenario, replication, identity)
    seeds = runs["seed"][mine].astype(np.int64).tolist() if "seed" in runs else [file.base_seed] * len(mine)
    return ScenarioVentures(path=str(file.path), scenario=scenario,
                            replications=np.sort(replications), seeds=dict(zip(replications.tolist(), seeds)),
                            replication=replication, id=identity,
                            treated=rows["ever_in_base"].astype(np.int64) == 1, outcomes=outcomes)


def _left_county_at_listing(file: ResultsFile, rows: dict, listed: np.ndarray) -> np.ndarray:
    """Listed ventures whose `listing` event says the firm left the county at listing (value < 0,
    i.e. -1 - board). Files whose listing events always hold the board index give none."""
    result = np.zeros(len(listed), dtype=bool)
    if not listed.any() or "events" not in file.handle:
        return result
    kinds = file.labels("event_kinds")
    if "listing" not in kinds:
        return result
    events = file.table("events", ("run", "venture", "kind", "value"))
    left = (events["kind"].astype(np.int64) == kinds.index("listing")) & (events["value"] < 0)
    left_keys = events["run"][left].astype(np.int64) * 2**32 + events["venture"][left].astype(np.int64)
    keys = rows["run"].astype(np.int64) * 2**32 + rows["venture"].astype(np.int64)
    return listed & np.isin(keys, left_keys)


def _check_unique(file: ResultsFile, scenario: str, replication: np.ndarray, identity: np.ndarray) -> None:
    order = np.lexsort((identity, replication))
    same = (np.diff(replication[order]) == 0) & (np.diff(identity[order]) == 0)
    if same.any():
        i = order[np.flatnonzero(same)[0]]
        raise InputError(f"{file.path}: scenario {scenario!r}, replication {replication[i]}: venture id "
                         f"{int(identity[i])} appears twice in /ventures (damaged file)")


@dataclass
class Pairing:
    """Which ventures of the reference (r) and treatment (t) are the same venture."""

    replications: np.ndarray      # replications both scenarios ran, sorted
    r_index: np.ndarray           # paired rows of the reference ...
    t_index: np.ndarray           # ... and of the treatment, in the same order
    r_unmatched: np.ndarray       # reference rows without a partner
    t_unmatched: np.ndarray       # treatment rows without a partner
    r_without_run: int            # of the unmatched: in a replication the other side did not run
    t_without_run: int


def pair(reference: ScenarioVentures, treatment: ScenarioVentures) -> Pairing:
    """Pairs runs by replication and ventures by (replication, id). Raises InputError when paired
    runs have different seeds (no common random numbers, so no pairing)."""
    shared = np.intersect1d(reference.replications, treatment.replications)
    for r in shared.tolist():
        if reference.seeds[r] != treatment.seeds[r]:
            raise InputError(f"replication {r} ran with seed {reference.seeds[r]} in {reference.scenario!r} "
                             f"and {treatment.seeds[r]} in {treatment.scenario!r}: no common random numbers, "
                             f"so ventures cannot be paired (run both with the same --seed)")
    ids, codes = np.unique(np.concatenate([reference.id, treatment.id]), return_inverse=True)
    width = max(len(ids), 1)
    r_key = reference.replication * width + codes[:len(reference)]
    t_key = treatment.replication * width + codes[len(reference):]
    _, r_index, t_index = np.intersect1d(r_key, t_key, assume_unique=True, return_indices=True)
    r_unmatched = np.setdiff1d(np.arange(len(reference)), r_index)
    t_unmatched = np.setdiff1d(np.arange(len(treatment)), t_index)
    return Pairing(
        replications=shared, r_index=r_index, t_index=t_index, r_unmatched=r_unmatched, t_unmatched=t_unmatched,
        r_without_run=int((~np.isin(reference.replication[r_unmatched], shared)).sum()),
        t_without_run=int((~np.isin(treatment.replication[t_unmatched], shared)).sum()))


def bootstrap_mean(values: np.ndarray, cluster: np.ndarray, clusters: np.ndarray,
                   resamples: int = BOOTSTRAP_RESAMPLES, seed: int = BOOTSTRAP_SEED) -> tuple[float, float, float]:
    """Mean of `values` with a 95% percentile bootstrap interval over clusters.

    `cluster` gives each value's cluster, `clusters` the sorted clusters to resample. The clusters (replications) in `clusters` are resampled with replacement; a resample's
    estimate is the mean of the values of the clusters drawn (each as often as drawn), i.e.
    sum of their sums / sum of their counts. Resamples that draw no value are left out. With
    fewer than 2 clusters the interval is NaN."""
    position = np.searchsorted(clusters, cluster)  # clusters is sorted and holds every value's cluster
    sums = np.bincount(position, weights=values, minlength=len(clusters)).astype(np.float64)
    counts = np.bincount(position, minlength=len(clusters)).astype(np.float64)
    total = counts.sum()
    mean = float(sums.sum() / total) if total > 0 else math.nan
    if len(clusters) < 2 or total == 0:
        return mean, math.nan, math.nan
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, len(clusters), size=(resamples, len(clusters)))
    drawn_counts = counts[draws].sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimates = sums[draws].sum(axis=1) / drawn_counts
    estimates = estimates[drawn_counts > 0]
    low, high = np.percentile(estimates, [2.5, 97.5])
    return mean, float(low), float(high)


def compare(reference: ScenarioVentures, treatment: ScenarioVentures, resamples: int = BOOTSTRAP_RESAMPLES,
            seed: int = BOOTSTRAP_SEED) -> dict:
    """The paired comparison as a dict (what --json prints): counts, and per group (treated, all,
    not treated) and outcome the mean of each side, the mean paired difference and its interval."""
    pairing = pair(reference, treatment)
    replication = reference.replication[pairing.r_index]
    treated = treatment.treated[pairing.t_index]
    groups = {"treated": treated, "all": np.ones_like(treated), "not treated": ~treated}
    effects = {}
    for group, mask in groups.items():
        effects[group] = {"ventures": int(mask.sum())}
        for outcome in OUTCOMES:
            r_values = reference.outcomes[outcome][pairing.r_index][mask]
            t_values = treatment.outcomes[outcome][pairing.t_index][mask]
            difference, low, high = bootstrap_mean(t_values - r_values, replication[mask], pairing.replications,
                                                   resamples, seed)
            effects[group][outcome] = {
                "reference": float(r_values.mean()) if len(r_values) else math.nan,
                "treatment": float(t_values.mean()) if len(t_values) else math.nan,
                "difference": difference, "low": low, "high": high}
    return {
        "reference": {"file": reference.path, "scenario": reference.scenario},
        "treatment": {"file": treatment.path, "scenario": treatment.scenario},
        "replications": {"reference": len(reference.replications), "treatment": len(treatment.replications),
                         "paired": len(pairing.replications)},
        "ventures": {
            "reference": len(reference), "treatment": len(treatment), "paired": len(pairing.r_index),
            "unmatched_reference": len(pairing.r_unmatched), "unmatched_treatment": len(pairing.t_unmatched),
            "unmatched_reference_without_run": pairing.r_without_run,
            "unmatched_treatment_without_run": pairing.t_without_run,
            "treated_treatment": int(treatment.treated.sum()), "treated_paired": int(treated.sum()),
            "treated_unmatched_treatment": int(treatment.treated[pairing.t_unmatched].sum()),
        },
        "effects": effects,
        "bootstrap": {"resamples": resamples, "seed": seed, "confidence": 0.95, "over": "replications"},
        "notes": [SPILLOVER_NOTE, ACQUIRED_NOTE],
    }


def load_sides(files: list[str], reference: str | None, treatment: str | None,
               kind: str | None) -> tuple[ScenarioVentures, ScenarioVentures]:
    """The two sides of the comparison from one file (both scenario names required) or two
    (A: reference, B: treatment; a name is needed only for a file with several scenarios)."""
    if len(files) == 1:
        if reference is None or treatment is None:
            raise InputError("with one file, give --reference NAME and --treatment NAME")
        with open_results(files[0]) as file:
            return (scenario_ventures(file, reference, kind), scenario_ventures(file, treatment, kind))
    with open_results(files[0]) as a, open_results(files[1]) as b:
        if a.month_labels != b.month_labels:
            span = [f"{f.month_labels[0]}..{f.month_labels[-1]}" if f.months else "none" for f in (a, b)]
            raise InputError(f"{a.path} and {b.path} simulate different months ({span[0]} vs {span[1]})")
        return (scenario_ventures(a, _only_scenario(a, reference, "--reference"), kind),
                scenario_ventures(b, _only_scenario(b, treatment, "--treatment"), kind))


def _only_scenario(file: ResultsFile, name: str | None, flag: str) -> str:
    if name is not None:
        return name
    if len(file.scenario_names) != 1:
        raise InputError(f"{file.path} holds {len(file.scenario_names)} scenarios "
                         f"({', '.join(file.scenario_names)}); choose one with {flag} NAME")
    return file.scenario_names[0]


def _number(value: float, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}"


def format_report(result: dict, kind: str | None = None) -> str:
    """The comparison as a readable text table."""
    v = result["ventures"]
    n = result["replications"]
    ref, trt = result["reference"], result["treatment"]
    lines = [
        f"Venture-level paired comparison: treatment {trt['scenario']!r} vs reference {ref['scenario']!r}"
        + (f", stream kind {kind}" if kind else ""),
        f"  reference: {ref['file']}   treatment: {trt['file']}",
        f"  replications: reference {n['reference']}, treatment {n['treatment']}, paired {n['paired']}",
        f"  ventures: reference {v['reference']}, treatment {v['treatment']}, paired {v['paired']}",
        f"  unmatched: reference {v['unmatched_reference']} ({v['unmatched_reference_without_run']} in replications "
        f"the treatment lacks), treatment {v['unmatched_treatment']} ({v['unmatched_treatment_without_run']} in "
        f"replications the reference lacks); not in the differences",
        f"  treated (ever in the base in the treatment): {v['treated_treatment']}, of which paired "
        f"{v['treated_paired']}, unmatched {v['treated_unmatched_treatment']}",
        "",
        f"  {'group':<12} {'outcome':<9} {'ventures':>9} {'reference':>14} {'treatment':>14} "
        f"{'difference':>14}  95% interval (bootstrap over replications)",
    ]
    for group in GROUPS:
        effect = result["effects"][group]
        for outcome in OUTCOMES:
            e = effect[outcome]
            digits = 0 if outcome == "revenue" else 3
            lines.append(f"  {group:<12} {outcome:<9} {effect['ventures']:>9} {_number(e['reference'], digits):>14} "
                         f"{_number(e['treatment'], digits):>14} {_number(e['difference'], digits):>14}  "
                         f"[{_number(e['low'], digits)}, {_number(e['high'], digits)}]")
    lines += ["", "  Effect on the treated = mean over treated paired ventures of "
                  "outcome(treatment) − outcome(reference).",
              f"  Note: {SPILLOVER_NOTE}",
              f"  Outcomes at the horizon: survived = active or listed; {ACQUIRED_NOTE}"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis.ventures",
                                     description="Venture-level paired comparison of two scenarios (/ventures).")
    commands = parser.add_subparsers(dest="command", required=True)
    compare_parser = commands.add_parser("compare", help="paired effect of the treatment scenario on its ventures")
    compare_parser.add_argument("files", nargs="+", metavar="FILE.h5",
                                help="one compare file holding both scenarios, or REFERENCE.h5 TREATMENT.h5")
    compare_parser.add_argument("--reference", help="reference scenario name (required with one file)")
    compare_parser.add_argument("--treatment", help="treatment scenario name (required with one file)")
    compare_parser.add_argument("--kind", help="only ventures of this stream kind (/labels/stream_kinds), "
                                               "e.g. potential_entrant, initial_venture, programme_talent")
    compare_parser.add_argument("--json", action="store_true", help="print the result as JSON")
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit:
        return 2 if exit.code not in (0, None) else 0
    if len(arguments.files) > 2:
        print("analysis.ventures: compare takes one or two files", file=sys.stderr)
        return 2
    code, result = run_reporting_errors("analysis.ventures", lambda: compare(
        *load_sides(arguments.files, arguments.reference, arguments.treatment, arguments.kind)))
    if code != 0:
        return code
    result["kind"] = arguments.kind
    if arguments.json:
        print(json.dumps(json_safe(result), indent=2))
    else:
        print(format_report(result, arguments.kind))
    return 0


if __name__ == "__main__":
    sys.exit(main())
