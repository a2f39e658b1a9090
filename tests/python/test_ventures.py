"""analysis.ventures on synthetic format-version-4 files (tests/python/synthetic_results.py): pairing
by (replication, id) with the unmatched ventures counted, the outcome rules (listed, acquired, left
the county at listing), the bootstrap interval over replications around a constructed effect, the
stream-kind filter, the two-file form, and every bad input's exit code 2 and message.

Run: /usr/bin/python3 -m pytest -q tests/python/test_ventures.py
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats as st

import synthetic_results as synthetic

REPOSITORY = Path(__file__).resolve().parents[2]
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from analysis import ventures  # noqa: E402
from analysis.tables import InputError, open_results  # noqa: E402

REPLICATIONS = 20
SHARED = 50          # potential entrants 0..49 in both scenarios
TREATED = 25         # of them, 0..24 are in the base in the treatment
EFFECT = 2.0         # jobs added to each treated venture, on average over replications
SPILLOVER = -1.0     # jobs lost by each untreated paired venture


def _columns(rows: list[dict]) -> dict:
    return {name: np.array([row.get(name, 0) for row in rows]) for name in synthetic.VENTURES if
            any(name in row for row in rows)}


def _constructed_example():
    """Two scenarios × 20 replications. Per replication: entrants 0..49 in both; entrant 50 only
    in the reference; entrants 51, 52 and programme talent 0 only in the treatment (the talent in
    the base). Treated paired ventures gain EFFECT + u_r jobs (u_r a replication shift summing to
    0 over replications), untreated paired ventures change by SPILLOVER."""
    rng = np.random.default_rng(5)
    shift = np.tile([-2.0, -1.0, 0.0, 1.0, 2.0], REPLICATIONS // 5)
    rng.shuffle(shift)
    rows, expected = [], {"treated": [], "not treated": []}
    for scenario in (0, 1):
        for r in range(REPLICATIONS):
            run = scenario * REPLICATIONS + r
            members = [("potential_entrant", k) for k in range(SHARED)]
            members += [("potential_entrant", 50)] if scenario == 0 else \
                [("potential_entrant", 51), ("potential_entrant", 52), ("programme_talent", 0)]
            for venture, (kind, k) in enumerate(members):
                base = 3 + (k * 7 + r) % 5  # the reference headcount of entrant k in replication r
                treated = scenario == 1 and (kind == "programme_talent" or k < TREATED)
                headcount = base
                if scenario == 1 and kind == "potential_entrant" and k < SHARED:
                    headcount = base + (EFFECT + shift[r] if treated else SPILLOVER)
                    expected["treated" if treated else "not treated"].append(headcount - base)
                rows.append({"run": run, "venture": venture, "id": int(synthetic.identity(kind, k)),
                             "stream_kind": synthetic.STREAM_KINDS.index(kind), "ever_in_base": int(treated),
                             "headcount": headcount, "revenue": 1000.0 * headcount, "exit_month": -1})
    return _columns(rows), expected, shift


@pytest.fixture(scope="module")
def compare_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("ventures") / "compare.h5"
    table, expected, shift = _constructed_example()
    synthetic.write(path, scenarios=["no-programme", "programme"], replications=REPLICATIONS, months=24,
                    ventures=table)
    return path, expected, shift


def _cli(*arguments):
    return subprocess.run(["/usr/bin/python3", "-m", "analysis.ventures", *[str(a) for a in arguments]],
                          capture_output=True, text=True, check=False, cwd=REPOSITORY)


def _result(path, kind=None):
    reference, treatment = ventures.load_sides([str(path)], "no-programme", "programme", kind)
    return ventures.compare(reference, treatment)


def test_pairing_counts_every_unmatched_venture(compare_file):
    path, _, _ = compare_file
    counts = _result(path)["ventures"]
    assert counts["reference"] == (SHARED + 1) * REPLICATIONS
    assert counts["treatment"] == (SHARED + 3) * REPLICATIONS
    assert counts["paired"] == SHARED * REPLICATIONS
    assert counts["unmatched_reference"] == REPLICATIONS
    assert counts["unmatched_treatment"] == 3 * REPLICATIONS
    assert counts["unmatched_reference_without_run"] == counts["unmatched_treatment_without_run"] == 0
    assert counts["treated_treatment"] == (TREATED + 1) * REPLICATIONS
    assert counts["treated_paired"] == TREATED * REPLICATIONS
    assert counts["treated_unmatched_treatment"] == REPLICATIONS  # the programme talents
    assert counts["paired"] + counts["unmatched_reference"] == counts["reference"]
    assert counts["paired"] + counts["unmatched_treatment"] == counts["treatment"]


def test_pairing_is_by_replication_and_id_not_by_row():
    """The same ids in a different row order, and the same id in another replication, pair correctly."""
    def side(replication, ids, jobs):
        runs = np.unique(replication)
        return ventures.ScenarioVentures(
            path="x", scenario="s", replications=runs, seeds={int(r): 1 for r in runs},
            replication=np.asarray(replication), id=np.asarray(ids, dtype=np.uint64),
            treated=np.ones(len(ids), dtype=bool),
            outcomes={o: np.asarray(jobs, dtype=float) for o in ventures.OUTCOMES})

    reference = side([0, 0, 1, 1], [5, 9, 5, 7], [1, 2, 3, 4])
    treatment = side([1, 0, 0, 1], [5, 5, 9, 8], [30, 10, 20, 99])
    pairing = ventures.pair(reference, treatment)
    pairs = sorted(zip(reference.outcomes["jobs"][pairing.r_index], treatment.outcomes["jobs"][pairing.t_index]))
    assert pairs == [(1, 10), (2, 20), (3, 30)]
    assert reference.id[pairing.r_unmatched].tolist() == [7] and treatment.id[pairing.t_unmatched].tolist() == [8]


def test_interval_contains_the_constructed_effect(compare_file):
    path, expected, shift = compare_file
    effects = _result(path)["effects"]
    treated = effects["treated"]["jobs"]
    assert treated["difference"] == pytest.approx(EFFECT, abs=1e-9)
    assert treated["difference"] == pytest.approx(np.mean(expected["treated"]), abs=1e-9)
    assert treated["low"] < EFFECT < treated["high"]
    # Bootstrap over replications: the width follows the spread of the replication shifts (a
    # resampling of ventures would be about sqrt(25) times narrower).
    half = st.t.ppf(0.975, REPLICATIONS - 1) * shift.std(ddof=1) / np.sqrt(REPLICATIONS)
    assert 0.6 * half < (treated["high"] - treated["low"]) / 2 < 1.4 * half
    # Untreated paired ventures lose SPILLOVER in every replication: a point interval.
    spill = effects["not treated"]["jobs"]
    assert (spill["difference"], spill["low"], spill["high"]) == pytest.approx((SPILLOVER,) * 3)
    everyone = effects["all"]["jobs"]
    assert everyone["difference"] == pytest.approx((EFFECT * TREATED + SPILLOVER * (SHARED - TREATED)) / SHARED)
    assert effects["treated"]["revenue"]["difference"] == pytest.approx(1000 * EFFECT, rel=1e-6)
    assert effects["treated"]["survived"]["difference"] == 0.0
    assert effects["treated"]["ventures"] == TREATED * REPLICATIONS


def test_bootstrap_is_reproducible_and_needs_two_replications():
    values = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    cluster = np.array([0, 0, 1, 1, 2, 2])
    first = ventures.bootstrap_mean(values, cluster, np.array([0, 1, 2]))
    assert first == ventures.bootstrap_mean(values, cluster, np.array([0, 1, 2]))
    assert first[0] == 3.5 and first[1] < 3.5 < first[2]
    mean, low, high = ventures.bootstrap_mean(values[:2], cluster[:2], np.array([0]))
    assert mean == 1.5 and np.isnan(low) and np.isnan(high)


def test_outcome_rules_listed_acquired_and_left_at_listing(tmp_path):
    statuses = ["active", "listed", "listed", "acquired", "failed", "relocated"]
    headcount = [3, 10, 20, 5, 4, 6]
    n = len(statuses)
    table = {"run": np.zeros(n), "venture": np.arange(n), "id": synthetic.identity("potential_entrant", np.arange(n)),
             "stream_kind": np.full(n, 2), "status": [synthetic.STATUSES.index(s) for s in statuses],
             "headcount": headcount, "revenue": 100.0 * np.array(headcount)}
    listing = synthetic.EVENT_KINDS.index("listing")
    events = {"run": [0, 0], "month": [11, 11], "venture": [1, 2], "kind": [listing, listing],
              "value": [1.0, -2.0]}  # venture 2 left the county at listing (-1 - board 1)
    path = tmp_path / "rules.h5"
    synthetic.write(path, scenarios=["only"], replications=1, months=12, ventures=table, events=events, command="run")
    with open_results(path) as file:
        side = ventures.scenario_ventures(file, "only")
    assert side.outcomes["jobs"].tolist() == [3, 10, 0, 0, 0, 0]
    assert side.outcomes["survived"].tolist() == [1, 1, 1, 0, 0, 0]
    assert side.outcomes["revenue"].tolist() == [300, 1000, 0, 0, 0, 0]


def test_kind_restricts_to_one_stream_kind(compare_file):
    path, _, _ = compare_file
    talents = _result(path, "programme_talent")["ventures"]
    assert (talents["reference"], talents["treatment"], talents["paired"]) == (0, REPLICATIONS, 0)
    assert talents["unmatched_treatment"] == talents["treated_unmatched_treatment"] == REPLICATIONS
    entrants = _result(path, "potential_entrant")
    assert entrants["ventures"]["paired"] == SHARED * REPLICATIONS
    assert entrants["ventures"]["unmatched_treatment"] == 2 * REPLICATIONS
    assert entrants["effects"]["treated"]["jobs"]["difference"] == pytest.approx(EFFECT)


def test_cli_text_and_json(compare_file):
    path, _, _ = compare_file
    completed = _cli("compare", path, "--reference", "no-programme", "--treatment", "programme")
    assert completed.returncode == 0, completed.stderr
    out = completed.stdout
    assert "spillovers through shared markets and carrier capacity" in out
    assert "not a clean causal effect" in out
    assert f"paired {SHARED * REPLICATIONS}" in out and "unmatched: reference 20" in out
    completed = _cli("compare", path, "--reference", "no-programme", "--treatment", "programme", "--json",
                     "--kind", "potential_entrant")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["kind"] == "potential_entrant"
    assert result["effects"]["treated"]["jobs"]["difference"] == pytest.approx(EFFECT)
    assert any("spillovers" in note for note in result["notes"])
    assert result["bootstrap"] == {"resamples": 1000, "seed": ventures.BOOTSTRAP_SEED, "confidence": 0.95,
                                   "over": "replications"}


def _one_scenario_file(path, scenario, replications, seed=7, months=24):
    rows = []
    for r in range(replications):
        for k in range(10):
            treated = scenario == "treatment" and k < 5  # gains one job
            rows.append({"run": r, "venture": k, "id": int(synthetic.identity("potential_entrant", k)),
                         "stream_kind": 2, "headcount": 2 + int(treated), "ever_in_base": int(treated)})
    synthetic.write(path, scenarios=[scenario], replications=replications, months=months, ventures=_columns(rows),
                    base_seed=seed, command="run")
    return path


def test_two_files_pair_by_replication_and_count_missing_replications(tmp_path):
    reference = _one_scenario_file(tmp_path / "a.h5", "reference", 3)
    treatment = _one_scenario_file(tmp_path / "b.h5", "treatment", 2)
    completed = _cli("compare", reference, treatment, "--json")
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout)
    assert result["replications"] == {"reference": 3, "treatment": 2, "paired": 2}
    v = result["ventures"]
    assert (v["reference"], v["treatment"], v["paired"]) == (30, 20, 20)
    assert v["unmatched_reference"] == v["unmatched_reference_without_run"] == 10
    assert result["effects"]["treated"]["jobs"]["difference"] == 1.0
    assert result["effects"]["not treated"]["jobs"]["difference"] == 0.0


def test_bad_inputs_exit_2_with_a_message(compare_file, tmp_path):
    path, _, _ = compare_file
    names = ("--reference", "no-programme", "--treatment", "programme")
    synthetic.assert_refused(_cli("compare", tmp_path / "missing.h5", *names), "missing.h5", "no such file")
    no_ventures = tmp_path / "indicators.h5"
    synthetic.write(no_ventures, scenarios=["no-programme", "programme"], replications=2, months=12)
    synthetic.assert_refused(_cli("compare", no_ventures, *names), "no /ventures", "--record events")
    synthetic.assert_refused(_cli("compare", path, "--reference", "nonsense", "--treatment", "programme"),
                    "nonsense", "no-programme, programme")
    synthetic.assert_refused(_cli("compare", path, *names, "--kind", "unicorn"),
                    "--kind unicorn", "potential_entrant", "initial_venture", "programme_talent")
    synthetic.assert_refused(_cli("compare", path), "--reference", "--treatment")
    older = tmp_path / "v3.h5"
    synthetic.write(older, scenarios=["no-programme", "programme"], replications=2, months=12, format_version=3)
    synthetic.assert_refused(_cli("compare", older, *names), "format version 3")
    newer = tmp_path / "v6.h5"
    synthetic.write(newer, scenarios=["no-programme", "programme"], replications=2, months=12, format_version=6)
    synthetic.assert_refused(_cli("compare", newer, *names), "newer")
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    synthetic.assert_refused(_cli("compare", text, *names), "not an HDF5 file")
    a = _one_scenario_file(tmp_path / "seed-a.h5", "reference", 2, seed=1)
    b = _one_scenario_file(tmp_path / "seed-b.h5", "treatment", 2, seed=2)
    synthetic.assert_refused(_cli("compare", a, b), "no common random numbers", "--seed")
    c = _one_scenario_file(tmp_path / "long.h5", "treatment", 2, months=36)
    synthetic.assert_refused(_cli("compare", a, c), "different months")
    synthetic.assert_refused(_cli("compare", a, path), "choose one with --treatment")
    assert _cli("compare", a, b, a).returncode == 2


def test_python_api_raises_input_error(compare_file):
    path, _, _ = compare_file
    with pytest.raises(InputError, match="--kind"):
        ventures.load_sides([str(path)], "no-programme", "programme", "nope")
