"""Resource limits before a run starts (docs/reliability.md, "Resource limits"): a command whose
estimated output or peak memory exceeds what is available is refused with exit 2, the estimate
and the way out (--ignore-limits), and writes nothing. INCUBSIM_AVAILABLE_DISK and
INCUBSIM_AVAILABLE_MEMORY (bytes) stand in for the machine's free disk and memory.

Run by ctest as `/usr/bin/python3 -m pytest -q tests/python` with INCUBSIM_BINARY and
INCUBSIM_SOURCE_DIR in the environment.
"""

import os
import re
import subprocess

import h5py

import support


def _incubsim(*arguments, disk=None, memory=None):
    binary, _ = support.environment()
    environment = dict(os.environ)
    environment.pop("INCUBSIM_AVAILABLE_DISK", None)
    environment.pop("INCUBSIM_AVAILABLE_MEMORY", None)
    if disk is not None:
        environment["INCUBSIM_AVAILABLE_DISK"] = str(disk)
    if memory is not None:
        environment["INCUBSIM_AVAILABLE_MEMORY"] = str(memory)
    return subprocess.run([binary, *[str(a) for a in arguments]], capture_output=True, text=True, check=False, env=environment)


def _nothing_written(path):
    assert not path.exists()
    assert not path.with_name(path.name + ".parts").exists()
    assert not path.with_name(path.name + ".tmp").exists()


def _run(path, *extra, **limits):
    return _incubsim("run", support.small_scenario(), "-r", 20, "--record", "trajectories", "-q", "-o", path, *extra, **limits)


def test_too_little_disk_is_refused_with_the_estimate(tmp_path):
    path = tmp_path / "out" / "run.h5"
    completed = _run(path, disk=1000000)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert completed.stdout == ""
    message = completed.stderr.strip()
    assert message.startswith("incubsim run: estimated output ")
    assert re.search(r"estimated output [0-9.]+ [kMG]?B \(final file [0-9.]+ [kMG]?B \+ parts", message), message
    assert "exceeds the 1.0 MB free on" in message
    assert "20 runs x" in message and "--record trajectories" in message
    assert "--ignore-limits" in message
    _nothing_written(path)


def test_ignore_limits_runs_anyway(tmp_path):
    path = tmp_path / "run.h5"
    completed = _run(path, "--ignore-limits", disk=1000000, memory=1000000)
    assert completed.returncode == 0, completed.stderr
    assert "incubsim run: 20 runs" in completed.stdout
    with h5py.File(path, "r") as f:
        assert f.attrs["total_runs"] == 20
    assert not path.with_name(path.name + ".parts").exists()


def test_too_little_memory_is_refused_with_the_estimate(tmp_path):
    path = tmp_path / "run.h5"
    completed = _run(path, memory=1000000)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    message = completed.stderr.strip()
    assert message.startswith("incubsim run: estimated peak memory ")
    assert "exceeds the 1.0 MB available (INCUBSIM_AVAILABLE_MEMORY)" in message
    assert "runs in flight" in message and "part buffer" in message
    assert "--ignore-limits" in message
    _nothing_written(path)


def test_enough_room_runs_and_the_estimate_bounds_the_file(tmp_path):
    """With room to spare the command runs; the output estimate it would have refused with is
    at least the file it writes and at most twice it."""
    path = tmp_path / "run.h5"
    refused = _run(path, disk=1)
    assert refused.returncode == 2
    value, unit = re.search(r"\(final file ([0-9.]+) ([kMG]?B)", refused.stderr).groups()
    estimated = float(value) * {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}[unit]
    completed = _run(path, disk=10**12, memory=10**12)
    assert completed.returncode == 0, completed.stderr
    measured = path.stat().st_size
    assert 0.9 * measured <= estimated <= 2.0 * measured, (estimated, measured)


def test_compare_and_sweep_are_checked_too(tmp_path):
    small = support.small_scenario()
    other = tmp_path / "other.toml"
    other.write_text('extends = "%s"\n\n[scenario]\nname = "other"\n' % small)
    compared = tmp_path / "compare.h5"
    completed = _incubsim("compare", small, other, "-r", 4, "-q", "-o", compared, memory=1000)
    assert completed.returncode == 2, completed.stderr
    assert "incubsim compare: estimated peak memory" in completed.stderr and "--ignore-limits" in completed.stderr
    _nothing_written(compared)
    completed = _incubsim("compare", small, other, "-r", 4, "-q", "-o", compared, memory=10**12, disk=10**12)
    assert completed.returncode == 0, completed.stderr
    swept = tmp_path / "sweep.h5"
    completed = _incubsim("sweep", small, "--vary", "dynamics.wage_per_month=3000:8000", "--design", "lhs", "--samples", 10,
                          "-r", 2, "-q", "-o", swept, disk=1000)
    assert completed.returncode == 2, completed.stderr
    assert "incubsim sweep: estimated output" in completed.stderr and "--ignore-limits" in completed.stderr
    _nothing_written(swept)


def test_help_lists_the_flag():
    completed = _incubsim("run", "--help")
    assert completed.returncode == 0
    assert "--ignore-limits" in completed.stdout
