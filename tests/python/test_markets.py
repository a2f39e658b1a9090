"""analysis.markets on files the binary writes: the Yiyuan baseline (six sectors with markets) at
--record events, 3 replications: one row per sampled month and sector, fills between 0 and 2,
the month-0 fill of each sector equal to its incumbents' share of the county demand; and the two
refusals (exit 2, one line): a file recorded at --record indicators (no /events) and a scenario
whose sectors have no markets (no market_fill events).

Run: INCUBSIM_BINARY=build/incubsim INCUBSIM_SOURCE_DIR=. /usr/bin/python3 -m pytest -q tests/python/test_markets.py
"""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import h5py
import pytest

from support import environment, small_scenario
from synthetic_results import assert_refused

REPOSITORY = Path(__file__).resolve().parents[2]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from analysis import markets  # noqa: E402

REPLICATIONS = 3


def _incubsim(*arguments):
    binary, _ = environment()
    completed = subprocess.run([binary, *[str(a) for a in arguments], "--threads", "1", "-q"],
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr


def _cli(*arguments):
    return subprocess.run(["/usr/bin/python3", "-m", "analysis.markets", *[str(a) for a in arguments]],
                          capture_output=True, text=True, check=False, cwd=REPOSITORY)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    _, source = environment()
    directory = tmp_path_factory.mktemp("markets")
    baseline = source / "scenarios" / "yiyuan" / "baseline-4n.toml"
    paths = {"events": directory / "baseline-events.h5", "indicators": directory / "baseline-indicators.h5",
             "no_markets": directory / "small-events.h5"}
    _incubsim("run", baseline, "-r", REPLICATIONS, "--record", "events", "-o", paths["events"])
    _incubsim("run", baseline, "-r", 1, "--record", "indicators", "-o", paths["indicators"])
    _incubsim("run", small_scenario(), "-r", 1, "--record", "events", "-o", paths["no_markets"])
    return paths


def _sectors_of(path):
    with h5py.File(path, "r") as f:
        text = f["scenarios/texts"].asstr()[0]
        months = f["indicators/month_label"].shape[0]
    return tomllib.loads(text)["sector"], months


def test_one_row_per_sampled_month_and_sector(files):
    completed = _cli(files["events"], "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    sectors, months = _sectors_of(files["events"])
    expected_months = list(range(0, months, 12)) + ([months - 1] if (months - 1) % 12 else [])
    assert result["months"] == expected_months
    assert list(result["scenarios"]) == ["baseline-4n"]
    scenario = result["scenarios"]["baseline-4n"]
    assert scenario["runs"] == REPLICATIONS
    assert [s["id"] for s in scenario["sectors"]] == [s["id"] for s in sectors]
    for sector in scenario["sectors"]:
        assert [row["month"] for row in sector["rows"]] == expected_months
        for row in sector["rows"]:
            assert row["runs"] == REPLICATIONS
            assert 0.0 < row["p10"] <= row["median"] <= row["p90"] < 2.0, (sector["id"], row)


def test_every_sets_the_sampled_months(files):
    result = markets.analyse(files["events"], scenario="baseline-4n", every=24)
    _, months = _sectors_of(files["events"])
    assert result["months"] == [m for m in range(0, months, 24)] + [months - 1]


def test_month_zero_fill_is_the_incumbents_share_of_county_demand(files):
    result = markets.analyse(files["events"])
    sectors, _ = _sectors_of(files["events"])
    for declared, measured in zip(sectors, result["scenarios"]["baseline-4n"]["sectors"]):
        share = declared["incumbent_revenue"] / declared["county_demand"]
        first = measured["rows"][0]
        assert first["month"] == 0
        # No venture has sold before month 0, and every run starts from the same incumbents.
        for value in (first["median"], first["p10"], first["p90"]):
            assert value == pytest.approx(share, rel=1e-6), declared["id"]


def test_the_text_report_names_every_sector(files):
    completed = _cli(files["events"], "--every", "24")
    assert completed.returncode == 0, completed.stderr
    sectors, _ = _sectors_of(files["events"])
    for sector in sectors:
        assert sector["id"] in completed.stdout


def test_refuses_a_file_without_events(files):
    assert_refused(_cli(files["indicators"]), str(files["indicators"]), "no /events", "--record events")


def test_refuses_a_scenario_without_markets(files):
    assert_refused(_cli(files["no_markets"]), str(files["no_markets"]), "no market_fill events",
                   "has no sector markets")


def test_refuses_bad_options(files):
    assert_refused(_cli(files["events"], "--every", "0"), "--every 0")
    assert_refused(_cli(files["events"], "--scenario", "nowhere"), "no scenario 'nowhere'")
