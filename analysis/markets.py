"""How full each sector's county market is over a run (issue 17), from the `market_fill` events.

    /usr/bin/python3 -m analysis.markets FILE.h5 [--scenario NAME] [--every 12] [--json]

The file must be recorded at `--record events` or above (format version 5). In a scenario whose
sectors have markets (`county_demand` > 0 in every [[sector]], docs/odd.md §7.5a), the markets
phase emits one `market_fill` event per sector and month: its `venture` column holds the
sector's index (the order of the [[sector]] blocks in the scenario) and its `value` the sector's
county fill that month,

    (incumbents' revenue + ventures' county sales of the previous month) / county demand

(float32), the fill that the month's growth of the sector's sellers reads. Sector ids are read
from the scenario's resolved TOML text in /scenarios/texts. Above 1 the county market is
over-full; at month 0 no venture has sold yet, so the fill is the incumbents' share of the
county demand (`incumbent_revenue / county_demand`).

For each scenario of the file (or the one named by --scenario) and each sector, the figures at
months 0, E, 2E, ... (E = --every, default 12) and at the last month: the median over the
scenario's runs and the 10th and 90th percentiles (numpy's linear interpolation between order
statistics; with fewer than about ten runs the percentiles are close to the smallest and largest
run). A sweep's runs of all design points belong to one scenario and are pooled.

Refused (exit 2, one line on stderr): a file without /events (record level `indicators`), a file
with no `market_fill` event for the scenarios asked (their sectors have no markets), an unknown
--scenario, --every below 1, and a damaged file.
"""

from __future__ import annotations

import argparse
import math
import sys
import tomllib

import numpy as np

from analysis.tables import InputError, ResultsFile, open_results, run_command_line

EVENT_KIND = "market_fill"
DEFAULT_EVERY = 12
PERCENTILES = (10, 90)


def sample_months(months: int, every: int) -> list[int]:
    """Months 0, every, 2 every, ... below `months`, and the last month."""
    if every < 1:
        raise InputError(f"--every {every}: must be at least 1 (months between the rows)")
    chosen = list(range(0, months, every))
    if months > 0 and chosen[-1] != months - 1:
        chosen.append(months - 1)
    return chosen


def scenario_sectors(file: ResultsFile, scenario: int) -> list[dict]:
    """The [[sector]] blocks of scenario `scenario`'s resolved TOML text, in file order (the order
    that sets the sector indices): id, county_demand, incumbent_revenue."""
    texts = file.handle["scenarios/texts"] if "scenarios/texts" in file.handle else None
    if texts is None or texts.shape[0] <= scenario:
        raise InputError(f"{file.path}: no resolved scenario text for scenario "
                         f"{file.scenario_names[scenario]!r} (/scenarios/texts)")
    raw = texts[scenario]
    source = raw.decode() if isinstance(raw, bytes) else str(raw)
    try:
        parsed = tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{file.path}: the resolved text of scenario {file.scenario_names[scenario]!r} "
                         f"is not valid TOML ({error})") from None
    sectors = parsed.get("sector", [])
    if not isinstance(sectors, list) or not sectors:
        raise InputError(f"{file.path}: the resolved text of scenario {file.scenario_names[scenario]!r} "
                         f"has no [[sector]]")
    return [{"index": i, "id": str(s.get("id", f"sector-{i}")),
             "county_demand": float(s.get("county_demand", 0.0)),
             "incumbent_revenue": float(s.get("incumbent_revenue", 0.0))} for i, s in enumerate(sectors)]


def fill_table(values_by_run: dict[int, dict[int, float]], months: list[int], runs: np.ndarray,
               labels: list[str]) -> list[dict]:
    """One row per month of `months`: runs with an event that month, median and percentiles."""
    rows = []
    for month in months:
        values = np.array([values_by_run[r][month] for r in runs.tolist()
                           if r in values_by_run and month in values_by_run[r]], dtype=np.float64)
        row = {"month": month, "month_label": labels[month], "runs": int(len(values))}
        if len(values):
            low, high = np.percentile(values, PERCENTILES)
            row.update(median=float(np.median(values)), p10=float(low), p90=float(high))
        else:
            row.update(median=math.nan, p10=math.nan, p90=math.nan)
        rows.append(row)
    return rows


def analyse(path, scenario: str | None = None, every: int = DEFAULT_EVERY) -> dict:
    """The county fill of every sector of every scenario of the file (or the one named):
    {"file", "every", "months", "scenarios": {name: {"runs", "sectors": [...]}}, "without_markets"}."""
    with open_results(path) as file:
        only = file.scenario_index(scenario) if scenario is not None else None
        months = sample_months(file.months, every)
        if "events" not in file.handle:
            raise InputError(f"{file.path}: no /events table (record level is {file.record_level}; "
                             f"rerun with --record events)")
        kinds = file.labels("event_kinds")
        if EVENT_KIND not in kinds:
            raise InputError(f"{file.path}: /labels/event_kinds has no {EVENT_KIND!r} "
                             f"(not written by an incubsim with sector markets)")
        events = file.table("events", ("run", "month", "venture", "kind", "value"))
        mine = events["kind"].astype(np.int64) == kinds.index(EVENT_KIND)
        run_of = events["run"][mine].astype(np.int64)
        month_of = events["month"][mine].astype(np.int64)
        sector_of = events["venture"][mine].astype(np.int64)
        fill_of = events["value"][mine].astype(np.float64)

        result = {"file": str(path), "every": every, "months": months, "scenarios": {}, "without_markets": []}
        for s, name in enumerate(file.scenario_names):
            if only is not None and s != only:
                continue
            runs = np.sort(file.runs["run"][file.runs["scenario"] == s].astype(np.int64))
            in_scenario = np.isin(run_of, runs)
            if not in_scenario.any():
                result["without_markets"].append(name)
                continue
            sectors = scenario_sectors(file, s)
            bad = sector_of[in_scenario][sector_of[in_scenario] >= len(sectors)]
            if len(bad):
                raise InputError(f"{file.path}: a {EVENT_KIND} event of scenario {name!r} names sector {int(bad[0])}, "
                                 f"but the scenario has {len(sectors)} sectors (damaged file)")
            for sector in sectors:
                here = in_scenario & (sector_of == sector["index"])
                values_by_run: dict[int, dict[int, float]] = {}
                for r, m, v in zip(run_of[here].tolist(), month_of[here].tolist(), fill_of[here].tolist()):
                    values_by_run.setdefault(r, {})[m] = v
                sector["rows"] = fill_table(values_by_run, months, runs, file.month_labels)
            result["scenarios"][name] = {"runs": int(len(runs)), "sectors": sectors}

        if not result["scenarios"]:
            names = [scenario] if scenario is not None else file.scenario_names
            which = f"scenario {names[0]!r} has no" if len(names) == 1 else \
                f"none of the scenarios {', '.join(repr(n) for n in names)} has"
            raise InputError(f"{file.path}: no {EVENT_KIND} events: {which} sector markets "
                             f"(county_demand is 0 in every [[sector]])")
    return result


def _n(value, digits: int = 4) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def format_report(result: dict) -> str:
    lines = [f"County market fill ({EVENT_KIND} events): {result['file']}",
             "  fill = (incumbents' revenue + ventures' county sales last month) / county demand; "
             "median over runs [10th, 90th percentile]"]
    if result["without_markets"]:
        lines.append(f"  scenarios without markets (no {EVENT_KIND} events): {', '.join(result['without_markets'])}")
    for name, s in result["scenarios"].items():
        lines += ["", f"== scenario {name} ({s['runs']} runs)"]
        for sector in s["sectors"]:
            lines += ["", f"  sector {sector['index']} {sector['id']} (county demand {sector['county_demand']:,.0f} "
                          f"RMB/month at the start)",
                      f"    {'month':>5}  {'label':<8} {'runs':>5} {'median':>8}  10th-90th percentile"]
            for row in sector["rows"]:
                lines.append(f"    {row['month']:>5}  {row['month_label']:<8} {row['runs']:>5} {_n(row['median']):>8}  "
                             f"[{_n(row['p10'])}, {_n(row['p90'])}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m analysis.markets",
                                     description="County market fill per sector over the run, from the "
                                                 "market_fill events of a file recorded at --record events.")
    parser.add_argument("results", metavar="FILE.h5")
    parser.add_argument("--scenario", help="only this scenario (default: every scenario of the file)")
    parser.add_argument("--every", type=int, default=DEFAULT_EVERY,
                        help=f"months between the rows (default {DEFAULT_EVERY}); the last month is always shown")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    return run_command_line("analysis.markets", parser, argv,
                            lambda arguments: analyse(arguments.results, arguments.scenario, arguments.every),
                            format_report)


if __name__ == "__main__":
    sys.exit(main())
