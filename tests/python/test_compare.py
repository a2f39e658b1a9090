"""`incubsim compare` and `compare --robustness`: the /compare and /robustness groups of the
results file (docs/output-format.md), read with h5py as users' scripts do.

Scenarios are small temporary children of scenarios/test/small.toml. Run by ctest as
`/usr/bin/python3 -m pytest -q tests/python` with INCUBSIM_BINARY (the built executable) and
INCUBSIM_SOURCE_DIR (the repository) in the environment.
"""

import math
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

import support

REPLICATIONS = 8
POINTS = 4               # --robustness
ROBUST_REPLICATIONS = 3
SEED = 20211129
KEY_OUTCOMES = 12        # key_outcome_indicators() in sim/engine/summary.cpp
T_975_DF7 = 2.364624251592785  # Student t quantile 0.975 with REPLICATIONS - 1 degrees of freedom
COMPARE_COLUMNS = {
    "scenario": "uint32", "kind": "string", "name": "string", "month": "string",
    "mean": "float64", "mean_low": "float64", "mean_high": "float64",
    "difference": "float64", "difference_low": "float64", "difference_high": "float64",
    "public_spending": "float64", "per_million_public": "float64", "difference_per_million": "float64",
}
SUMMARY_COLUMNS = {
    "scenario": "uint32", "kind": "string", "name": "string", "month": "string", "points": "uint32",
    "beats": "uint32", "ties": "uint32", "loses": "uint32", "deciding_key": "string", "correlation": "float64",
}


_text = support.text
_environment = support.environment
_small = support.small_scenario


def _child(directory, file_name, name, body=""):
    """A scenario that extends small.toml under its own [scenario] name, plus `body`."""
    path = Path(directory) / file_name
    path.write_text('extends = "%s"\n\n[scenario]\nname = "%s"\n\n%s' % (_small(), name, body))
    return path


def _compare(*arguments):
    binary, _ = _environment()
    return subprocess.run([binary, "compare", *[str(a) for a in arguments]], capture_output=True, text=True, check=False)


def _check_type(dataset, expected):
    if expected == "string":
        assert h5py.check_string_dtype(dataset.dtype) is not None, dataset.name
    else:
        assert dataset.dtype == np.dtype(expected), dataset.name


MORE_ENTRANTS = """[[source]]
id = "grassroots"
potential_per_month = 16.0
source = "test: twice the potential entrants of small.toml"
"""

# Ranges for --robustness. The reference declares two; the alternative declares one of them over
# another range, and two the reference does not declare.
REFERENCE_RANGES = """[uncertainty]
"operator.test-operator.service_quality" = { low = 0.6, high = 0.9, source = "assumption (test)" }
"dynamics.hazard_shape" = { low = 0.5, high = 2.0, scale = "log", source = "assumption (test)" }
"""
ALTERNATIVE_RANGES = """[uncertainty]
"operator.test-operator.service_quality" = { low = 0.7, high = 0.95, source = "assumption (test)" }
"source.grassroots.potential_per_month" = { low = 12.0, high = 20.0, source = "assumption (test)" }
"carrier.test-incubator.capacity" = { low = 4, high = 12, source = "assumption (test)" }
"""


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """small.toml against a child that changes only its name and a child with more entrants."""
    directory = tmp_path_factory.mktemp("compare")
    renamed = _child(directory, "renamed.toml", "small-renamed")
    more = _child(directory, "more.toml", "more-entrants", MORE_ENTRANTS)
    path = directory / "compare.h5"
    completed = _compare(_small(), renamed, more, "-r", REPLICATIONS, "--seed", SEED, "--record", "indicators",
                         "-q", "-o", path)
    assert completed.returncode == 0, completed.stderr
    assert "incubsim compare: %d runs" % (3 * REPLICATIONS) in completed.stdout
    return path


@pytest.fixture(scope="module")
def robust(tmp_path_factory):
    """A reference and an alternative with declared ranges, at POINTS Latin-hypercube points."""
    directory = tmp_path_factory.mktemp("robustness")
    reference = _child(directory, "reference.toml", "reference", REFERENCE_RANGES)
    alternative = _child(directory, "alternative.toml", "more-entrants", MORE_ENTRANTS + "\n" + ALTERNATIVE_RANGES)
    path = directory / "robust.h5"
    completed = _compare(reference, alternative, "-r", ROBUST_REPLICATIONS, "--seed", SEED, "--robustness", POINTS,
                         "--record", "indicators", "-q", "-o", path)
    assert completed.returncode == 0, completed.stderr
    assert "Robustness: %d Latin-hypercube points" % POINTS in completed.stdout
    # The main comparison's runs plus every scenario's replications at every point.
    assert "incubsim compare: %d runs" % (2 * ROBUST_REPLICATIONS * (1 + POINTS)) in completed.stdout
    return directory, path


def _rows(f):
    group = f["compare"]
    return {name: (_text(group[name][()]) if h5py.check_string_dtype(group[name].dtype) else group[name][()])
            for name in group}


def test_compare_columns_have_the_documented_shapes(compared):
    with h5py.File(compared, "r") as f:
        assert _text([f.attrs["command"]])[0] == "compare"
        group = f["compare"]
        assert set(group) == set(COMPARE_COLUMNS)
        scenarios = len(f["scenarios/names"])
        assert scenarios == 3
        # One target of small.toml (deadline 2022-06), the key outcomes at 2022-06 and at the horizon.
        rows = (1 + 2 * KEY_OUTCOMES) * scenarios
        for name, kind in COMPARE_COLUMNS.items():
            assert group[name].shape == (rows,), name
            _check_type(group[name], kind)
        r = _rows(f)
        # Metric-major: the scenarios of one metric are consecutive, in command order.
        assert list(r["scenario"]) == list(range(scenarios)) * (rows // scenarios)
        for column in ("kind", "name", "month"):
            for start in range(0, rows, scenarios):
                assert len(set(r[column][start:start + scenarios])) == 1, column
        assert r["kind"][0] == "target" and r["name"][0] == "incubator-residents" and r["month"][0] == "2022-06"
        assert r["kind"][scenarios:] == ["outcome"] * (rows - scenarios)
        labels = _text(f["indicators/month_label"][()])
        assert sorted(set(r["month"])) == ["2022-06", labels[-1]]
        outcomes = _text(f["summary/outcomes/indicator"][()])[:KEY_OUTCOMES]
        assert r["name"][scenarios:(1 + KEY_OUTCOMES) * scenarios:scenarios] == outcomes


def test_compare_rows_agree_with_the_runs(compared):
    with h5py.File(compared, "r") as f:
        r = _rows(f)
        names = _text(f["indicators/indicator"][()])
        labels = _text(f["indicators/month_label"][()])
        values = f["indicators/values"][()]
        scenario_of_run = f["runs/scenario"][()]
        replication = f["runs/replication"][()]
        spending_column = names.index("public_spending_cumulative")
        for row in range(len(r["scenario"])):
            if r["kind"][row] != "outcome":
                continue
            s, month = int(r["scenario"][row]), labels.index(r["month"][row])
            runs = np.flatnonzero(scenario_of_run == s)
            reference_runs = np.flatnonzero(scenario_of_run == 0)
            assert list(replication[runs]) == list(replication[reference_runs]) == list(range(REPLICATIONS))
            own = values[runs, month, names.index(r["name"][row])]
            paired = own - values[reference_runs, month, names.index(r["name"][row])]
            assert r["mean"][row] == pytest.approx(own.mean(), rel=1e-12, abs=1e-9)
            half = T_975_DF7 * own.std(ddof=1) / math.sqrt(REPLICATIONS)
            assert r["mean_high"][row] - r["mean"][row] == pytest.approx(half, rel=1e-9, abs=1e-9)
            assert r["difference"][row] == pytest.approx(paired.mean(), rel=1e-12, abs=1e-9)
            half = T_975_DF7 * paired.std(ddof=1) / math.sqrt(REPLICATIONS)
            assert r["difference_high"][row] - r["difference"][row] == pytest.approx(half, rel=1e-9, abs=1e-9)
            spending = values[runs, month, spending_column].mean()
            assert r["public_spending"][row] == pytest.approx(spending)
            if spending > 0:
                assert r["per_million_public"][row] == pytest.approx(own.mean() / (spending / 1e6))
            if s == 0:
                assert math.isnan(r["difference_per_million"][row])  # no extra spending against itself


def test_a_child_that_changes_only_its_name_differs_by_exactly_zero(compared):
    with h5py.File(compared, "r") as f:
        assert _text(f["scenarios/names"][()]) == ["small", "small-renamed", "more-entrants"]
        r = _rows(f)
        renamed = np.flatnonzero(r["scenario"] == 1)
        reference = np.flatnonzero(r["scenario"] == 0)
        # Common random numbers: replication r of both scenarios is the same run.
        assert np.all(r["difference"][renamed] == 0.0)
        assert np.all(r["difference_low"][renamed] == 0.0)
        assert np.all(r["difference_high"][renamed] == 0.0)
        assert np.array_equal(r["mean"][renamed], r["mean"][reference])
        assert np.array_equal(r["public_spending"][renamed], r["public_spending"][reference])
        assert np.all(np.isnan(r["difference_per_million"][renamed]))  # equal spending: no ratio
        scenario_of_run = f["runs/scenario"][()]
        values = f["indicators/values"][()]
        assert np.array_equal(values[scenario_of_run == 0], values[scenario_of_run == 1])


def test_pairing_narrows_the_interval_of_a_lever(compared):
    with h5py.File(compared, "r") as f:
        r = _rows(f)
        horizon = _text(f["indicators/month_label"][()])[-1]
        for name in ("jobs", "ventures_active"):
            rows = [i for i in range(len(r["name"])) if r["name"][i] == name and r["month"][i] == horizon]
            reference, more = rows[0], rows[2]
            assert r["scenario"][more] == 2
            # Twice the potential entrants: clearly more jobs and ventures ...
            assert r["difference_low"][more] > 0
            assert r["difference"][more] == pytest.approx(r["mean"][more] - r["mean"][reference])
            # ... and the paired interval is narrower than that of the unpaired difference of the
            # two means (half-widths combined as independent errors).
            paired = r["difference_high"][more] - r["difference_low"][more]
            unpaired = 2 * math.hypot(r["mean_high"][more] - r["mean"][more],
                                      r["mean_high"][reference] - r["mean"][reference])
            assert paired < unpaired, (name, paired, unpaired)


def test_robustness_datasets_have_consistent_shapes(robust):
    _, path = robust
    with h5py.File(path, "r") as f:
        group = f["robustness"]
        assert set(group) == {"key", "unit", "value", "declared", "metric_kind", "metric_name", "metric_month",
                              "difference", "correlation", "summary"}
        keys = _text(group["key"][()])
        declared_rows = list(zip(_text(f["uncertainty/scenario"][()]), _text(f["uncertainty/key"][()])))
        assert keys == sorted({key for _, key in declared_rows})  # the union, sorted
        assert len(keys) == 4
        scenarios = _text(f["scenarios/names"][()])
        metrics = len(group["metric_name"])
        rows = f["compare/scenario"].shape[0]
        assert metrics * len(scenarios) == rows
        assert group["unit"].shape == (POINTS, len(keys))
        assert group["value"].shape == (POINTS, len(keys))
        assert group["declared"].shape == (len(scenarios), len(keys))
        assert group["difference"].shape == (POINTS, len(scenarios), metrics)
        assert group["correlation"].shape == (len(scenarios), metrics, len(keys))
        _check_type(group["key"], "string")
        for name in ("unit", "value", "difference", "correlation"):
            _check_type(group[name], "float64")
        _check_type(group["declared"], "uint8")
        for name in ("metric_kind", "metric_name", "metric_month"):
            _check_type(group[name], "string")
            assert group[name].shape == (metrics,)
        # The metrics are those of /compare, in its order.
        r = _rows(f)
        step = len(scenarios)
        assert _text(group["metric_kind"][()]) == r["kind"][::step]
        assert _text(group["metric_name"][()]) == r["name"][::step]
        assert _text(group["metric_month"][()]) == r["month"][::step]
        # declared[s, k] as /uncertainty lists it.
        declared = group["declared"][()]
        for s, scenario in enumerate(scenarios):
            for k, key in enumerate(keys):
                assert declared[s, k] == ((scenario, key) in declared_rows), (scenario, key)
        summary = group["summary"]
        assert set(summary) == set(SUMMARY_COLUMNS)
        for name, kind in SUMMARY_COLUMNS.items():
            assert summary[name].shape == ((len(scenarios) - 1) * metrics,), name
            _check_type(summary[name], kind)


def test_robustness_points_form_a_latin_hypercube_mapped_through_the_reference_ranges(robust):
    _, path = robust
    with h5py.File(path, "r") as f:
        group = f["robustness"]
        keys = _text(group["key"][()])
        unit, value = group["unit"][()], group["value"][()]
        assert np.all((unit >= 0) & (unit < 1))
        for k in range(len(keys)):  # one point in each of the POINTS strata of every key
            assert sorted(np.floor(unit[:, k] * POINTS).astype(int)) == list(range(POINTS))
        ranges = {key: (low, high, scale) for scenario, key, low, high, scale in zip(
            _text(f["uncertainty/scenario"][()]), _text(f["uncertainty/key"][()]), f["uncertainty/low"][()],
            f["uncertainty/high"][()], _text(f["uncertainty/scale"][()])) if scenario == "reference"}
        for k, key in enumerate(keys):
            if key not in ranges:
                assert np.all(np.isnan(value[:, k])), key  # the reference does not declare it
                continue
            low, high, scale = ranges[key]
            if scale == "log":
                expected = np.exp(np.log(low) + unit[:, k] * (np.log(high) - np.log(low)))
            else:
                expected = low + unit[:, k] * (high - low)
            assert value[:, k] == pytest.approx(expected, rel=1e-12), key


def test_robustness_summary_counts_and_deciding_keys(robust):
    _, path = robust
    with h5py.File(path, "r") as f:
        group = f["robustness"]
        keys = _text(group["key"][()])
        declared = group["declared"][()]
        difference, correlation = group["difference"][()], group["correlation"][()]
        metrics = len(group["metric_name"])
        # The reference against itself: 0 wherever the metric exists, and no correlations.
        assert np.all((difference[:, 0, :] == 0) | np.isnan(difference[:, 0, :]))
        assert np.all(np.isnan(correlation[0]))
        # A key declared by neither the reference nor the alternative never correlates.
        for s in range(1, declared.shape[0]):
            for k in range(len(keys)):
                if not declared[0, k] and not declared[s, k]:
                    assert np.all(np.isnan(correlation[s, :, k]))
        summary = group["summary"]
        scenario = summary["scenario"][()]
        points, beats, ties, loses = (summary[n][()].astype(int) for n in ("points", "beats", "ties", "loses"))
        deciding = _text(summary["deciding_key"][()])
        rho = summary["correlation"][()]
        names = _text(summary["name"][()])
        months = _text(summary["month"][()])
        assert np.all(scenario > 0)
        assert np.all(beats + ties + loses == points)
        assert np.all(points <= POINTS)
        horizon = _text(f["indicators/month_label"][()])[-1]
        for row in range(len(scenario)):
            s, m = int(scenario[row]), row % metrics  # scenario-major, then metric
            assert names[row] == _text(group["metric_name"][()])[m]
            assert points[row] == np.count_nonzero(~np.isnan(difference[:, s, m]))
            if deciding[row]:
                k = keys.index(deciding[row])
                assert declared[0, k] or declared[s, k]
                assert rho[row] == correlation[s, m, k]
                assert abs(rho[row]) == np.nanmax(np.abs(correlation[s, m, :]))
            else:
                assert np.all(np.isnan(correlation[s, m, :]) | (correlation[s, m, :] == 0))
            if names[row] == "jobs" and months[row] == horizon:
                # 12 to 20 potential entrants a month against 8: more jobs at every point, never
                # significantly fewer.
                assert points[row] == POINTS
                assert np.all(difference[:, s, m] > 0)
                assert loses[row] == 0 and beats[row] >= 1


def test_robustness_maps_each_quantile_through_each_scenario_s_own_range(robust):
    """Point 0 rerun by hand: each scenario fixed at its own range's value for the point's
    quantiles (keys it does not declare left alone) gives the same paired differences."""
    directory, path = robust
    with h5py.File(path, "r") as f:
        keys = _text(f["robustness/key"][()])
        unit = f["robustness/unit"][()][0]
        stored = f["robustness/difference"][()][0]
        ranges = list(zip(_text(f["uncertainty/scenario"][()]), _text(f["uncertainty/key"][()]),
                          map(float, f["uncertainty/low"][()]), map(float, f["uncertainty/high"][()]),
                          _text(f["uncertainty/scale"][()])))

    def fixed(scenario):
        lines = []
        for owner, key, low, high, scale in ranges:
            if owner != scenario:
                continue
            u = float(unit[keys.index(key)])
            parts = key.split(".")
            if key == "carrier.test-incubator.capacity":
                text = str(int(min(math.floor(low + u * (high - low + 1.0)), high)))
            elif scale == "log":
                text = repr(min(max(math.exp(math.log(low) + u * (math.log(high) - math.log(low))), low), high))
            else:
                text = repr(min(low + u * (high - low), high))
            if len(parts) == 2:
                lines.append("[%s]\n%s = %s\n" % (parts[0], parts[1], text))
            else:
                lines.append('[[%s]]\nid = "%s"\n%s = %s\n' % (parts[0], parts[1], parts[2], text))
        return "\n".join(lines)

    reference = directory / "reference-at-0.toml"
    reference.write_text('extends = "reference.toml"\n\n[scenario]\nname = "reference-at-0"\n\n' + fixed("reference"))
    alternative = directory / "alternative-at-0.toml"
    alternative.write_text('extends = "alternative.toml"\n\n[scenario]\nname = "alternative-at-0"\n\n' +
                           fixed("more-entrants"))
    output = directory / "point-0.h5"
    completed = _compare(reference, alternative, "-r", ROBUST_REPLICATIONS, "--seed", SEED, "--record", "indicators",
                         "-q", "-o", output)
    assert completed.returncode == 0, completed.stderr
    with h5py.File(output, "r") as f:
        rerun = f["compare/difference"][()].reshape(-1, 2).T  # [scenario, metric]
    assert np.array_equal(np.isnan(rerun), np.isnan(stored))
    assert np.allclose(rerun, stored, rtol=1e-12, atol=1e-9, equal_nan=True)
    assert np.any(stored[1] != 0)


BAD_INPUTS = {
    "one scenario": (lambda d: [_small()], "compare needs at least two scenarios"),
    "no scenario": (lambda d: [], "compare needs at least two scenarios"),
    "same name": (lambda d: [_small(), _child(d, "twin.toml", "small")], "two scenarios are named 'small'"),
    "other months": (lambda d: [_small(), _child(d, "longer.toml", "longer", "[simulation]\nhorizon_months = 30\n")],
                     "simulates other months than"),
    "other start": (lambda d: [_small(), _child(d, "later.toml", "later", '[simulation]\nstart = "2021-02"\n')],
                    "simulates other months than"),
    "robustness without ranges": (lambda d: [_small(), _child(d, "renamed.toml", "renamed"), "--robustness", "3"],
                                  "--robustness needs assumptions with ranges"),
    "robustness 1": (lambda d: [_child(d, "reference.toml", "reference", REFERENCE_RANGES),
                                _child(d, "alternative.toml", "alternative", MORE_ENTRANTS + "\n" + ALTERNATIVE_RANGES),
                                "--robustness", "1"],
                     "--robustness needs at least 2 points"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_and_writes_nothing(tmp_path, case):
    arguments, message = BAD_INPUTS[case]
    output = tmp_path / "out" / "bad.h5"
    completed = _compare(*arguments(tmp_path), "-r", "2", "--record", "indicators", "-q", "-o", output)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert message in completed.stderr
    assert not output.exists()
    assert not output.parent.exists()  # not even the directory or a parts directory


def test_help_names_the_reference_and_every_option():
    completed = _compare("--help")
    assert completed.returncode == 0, completed.stderr
    for text in ("(the first is the reference)", "--robustness", "--replications", "--seed", "--output", "--record",
                 "--set", "Latin-hypercube", "[uncertainty]"):
        assert text in completed.stdout, text
