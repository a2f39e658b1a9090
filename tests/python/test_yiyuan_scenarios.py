"""Regression test of every Yiyuan scenario's key indicators and target attainment.

Each scenario in scenarios/yiyuan/ runs with a fixed seed and REPLICATIONS replications; the
means of its key outcomes at the horizon and the share of replications meeting each target
(from the results file's /summary, docs/output-format.md) must match the recorded values in
tests/python/yiyuan_expected.tsv within four standard errors (plus a small floor).

After an intended change of the model or the scenarios, record new values with
    /usr/bin/python3 tests/python/test_yiyuan_scenarios.py --update build/incubsim
and say why in the commit.
"""

import csv
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import pytest

REPLICATIONS = 100
SEED = 20211129
SOURCE = Path(__file__).resolve().parents[2]
EXPECTED = Path(__file__).with_name("yiyuan_expected.tsv")
SCENARIOS = sorted((SOURCE / "scenarios" / "yiyuan").glob("*.toml"))


def _text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def measure(binary, scenario, directory):
    """Runs one scenario; returns {(kind, name): (value, standard error)}."""
    output = Path(directory) / (scenario.stem + ".h5")
    completed = subprocess.run(
        [str(binary), "run", str(scenario), "-r", str(REPLICATIONS), "--seed", str(SEED),
         "--record", "indicators", "-q", "--force", "-o", str(output)],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    figures = {}
    with h5py.File(output, "r") as f:
        outcomes = f["summary/outcomes"]
        for name, mean, low, high in zip(_text(outcomes["indicator"][()]), outcomes["mean"][()],
                                         outcomes["mean_low"][()], outcomes["mean_high"][()]):
            figures[("outcome", name)] = (float(mean), float(high - low) / (2 * 1.959963984540054))
        spending = float(outcomes["public_spending"][0]) if len(outcomes["public_spending"]) else 0.0
        figures[("outcome", "public_spending_cumulative")] = (spending, 0.0)
        targets = f["summary/targets"]
        for target, share, trials in zip(_text(f["targets/id"][()]), targets["share"][()], targets["trials"][()]):
            se = math.sqrt(max(share * (1 - share), 0.0) / max(int(trials), 1))
            figures[("target", target)] = (float(share), se)
    return figures


def read_expected():
    rows = {}
    with open(EXPECTED, newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            rows[(row["scenario"], row["kind"], row["name"])] = (float(row["value"]), float(row["standard_error"]))
    return rows


def tolerance(kind, value, standard_error):
    """Four standard errors plus a floor: 0.03 for a share, 1% (at least 0.05) for a mean."""
    floor = 0.03 if kind == "target" else max(0.01 * abs(value), 0.05)
    return 4.0 * standard_error + floor


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    binary = os.environ.get("INCUBSIM_BINARY")
    if not binary:
        pytest.fail("INCUBSIM_BINARY must be set (ctest sets it)")
    directory = tmp_path_factory.mktemp("yiyuan")
    return {scenario.stem: measure(binary, scenario, directory) for scenario in SCENARIOS}


def test_every_yiyuan_scenario_has_recorded_values(measured):
    recorded = {scenario for scenario, _, _ in read_expected()}
    assert recorded == set(measured), "run the --update command in this file's docstring"


@pytest.mark.parametrize("scenario", [s.stem for s in SCENARIOS])
def test_key_indicators_and_targets_match_the_record(measured, scenario):
    expected = read_expected()
    problems = []
    for (kind, name), (value, _) in measured[scenario].items():
        key = (scenario, kind, name)
        if key not in expected:
            problems.append(f"{kind} {name}: not recorded")
            continue
        want, standard_error = expected[key]
        if abs(value - want) > tolerance(kind, want, standard_error):
            problems.append(f"{kind} {name}: {value:.4g}, recorded {want:.4g} (tolerance {tolerance(kind, want, standard_error):.3g})")
    assert not problems, scenario + ":\n" + "\n".join(problems)


def test_the_counterfactual_has_no_programme(measured):
    figures = measured["no-programme"]
    assert figures[("outcome", "public_spending_cumulative")][0] == 0.0
    assert figures[("outcome", "ventures_base")][0] == 0.0
    assert figures[("outcome", "graduations_cumulative")][0] == 0.0


def test_the_plan_spends_and_incubates_more_than_the_counterfactual(measured):
    plan, none = measured["baseline-4n"], measured["no-programme"]
    assert plan[("outcome", "public_spending_cumulative")][0] > 0
    assert plan[("outcome", "jobs")][0] > none[("outcome", "jobs")][0]
    assert plan[("outcome", "ventures_active")][0] > none[("outcome", "ventures_active")][0]


ORDER = ["baseline-4n", "government-run", "market-only", "fragmented", "status-quo-2021", "no-programme",
         "double-rent-subsidy", "no-nursery", "larger-guidance-fund"]
DOC = SOURCE / "docs" / "operating-models.md"
BEGIN, END = "<!-- BEGIN results table: tests/python/test_yiyuan_scenarios.py --update -->", "<!-- END results table -->"


def results_table(expected):
    """The Markdown table of docs/operating-models.md, from the recorded values."""
    def value(scenario, kind, name):
        return expected[(scenario, kind, name)][0]

    lines = ["| scenario | public spending (M RMB) | jobs | jobs above no-programme per M RMB | ventures active | "
             "base high-tech (cum.) | talents cultivated | graduations | targets met in ≥ 95% of runs |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    counterfactual_jobs = value("no-programme", "outcome", "jobs")
    for scenario in ORDER:
        spending = value(scenario, "outcome", "public_spending_cumulative") / 1e6
        jobs = value(scenario, "outcome", "jobs")
        per_million = f"{(jobs - counterfactual_jobs) / spending:.1f}" if spending > 0 else "–"
        targets = [share for (s, kind, _), (share, _) in expected.items() if s == scenario and kind == "target"]
        met = sum(1 for share in targets if share >= 0.95)
        lines.append(f"| `{scenario}` | {spending:.1f} | {jobs:.0f} | {per_million} | "
                     f"{value(scenario, 'outcome', 'ventures_active'):.0f} | "
                     f"{value(scenario, 'outcome', 'high_tech_cumulative_base'):.1f} | "
                     f"{value(scenario, 'outcome', 'talents_cultivated_base'):.0f} | "
                     f"{value(scenario, 'outcome', 'graduations_cumulative'):.0f} | {met} of {len(targets)} |")
    return "\n".join(lines) + "\n"


def documented_table():
    text = DOC.read_text()
    start = text.index(BEGIN) + len(BEGIN) + 1
    return text, start, text.index(END, start)


def test_operating_models_doc_shows_the_recorded_values():
    text, start, end = documented_table()
    assert text[start:end] == results_table(read_expected()), "run the --update command in this file's docstring"


def update(binary):
    with tempfile.TemporaryDirectory() as directory:
        with open(EXPECTED, "w", newline="") as handle:
            writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
            writer.writerow(["scenario", "kind", "name", "value", "standard_error"])
            for scenario in SCENARIOS:
                for (kind, name), (value, se) in sorted(measure(binary, scenario, directory).items()):
                    writer.writerow([scenario.stem, kind, name, repr(value), repr(se)])
    text, start, end = documented_table()
    DOC.write_text(text[:start] + results_table(read_expected()) + text[end:])
    print(f"wrote {EXPECTED} ({len(SCENARIOS)} scenarios, {REPLICATIONS} replications, seed {SEED}) and the table of {DOC}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "--update":
        sys.exit("usage: test_yiyuan_scenarios.py --update PATH/TO/incubsim")
    update(Path(sys.argv[2]).resolve())
