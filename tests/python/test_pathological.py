"""Pathological scenarios (scenarios/test/pathological/) end with a clear message or a correct
result, never a hang or a crash (docs/reliability.md, "Pathological scenarios").

Each case runs `incubsim run` under a timeout and checks the exit code and message; a run that
succeeds must leave a valid results file (`incubsim info` exits 0) whose indicators make sense for
the pathology (zero capacity: nobody admitted, impossible rules: nobody graduates, ...).

Run by ctest (`python_reads_results`) as `/usr/bin/python3 -m pytest -q tests/python` with
INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR in the environment.
"""

import subprocess

import h5py
import numpy as np
import pytest

import support

TIMEOUT = 60  # far above any case's time (each takes well under 10 s): only a hang trips it
FORBIDDEN = ("Traceback", "terminate called", "what():", "Sanitizer", "Segmentation fault", "core dumped", "HDF5-DIAG")


def _scenario(name):
    return support.environment()[1] / "scenarios" / "test" / "pathological" / (name + ".toml")


def _run(name, tmp_path, *extra):
    binary, _ = support.environment()
    output = tmp_path / (name + ".h5")
    command = [binary, "run", str(_scenario(name)), "-q", "-o", str(output), *[str(e) for e in extra]]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    for text in FORBIDDEN:
        assert text not in completed.stderr, completed.stderr
    return completed, output


def _indicators(path):
    """indicator name -> values[run, month]."""
    with h5py.File(path, "r") as f:
        names = support.text(f["indicators/indicator"][()])
        values = f["indicators/values"][()]
    return {name: values[:, :, i] for i, name in enumerate(names)}


def _valid(path):
    binary, _ = support.environment()
    completed = subprocess.run([binary, "info", str(path)], capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert completed.returncode == 0, completed.stderr
    return _indicators(path)


def _all_zero(values, prefixes):
    names = [name for name in values if name.startswith(prefixes)]
    assert names
    for name in names:
        assert np.all(values[name] == 0), name


STAGES = ("ventures_nursery", "ventures_incubator", "ventures_accelerator", "ventures_park", "incubator_residents_base")


@pytest.mark.parametrize("record", ["trajectories", "events"])
def test_zero_capacity_everywhere_admits_nobody(tmp_path, record):
    completed, output = _run("zero-capacity", tmp_path, "-r", 2, "--record", record)
    assert completed.returncode == 0, completed.stderr
    values = _valid(output)
    _all_zero(values, ("admissions_",) + STAGES)
    assert values["ventures_active"][:, -1].min() > 0  # ventures still start up in the county
    assert values["carriers_open_incubator"][:, -1].min() == 1  # open, but full from the start


def test_carriers_that_never_open_admit_nobody(tmp_path):
    completed, output = _run("never-open", tmp_path, "-r", 2, "--record", "events")
    assert completed.returncode == 0, completed.stderr
    values = _valid(output)
    _all_zero(values, ("admissions_", "carriers_open_") + STAGES)
    assert values["ventures_active"][:, -1].min() > 0


def test_zero_budget_pays_no_subsidy_and_no_operator(tmp_path):
    completed, output = _run("zero-budget", tmp_path, "-r", 2, "--record", "trajectories")
    assert completed.returncode == 0, completed.stderr
    values = _valid(output)
    _all_zero(values, ("spending_rent_subsidy", "spending_operators", "spending_case_by_case", "spending_guidance_fund"))
    assert np.all(np.isfinite(values["public_spending_cumulative"]))


def test_impossible_rules_graduate_nobody(tmp_path):
    completed, output = _run("impossible-rules", tmp_path, "-r", 2, "--record", "events")
    assert completed.returncode == 0, completed.stderr
    values = _valid(output)
    _all_zero(values, ("graduations_",))
    assert values["admissions_nursery"].sum() > 0  # ventures do enter the first stage


@pytest.mark.parametrize("name", ["entry-explodes", "entry-explodes-later"])
def test_exploding_entry_is_refused_up_front(tmp_path, name):
    completed, output = _run(name, tmp_path, "-r", 2, "--record", "trajectories")
    assert completed.returncode == 2, completed.stderr
    assert "scenario '%s': the population would explode" % name in completed.stderr
    assert "source.grassroots.potential_per_month" in completed.stderr or "source.talent.potential_per_month" in completed.stderr
    assert "cap of 4194304 ventures per run" in completed.stderr
    assert len(completed.stderr.strip().splitlines()) <= 3
    assert not output.exists()
    assert not (tmp_path / (name + ".h5.parts")).exists()


def test_exploding_entry_is_refused_by_check_of_a_sweep_end(tmp_path):
    # A sweep whose factor reaches an exploding rate is refused up front too.
    binary, _ = support.environment()
    output = tmp_path / "sweep.h5"
    completed = subprocess.run(
        [binary, "sweep", str(support.small_scenario()), "--vary", "source.grassroots.potential_per_month=1:10000000",
         "--samples", "2", "-r", "1", "-q", "-o", str(output)],
        capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert completed.returncode == 2, completed.stderr
    assert "the population would explode" in completed.stderr
    assert not output.exists()


def test_entry_just_under_the_cap_runs_in_bounded_memory(tmp_path):
    binary, _ = support.environment()
    usage = subprocess.run([binary, "run", "--help"], capture_output=True, text=True, timeout=TIMEOUT, check=False).stdout
    # --ignore-limits skips the resource estimate's pilot run, which would double the time.
    skip_pilot = ["--ignore-limits"] if "--ignore-limits" in usage else []
    completed, output = _run("entry-at-cap", tmp_path, "-r", 1, "--record", "indicators", "--threads", 1, *skip_pilot)
    assert completed.returncode == 0, completed.stderr
    values = _valid(output)
    active = values["ventures_active"][0, -1]
    assert 3.8e6 < active <= 4194304  # no failures or exits: every entrant is still there


def test_a_robustness_point_that_crosses_the_cap_stops_with_a_message(tmp_path):
    # The cap cannot be checked up front for a robustness point: the run that crosses it stops.
    binary, _ = support.environment()
    reference = _scenario("entry-crosses-cap")
    renamed = tmp_path / "renamed.toml"
    renamed.write_text('extends = "%s"\n[scenario]\nname = "crosses-renamed"\n' % reference)
    output = tmp_path / "crosses.h5"
    completed = subprocess.run([binary, "compare", str(reference), str(renamed), "-r", "2", "--robustness", "2", "--record",
                                "indicators", "--threads", "1", "-q", "-o", str(output)],
                               capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert completed.returncode == 1, completed.stderr
    assert "the population exploded in month 2021-01: more than 4194304 ventures in one run" in completed.stderr
    for text in FORBIDDEN:
        assert text not in completed.stderr, completed.stderr
    assert not output.exists()


def test_the_longest_horizon_runs(tmp_path):
    completed, output = _run("longest-horizon", tmp_path, "-r", 1, "--record", "indicators")
    assert completed.returncode == 0, completed.stderr
    with h5py.File(output, "r") as f:
        assert f["indicators/values"].shape[1] == 32767
    _valid(output)


def test_a_horizon_above_the_registry_maximum_exits_2(tmp_path):
    completed, output = _run("zero-capacity", tmp_path, "--set", "simulation.horizon_months=1000001")
    assert completed.returncode == 2, completed.stderr
    assert "simulation.horizon_months" in completed.stderr and "out of range" in completed.stderr
    assert not output.exists()
