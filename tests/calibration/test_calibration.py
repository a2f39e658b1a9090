"""The calibration figures of docs/sources.md (§E1-§E6), checked within their bands.

Runs the built binary on every scenario of scenarios/calibration/ with the seed and replications
analysis/calibration.py uses for docs/calibration.md, measures each figure from /events and
asserts every band. A band docs/calibration.md reports as not reached (`Target.reached = False`)
is expected to fail, so a model that starts reaching it shows up here and the doc gets updated.
Also checks that the hazard defaults of the registry are the BLS fit, and that the numbers in
docs/calibration.md are those the scenarios give now (within a tolerance).

Run by ctest (`python_calibration`, label slow) as `/usr/bin/python3 -m pytest -q tests/calibration`
with INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR in the environment.
"""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

SOURCE = Path(os.environ.get("INCUBSIM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(SOURCE))

from analysis import calibration  # noqa: E402


@pytest.fixture(scope="module")
def binary():
    path = os.environ.get("INCUBSIM_BINARY")
    if not path or not os.environ.get("INCUBSIM_SOURCE_DIR"):
        pytest.fail("INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR must be set (ctest sets them)")
    os.environ.setdefault("INCUBSIM_BINARY", path)
    return Path(path)


@pytest.fixture(scope="module")
def measured(binary):
    return {key: calibration.measure_figure(figure, binary) for key, figure in calibration.FIGURES.items()}


BANDED = [(key, target.name) for key, figure in calibration.FIGURES.items()
          for target in figure.targets if target.band is not None]


@pytest.mark.parametrize("figure_key,target_name", BANDED, ids=[f"{k}-{t}" for k, t in BANDED])
def test_figure_within_band(measured, figure_key, target_name):
    figure = calibration.FIGURES[figure_key]
    target = next(t for t in figure.targets if t.name == target_name)
    value = measured[figure_key][target_name][0]
    message = (f"{figure.title}, {target.label}: model {target.show(value)}, band {target.show_band()} "
               f"({figure.shown_path}, {figure.replications} replications, seed {figure.seed})")
    if target.reached:
        assert target.within(value), message
    else:
        assert not target.within(value), "now reached, update docs/calibration.md and the Target: " + message


def test_scenarios_are_long_enough_and_cite_sources(binary):
    for figure in calibration.FIGURES.values():
        resolved = subprocess.run([str(binary), "check", str(figure.path)], capture_output=True, text=True, check=True)
        horizon = int(figure.settings.get("simulation.horizon_months",
                                          re.search(r"^horizon_months = (\d+)", resolved.stdout, re.M).group(1)))
        assert horizon >= 120, figure.scenario
        if figure.directory != calibration.SCENARIO_DIR:
            continue  # a policy scenario measured at a longer horizon (figure "yiyuan"); its own tests check its sources
        text = figure.path.read_text()
        assert re.match(r"# Calibration scenario for docs/sources.md §E\d+:", text.lstrip()), figure.scenario
        for table, value in tomllib.loads(text).items():
            tables = value if isinstance(value, list) else list(value.values()) if table == "stage" else [value]
            for element in tables:
                if isinstance(element, dict) and table != "scenario":
                    assert "source" in element, f"{figure.scenario}: [{table}] has no source citation"


def test_registry_hazard_defaults_are_the_bls_fit(binary):
    listing = subprocess.run([str(binary), "params"], capture_output=True, text=True, check=True).stdout
    bls = calibration.scenario_values(calibration.FIGURES["bls"].path,
                                      ["dynamics.hazard_scale_months", "dynamics.hazard_shape"])
    for key, value in bls.items():
        default = float(re.search(rf"^{re.escape(key)} .*default ([0-9.e+-]+)", listing, re.M).group(1))
        assert default == pytest.approx(value), key


def test_kaplan_meier_and_exit_rates_on_a_known_case():
    # 10 ventures at risk; 2 fail in age month 0, 1 is censored after month 0, 1 fails in month 1.
    import numpy as np
    at_risk = np.array([10.0, 7.0, 6.0])
    failures = np.array([2.0, 1.0, 0.0])
    curve = calibration.kaplan_meier(at_risk, failures)
    assert curve == pytest.approx([0.8, 0.8 * 6 / 7, 0.8 * 6 / 7])
    yearly = np.concatenate([np.full(12, 0.01), np.full(12, 0.02)])
    rates = calibration.annual_exit_rates(np.cumprod(1 - yearly), 2)
    assert rates == pytest.approx([1 - 0.99 ** 12, 1 - 0.98 ** 12])


def _summary_row(doc: str, title: str, label: str) -> str | None:
    """The summary table's row of one figure's target (two figures may share a label)."""
    current = None
    for line in doc.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.split("|")]
        current = cells[1] or current
        if current == title and cells[2] == label:
            return line
    return None


def test_docs_match_the_measured_values(measured):
    """Every banded model value in docs/calibration.md's summary is the measured one (±0.5 pp, or
    ±0.5 for figures in months), so the doc is not stale."""
    doc = (SOURCE / "docs" / "calibration.md").read_text()
    for key, name in BANDED:
        figure = calibration.FIGURES[key]
        target = next(t for t in figure.targets if t.name == name)
        row = _summary_row(doc, figure.title, target.label)
        assert row is not None, f"docs/calibration.md has no row for {target.label}; regenerate it"
        shown = row.split("|")[5].strip()
        value = float(shown.rstrip("%")) / (100 if shown.endswith("%") else 1)
        tolerance = 0.005 if target.percent else 0.5
        assert value == pytest.approx(measured[key][name][0], abs=tolerance), (
            f"{target.label}: doc {shown}, measured {target.show(measured[key][name][0])}; "
            "regenerate with /usr/bin/python3 -m analysis.calibration docs")


@pytest.fixture(scope="module")
def firm_dynamics(binary):
    return calibration.measure_firm_dynamics(binary)


def test_generic_economy_grows_as_young_firms_do(firm_dynamics):
    """The published firm-dynamics checks in the generic economy at 120 months (docs/sources.md
    §E13): tent-shaped annual growth within size classes, up or out, no mass point at one size."""
    generic = firm_dynamics["generic"]
    size = generic["size_distribution"]
    assert size["modal_share"] <= 0.45, f"the most common size ({size['modal_headcount']}) holds {size['modal_share']:.3f}"
    judged = [c for c in generic["sales_growth"]["by_headcount"] if c["count"] >= 100]
    assert len(judged) >= 3
    for size_class in judged:
        assert size_class["excess_kurtosis"] >= 1.0, size_class
    classes = {c["class"]: c for c in generic["employment_growth"]["classes"]}
    assert classes["0-2 years"]["mean_log_growth"] > classes["5+ years"]["mean_log_growth"]
    # Failures have all three causes, and no venture grows without limit in the Yiyuan baseline.
    failures = generic["exits"]["failures"]
    assert all(failures[cause]["per_run"] > 0 for cause in ("failure_cash", "failure_closure", "failure_hazard"))
    horizon = firm_dynamics["yiyuan"]["horizon"]
    assert horizon["largest_firm_revenue"] < 50e6  # before issue 16: 150-340 M RMB a month
    assert horizon["largest_firm_headcount"] < 1000


def test_docs_show_the_firm_dynamics(firm_dynamics):
    doc = (SOURCE / "docs" / "calibration.md").read_text()
    size = firm_dynamics["generic"]["size_distribution"]
    shown = re.search(r"headcount (\d+) holds ([0-9.]+)%", doc)
    assert shown is not None, "regenerate docs/calibration.md (analysis.calibration docs)"
    assert int(shown.group(1)) == size["modal_headcount"]
    assert float(shown.group(2)) == pytest.approx(100 * size["modal_share"], abs=0.1)
