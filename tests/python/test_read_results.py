"""Reads an incubsim results file with h5py, as users' scripts do (docs/output-format.md).

Run by ctest as `/usr/bin/python3 -m pytest -q tests/python` with INCUBSIM_BINARY (the built
executable) and INCUBSIM_SOURCE_DIR (the repository) in the environment.
"""

import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

RUNS = 3
MONTHS = 24  # scenarios/test/small.toml


def _text(values):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    binary = os.environ.get("INCUBSIM_BINARY")
    source = os.environ.get("INCUBSIM_SOURCE_DIR")
    if not binary or not source:
        pytest.fail("INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR must be set (ctest sets them)")
    scenario = Path(source) / "scenarios" / "test" / "small.toml"
    path = tmp_path_factory.mktemp("incubsim") / "small.h5"
    completed = subprocess.run(
        [binary, "run", str(scenario), "-r", str(RUNS), "-q", "-o", str(path)],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "incubsim run: %d runs" % RUNS in completed.stdout
    return path


def test_root_attributes(results):
    with h5py.File(results, "r") as f:
        fmt = f.attrs["format"]
        assert (fmt.decode() if isinstance(fmt, bytes) else fmt) == "incubsim-results"
        assert int(f.attrs["format_version"]) >= 1
        assert int(f.attrs["total_runs"]) == RUNS
        assert int(f.attrs["replications"]) == RUNS


def test_indicator_values_shape_and_scales(results):
    with h5py.File(results, "r") as f:
        values = f["/indicators/values"]
        names = _text(f["/indicators/indicator"][:])
        assert values.shape == (RUNS, MONTHS, len(names))
        assert "ventures_active" in names
        assert len(set(names)) == len(names)
        # Dimension scales: run, month, indicator.
        month = f["/indicators/month"]
        assert month.attrs["CLASS"] == b"DIMENSION_SCALE"
        assert month.shape == (MONTHS,)
        assert values.dims[1][0] == month
        assert values.dims[0][0] == f["/indicators/run"]
        assert values.dims[2][0] == f["/indicators/indicator"]
        days = month[:]
        assert np.all(np.diff(days) >= 28)  # one month apart, in days since 1970-01-01
        labels = _text(f["/indicators/month_label"][:])
        assert labels[0] == "2021-01" and labels[-1] == "2022-12"
        data = values[:]
        assert np.all(np.isfinite(data))
        active = data[:, :, names.index("ventures_active")]
        assert np.all(active > 0)


def test_runs_table(results):
    with h5py.File(results, "r") as f:
        runs = f["/runs"]
        lengths = {name: runs[name].shape[0] for name in runs}
        assert set(lengths.values()) == {RUNS}, lengths
        assert list(runs["run"][:]) == list(range(RUNS))
        assert list(runs["replication"][:]) == list(range(RUNS))
        assert _text(f["/scenarios/names"][:]) == ["small"]
        assert f["/targets/met"].shape == (RUNS, f["/targets/id"].shape[0])


def test_events_and_trajectories_columns(results):
    with h5py.File(results, "r") as f:
        for table in ("events", "trajectories"):
            group = f[table]
            lengths = {name: group[name].shape[0] for name in group}
            assert len(set(lengths.values())) == 1, (table, lengths)
            assert next(iter(lengths.values())) > 0
            assert set(np.unique(group["run"][:])) == set(range(RUNS))
        # Trajectory rows are venture-months.
        assert f["/trajectories/run"].shape[0] == int(np.sum(f["/runs/venture_months"][:]))
        kinds = _text(f["/labels/event_kinds"][:])
        assert kinds[0] == "entry"
        assert int(np.max(f["/events/kind"][:])) < len(kinds)


def test_name_tables_decode_the_codes(results):
    """/labels holds the model's name tables: stage k + 1 is carrier kind k, and /carriers/kind
    names a kind of /labels/carrier_kinds."""
    with h5py.File(results, "r") as f:
        stages = _text(f["/labels/stages"][:])
        kinds = _text(f["/labels/carrier_kinds"][:])
        assert stages == ["outside"] + kinds
        assert set(_text(f["/carriers/kind"][:])) <= set(kinds)
        assert _text(f["/labels/carrier_levels"][:])[0] == "none"
        assert "quality" in _text(f["/labels/objectives"][:])
        assert len(_text(f["/labels/operator_types"][:])) == 5


def test_h5dump_reads_the_header(results):
    h5dump = shutil.which("h5dump")
    if h5dump is None:
        pytest.skip("h5dump (hdf5-tools) is not installed")
    completed = subprocess.run([h5dump, "-H", str(results)], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "/indicators" in completed.stdout or "indicators" in completed.stdout


def test_summary_targets_agree_with_the_runs(results):
    with h5py.File(results, "r") as f:
        met = f["targets/met"][()]
        summary = f["summary/targets"]
        assert summary["share"].shape == (met.shape[1],)
        for t in range(met.shape[1]):
            judged = met[:, t][met[:, t] != 255]
            assert int(summary["trials"][t]) == len(judged)
            assert int(summary["met"][t]) == int(judged.sum())
            assert summary["share_low"][t] <= summary["share"][t] <= summary["share_high"][t]


def test_summary_outcomes_are_the_means_at_the_horizon(results):
    with h5py.File(results, "r") as f:
        names = _text(f["indicators/indicator"][()])
        values = f["indicators/values"][()]
        outcomes = f["summary/outcomes"]
        indicators = _text(outcomes["indicator"][()])
        assert len(indicators) == 12 * len(f["scenarios/names"])
        spending = values[:, -1, names.index("public_spending_cumulative")].mean()
        for row, name in enumerate(indicators):
            mean = values[:, -1, names.index(name)].mean()
            assert outcomes["mean"][row] == pytest.approx(mean)
            assert outcomes["mean_low"][row] <= outcomes["mean"][row] <= outcomes["mean_high"][row]
            assert outcomes["public_spending"][row] == pytest.approx(spending)
            if spending > 0:
                assert outcomes["per_million_public"][row] == pytest.approx(mean / (spending / 1e6))


def test_uncertainty_group_lists_declared_ranges(tmp_path):
    binary, source = os.environ["INCUBSIM_BINARY"], os.environ["INCUBSIM_SOURCE_DIR"]
    path = tmp_path / "ranges.h5"
    completed = subprocess.run(
        [binary, "run", str(Path(source) / "scenarios" / "test" / "small.toml"), "-r", "1", "-q", "-o", str(path),
         "--record", "indicators",
         "--set", 'uncertainty.integration.reserved_share={ low = 0.1, high = 0.5, source = "test range" }'],
        capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    with h5py.File(path, "r") as f:
        group = f["uncertainty"]
        assert _text(group["key"][()]) == ["integration.reserved_share"]
        assert _text(group["scale"][()]) == ["linear"]
        assert _text(group["source"][()]) == ["test range"]
        assert group["low"][0] == 0.1 and group["high"][0] == 0.5
        assert group["low"][0] <= group["value"][0] <= group["high"][0]
        assert "uncertainty" in _text(f["scenarios/texts"][()])[0]
