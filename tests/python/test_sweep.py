"""`incubsim sweep` and `incubsim merge` (docs/sweeps.md): the designs and their /design group,
/runs/point, /sensitivity, determinism, `kill -9` and `--resume`, `--shard` and `merge`, and bad
input, read with h5py as users' scripts do (docs/output-format.md).

Every sweep varies scenarios/test/small.toml. Run by ctest as
`/usr/bin/python3 -m pytest -q tests/python` with INCUBSIM_BINARY (the built executable) and
INCUBSIM_SOURCE_DIR (the repository) in the environment.
"""

import math
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import support

SEED = 20211201
REPLICATIONS = 2
KEY_OUTCOMES = [  # key_outcome_indicators() in sim/engine/summary.cpp
    "ventures_active", "jobs", "jobs_net", "jobs_base", "ventures_base", "graduations_cumulative", "tech_sme_cumulative",
    "high_tech_cumulative", "high_tech_cumulative_base", "talents_cultivated_base", "funding_raised_cumulative",
    "relocations_cumulative",
]

# One factor of each kind: integer, log-scale real, categorical over a choice parameter, and a
# categorical over a numeric list.
FACTORS = [
    ("carrier.test-incubator.capacity", "4:12"),
    ("operator.test-operator.public_cost_per_month", "500:5000:log"),
    ("operator.test-operator.objective", "quality,ability-to-pay,policy-fit"),
    ("dynamics.registration_probability", "0.04,0.12"),
]
KEYS = [key for key, _ in FACTORS]
KINDS = ["integer", "log", "categorical", "categorical"]
CHOICES = [[], [], ["quality", "ability-to-pay", "policy-fit"], ["0.04", "0.12"]]
K = len(FACTORS)

# Per design: its options and its number of points with the four factors.
DESIGNS = {
    "grid": (["--design", "grid"], 3 * 3 * 3 * 2),               # 3 levels per numeric factor x choices
    "lhs": (["--design", "lhs", "--samples", "10"], 10),          # N
    "sobol": (["--design", "sobol", "--samples", "4"], 4 * (K + 2)),  # N (k + 2)
    "morris": (["--design", "morris", "--samples", "3"], 3 * (K + 1)),  # r (k + 1), 4 levels
}
KIND_NAMES = {"grid": "grid", "lhs": "latin_hypercube", "sobol": "sobol_saltelli", "morris": "morris"}


# ------------------------------------------------------------------------------------ helpers

_text = support.text
_environment = support.environment
_small = support.small_scenario


def _vary(factors=FACTORS):
    arguments = []
    for key, values in factors:
        arguments += ["--vary", "%s=%s" % (key, values)]
    return arguments


def _incubsim(*arguments):
    binary, _ = _environment()
    return subprocess.run([binary, *[str(a) for a in arguments]], capture_output=True, text=True, check=False)


def _sweep(output, *arguments):
    return _incubsim("sweep", _small(), *arguments, "-q", "-o", output)


def _design_sweep(design, output, *extra):
    """The four factors under `design`, -r 2, record level events."""
    completed = _sweep(output, *_vary(), *DESIGNS[design][0], "-r", REPLICATIONS, "--seed", SEED, "--record", "events",
                       *extra)
    assert completed.returncode == 0, completed.stderr
    return completed


def _contents(path):
    """Everything in a results file outside /provenance: every group, every dataset (type, shape,
    values), every attribute, and the dimension scales attached to each dataset."""
    items = {}

    def note_attributes(name, obj):
        for key, value in obj.attrs.items():
            if key in ("DIMENSION_LIST", "REFERENCE_LIST"):  # object references: compared as scales below
                continue
            items[("attribute", name, key)] = value

    def visit(name, obj):
        if name.split("/")[0] == "provenance":
            return
        note_attributes(name, obj)
        if isinstance(obj, h5py.Dataset):
            items[("dataset", name)] = (obj.dtype, obj.shape, obj[()])
            items[("scales", name)] = [[scale.name for scale in dimension.values()] for dimension in obj.dims]
        else:
            items[("group", name)] = None

    with h5py.File(path, "r") as f:
        note_attributes("/", f)
        f.visititems(visit)
    return items


def _same(a, b):
    if isinstance(a, tuple):  # dataset: (dtype, shape, values)
        if a[0] != b[0] or a[1] != b[1]:
            return False
        a, b = a[2], b[2]
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))


def assert_same_results(path_a, path_b):
    """The two files are equal outside /provenance (both must have one)."""
    a, b = _contents(path_a), _contents(path_b)
    only = sorted(str(k) for k in set(a) ^ set(b))
    assert not only, "objects in one file only: %s" % only[:20]
    different = sorted(str(k) for k in a if not _same(a[k], b[k]))
    assert not different, "objects that differ: %s" % different[:20]
    for path in (path_a, path_b):
        with h5py.File(path, "r") as f:
            assert "provenance" in f, path


def _assert_differs(path_a, path_b, name):
    with h5py.File(path_a, "r") as a, h5py.File(path_b, "r") as b:
        assert not np.array_equal(a[name][()], b[name][()]), name


def _design(f):
    g = f["design"]
    return {
        "kind": g.attrs["kind"], "seed": int(g.attrs["seed"]), "samples": int(g.attrs["samples"]),
        "base_samples": int(g.attrs["base_samples"]), "factor": _text(g["factor"][()]),
        "factor_kind": _text(g["factor_kind"][()]), "choices": _text(g["choices"][()]),
        "low": g["low"][()], "high": g["high"][()], "unit": g["unit"][()], "value": g["value"][()],
    }


def _value(kind, low, high, choices, u):
    """The factor's value at unit coordinate u (engine::to_value, docs/sweeps.md)."""
    if kind == "real":
        return low + u * (high - low)
    if kind == "log":
        return math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    if kind == "integer":
        return min(math.floor(low + u * (high - low + 1)), high)
    return min(math.floor(u * len(choices)), len(choices) - 1)


def _point_means(f, name):
    """Mean over replications of indicator `name` at the last month, per design point."""
    names = _text(f["indicators/indicator"][()])
    last = f["indicators/values"][:, -1, names.index(name)]
    points = f["runs/point"][()]
    count = f["design/unit"].shape[0]
    return np.array([last[points == p].mean() for p in range(count)])


@pytest.fixture(scope="module")
def designed(tmp_path_factory):
    """One sweep per design (the four factors, -r 2, events), run once for the module."""
    directory = tmp_path_factory.mktemp("designs")
    files = {}
    for design in DESIGNS:
        files[design] = directory / ("%s.h5" % design)
        completed = _design_sweep(design, files[design])
        assert "Sweep of small: %s design, %d points x %d replications, seed %d" % (
            KIND_NAMES[design], DESIGNS[design][1], REPLICATIONS, SEED) in completed.stdout
        assert "incubsim sweep: %d runs" % (DESIGNS[design][1] * REPLICATIONS) in completed.stdout
    return files


# ---------------------------------------------------------------------------------- designs

@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_design_group_holds_the_factors_and_one_row_per_point(designed, design):
    points = DESIGNS[design][1]
    with h5py.File(designed[design], "r") as f:
        assert f.attrs["command"] == "sweep"
        assert int(f.attrs["total_runs"]) == points * REPLICATIONS
        assert int(f.attrs["replications"]) == REPLICATIONS
        assert int(f.attrs["base_seed"]) == SEED
        assert len(f.attrs["plan"]) == 16 and int(f.attrs["plan"], 16) >= 0
        d = _design(f)
        assert d["kind"] == KIND_NAMES[design]
        assert d["factor"] == KEYS
        assert d["factor_kind"] == KINDS
        assert d["choices"] == [",".join(c) for c in CHOICES]
        assert list(d["low"][:2]) == [4.0, 500.0] and list(d["high"][:2]) == [12.0, 5000.0]
        assert d["unit"].shape == (points, K) and d["value"].shape == (points, K)
        assert d["unit"].dtype == np.float64 and d["value"].dtype == np.float64
        assert np.all((d["unit"] >= 0) & (d["unit"] <= 1))
        expected = {"grid": (0, 0, 3), "lhs": (SEED, 10, 0), "sobol": (SEED, 4, 4), "morris": (SEED, 3, 4)}[design]
        assert (d["seed"], d["samples"], d["base_samples"]) == expected
        for name in ("factor", "factor_kind", "choices"):
            assert h5py.check_string_dtype(f["design"][name].dtype) is not None
        assert "summary" in f and "provenance" in f


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_runs_are_point_major(designed, design):
    points = DESIGNS[design][1]
    total = points * REPLICATIONS
    with h5py.File(designed[design], "r") as f:
        runs = f["runs"]
        assert runs["point"].dtype == np.uint32
        assert list(runs["run"][()]) == list(range(total))
        assert list(runs["point"][()]) == [run // REPLICATIONS for run in range(total)]
        assert list(runs["replication"][()]) == [run % REPLICATIONS for run in range(total)]
        assert set(runs["scenario"][()]) == {0}
        assert _text(f["scenarios/names"][()]) == ["small"]
        assert f["indicators/values"].shape[0] == total
        assert f["targets/met"].shape[0] == total
        assert set(np.unique(f["events/run"][()])) <= set(range(total))


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_values_are_the_unit_coordinates_mapped_through_each_factor(designed, design):
    with h5py.File(designed[design], "r") as f:
        d = _design(f)
    for p in range(d["unit"].shape[0]):
        for i in range(K):
            expected = _value(KINDS[i], d["low"][i], d["high"][i], CHOICES[i], d["unit"][p, i])
            assert d["value"][p, i] == pytest.approx(expected, rel=1e-12), (p, KEYS[i])
    capacity, cost, objective, probability = d["value"].T
    assert np.all(capacity == np.round(capacity)) and np.all((capacity >= 4) & (capacity <= 12))
    assert np.all((cost >= 500) & (cost <= 5000))
    assert set(objective) <= {0.0, 1.0, 2.0} and set(probability) <= {0.0, 1.0}


def test_grid_is_every_combination_with_the_first_factor_slowest(designed):
    with h5py.File(designed["grid"], "r") as f:
        d = _design(f)
    expected = [(a, b, (c + 0.5) / 3, (e + 0.5) / 2)
                for a in (0, 0.5, 1) for b in (0, 0.5, 1) for c in range(3) for e in range(2)]
    assert np.allclose(d["unit"], np.array(expected), rtol=0, atol=1e-15)
    assert sorted(set(d["value"][:, 0])) == [4.0, 8.0, 12.0]  # floor(4 + u 9), ends included
    assert d["value"][:, 1].min() == pytest.approx(500) and d["value"][:, 1].max() == pytest.approx(5000)
    assert d["value"][9, 1] == pytest.approx(math.sqrt(500 * 5000))  # the middle level, in log


def test_latin_hypercube_has_one_point_per_stratum(designed):
    with h5py.File(designed["lhs"], "r") as f:
        unit = _design(f)["unit"]
    n = unit.shape[0]
    for i in range(K):
        assert sorted(np.floor(unit[:, i] * n).astype(int)) == list(range(n)), KEYS[i]


def test_sobol_design_is_saltelli_blocks(designed):
    with h5py.File(designed["sobol"], "r") as f:
        unit = _design(f)["unit"]
    n = 4
    a, b = unit[:n], unit[n:2 * n]
    assert not np.array_equal(a, b)
    for i in range(K):
        block = unit[(2 + i) * n:(3 + i) * n]
        others = [j for j in range(K) if j != i]
        assert np.array_equal(block[:, others], a[:, others]), KEYS[i]
        assert np.array_equal(block[:, i], b[:, i]), KEYS[i]
    for column in range(K):  # N a power of two: one point of A (and of B) per stratum of width 1/N
        assert sorted(np.floor(a[:, column] * n).astype(int)) == list(range(n))
        assert sorted(np.floor(b[:, column] * n).astype(int)) == list(range(n))


def test_morris_trajectories_move_each_factor_once_by_delta(designed):
    with h5py.File(designed["morris"], "r") as f:
        unit = _design(f)["unit"]
    levels = 4
    delta = levels / (2 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    assert np.all(np.isclose(unit[..., None], grid).any(axis=-1))
    for t in range(3):
        trajectory = unit[t * (K + 1):(t + 1) * (K + 1)]
        moved = []
        for s in range(K):
            step = trajectory[s + 1] - trajectory[s]
            changed = np.flatnonzero(step != 0)
            assert len(changed) == 1, (t, s, step)
            assert abs(step[changed[0]]) == pytest.approx(delta)
            moved.append(int(changed[0]))
        assert sorted(moved) == list(range(K))


def test_a_point_runs_as_run_with_its_values_set(designed, tmp_path):
    """The runs of a design point equal `incubsim run --set KEY=VALUE...` with the point's
    values: the integer, log and categorical values really reach the scenario."""
    with h5py.File(designed["lhs"], "r") as f:
        d = _design(f)
        points = f["runs/point"][()]
        values = f["indicators/values"][()]
        met = f["targets/met"][()]
    for p in (0, 7):
        overrides = []
        for i, key in enumerate(KEYS):
            value = d["value"][p, i]
            if KINDS[i] == "integer":
                text = str(int(value))
            elif KINDS[i] == "log":
                text = repr(float(value))
            elif key.startswith("operator"):
                text = '"%s"' % CHOICES[i][int(value)]
            else:
                text = CHOICES[i][int(value)]
            overrides += ["--set", "%s=%s" % (key, text)]
        output = tmp_path / ("point-%d.h5" % p)
        completed = _incubsim("run", _small(), "-r", REPLICATIONS, "--seed", SEED, "--record", "indicators", "-q",
                              "-o", output, *overrides)
        assert completed.returncode == 0, completed.stderr
        with h5py.File(output, "r") as f:
            assert np.array_equal(f["indicators/values"][()], values[points == p])
            assert np.array_equal(f["targets/met"][()], met[points == p])


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_same_command_twice_gives_the_same_file(designed, design, tmp_path):
    again = tmp_path / "again.h5"
    _design_sweep(design, again)
    assert_same_results(designed[design], again)


def test_thread_count_and_part_size_do_not_change_the_file(designed, tmp_path):
    other = tmp_path / "other.h5"
    _design_sweep("sobol", other, "--threads", "1", "--part-runs", "5")
    assert_same_results(designed["sobol"], other)


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_another_seed_gives_another_design(designed, design, tmp_path):
    other = tmp_path / "seed.h5"
    completed = _sweep(other, *_vary(), *DESIGNS[design][0], "-r", REPLICATIONS, "--seed", SEED + 1,
                       "--record", "indicators")
    assert completed.returncode == 0, completed.stderr
    with h5py.File(designed[design], "r") as a, h5py.File(other, "r") as b:
        assert a.attrs["plan"] != b.attrs["plan"]
        assert b["design/unit"].shape == a["design/unit"].shape
        if design == "grid":  # a grid does not draw: same points, other runs
            assert int(b["design"].attrs["seed"]) == 0
            assert np.array_equal(a["design/unit"][()], b["design/unit"][()])
        else:
            assert int(b["design"].attrs["seed"]) == SEED + 1
            assert not np.array_equal(a["design/unit"][()], b["design/unit"][()])
        assert not np.array_equal(a["indicators/values"][()], b["indicators/values"][()])


# ------------------------------------------------------------------------------ sensitivity

def _sensitivity(f):
    g = f["sensitivity"]
    rows = {name: g[name][()] for name in g}
    rows["indicator"] = _text(rows["indicator"])
    rows["factor"] = _text(rows["factor"])
    return rows


@pytest.mark.parametrize("design", ["sobol", "morris"])
def test_sensitivity_has_one_row_per_key_outcome_and_factor(designed, design):
    with h5py.File(designed[design], "r") as f:
        assert set(f["sensitivity"]) == {"indicator", "factor", "first_order", "first_order_low", "first_order_high",
                                        "total", "total_low", "total_high", "mu", "mu_star", "sigma"}
        for name in f["sensitivity"]:
            assert f["sensitivity"][name].shape == (len(KEY_OUTCOMES) * K,), name
        rows = _sensitivity(f)
    assert rows["indicator"] == [name for name in KEY_OUTCOMES for _ in KEYS]
    assert rows["factor"] == KEYS * len(KEY_OUTCOMES)
    unused = ["mu", "mu_star", "sigma"] if design == "sobol" else [
        "first_order", "first_order_low", "first_order_high", "total", "total_low", "total_high"]
    for name in unused:
        assert np.all(np.isnan(rows[name])), name


@pytest.mark.parametrize("design", ["grid", "lhs"])
def test_grid_and_latin_hypercube_have_no_sensitivity(designed, design):
    with h5py.File(designed[design], "r") as f:
        assert "sensitivity" not in f
        assert "summary" in f


def test_sobol_indices_follow_from_the_point_means(designed):
    n = 4
    with h5py.File(designed["sobol"], "r") as f:
        rows = _sensitivity(f)
        means = {name: _point_means(f, name) for name in KEY_OUTCOMES}
    for row, (name, key) in enumerate(zip(rows["indicator"], rows["factor"])):
        y = means[name]
        a, b = y[:n], y[n:2 * n]
        ab = y[(2 + KEYS.index(key)) * n:(3 + KEYS.index(key)) * n]
        variance = np.var(np.concatenate([a, b]), ddof=1)
        if variance == 0:
            assert math.isnan(rows["first_order"][row]) and math.isnan(rows["total"][row])
            continue
        # Saltelli (2010) with f_B centred on the mean of f_A and f_B (same estimator in expectation)
        centre = np.mean(np.concatenate([a, b]))
        assert rows["first_order"][row] == pytest.approx(np.mean((b - centre) * (ab - a)) / variance, rel=1e-9, abs=1e-12)
        assert rows["total"][row] == pytest.approx(np.mean((a - ab) ** 2) / 2 / variance, rel=1e-9, abs=1e-12)
        assert rows["total"][row] >= 0
        # Bootstrap intervals: NaN when a resample of the N rows has no variance (docs/sweeps.md).
        for name in ("first_order", "total"):
            low, high = rows[name + "_low"][row], rows[name + "_high"][row]
            assert math.isnan(low) == math.isnan(high)
            assert math.isnan(low) or low <= high
    assert not np.all(np.isnan(rows["total_low"]))


def test_morris_effects_follow_from_the_point_means(designed):
    with h5py.File(designed["morris"], "r") as f:
        rows = _sensitivity(f)
        unit = f["design/unit"][()]
        means = {name: _point_means(f, name) for name in KEY_OUTCOMES}
    for row, (name, key) in enumerate(zip(rows["indicator"], rows["factor"])):
        y, i = means[name], KEYS.index(key)
        effects = []
        for point in range(unit.shape[0] - 1):
            if (point + 1) % (K + 1) == 0:
                continue  # the next point starts another trajectory
            step = unit[point + 1] - unit[point]
            if step[i] != 0:
                effects.append((y[point + 1] - y[point]) / step[i])
        assert len(effects) == 3
        assert rows["mu"][row] == pytest.approx(np.mean(effects), rel=1e-9, abs=1e-9)
        assert rows["mu_star"][row] == pytest.approx(np.mean(np.abs(effects)), rel=1e-9, abs=1e-9)
        assert rows["sigma"][row] == pytest.approx(np.std(effects, ddof=1), rel=1e-9, abs=1e-9)


# ------------------------------------------------------------------------ kill -9 and resume

BIG = ["--vary", "operator.test-operator.public_cost_per_month=500:5000:log",
       "--vary", "carrier.test-incubator.capacity=4:12",
       "--design", "lhs", "--samples", "400", "-r", "4", "--part-runs", "50", "--record", "indicators",
       "--seed", SEED]
BIG_RUNS = 1600


def _listed_parts(manifest):
    try:
        lines = manifest.read_text().splitlines()
    except FileNotFoundError:
        return 0
    return sum(1 for line in lines if line and not line.startswith("#") and not line.startswith("part\t"))


def _start_and_kill(output, arguments, parts):
    """Starts `sweep ... -o output`, waits until its manifest lists `parts` parts (or, for
    parts = "final", until it writes the final file's temporary), kills it with SIGKILL. Returns
    the number of parts listed after the kill."""
    binary, _ = _environment()
    manifest = Path(str(output) + ".parts") / "manifest.tsv"
    final_temporary = Path(str(output) + ".tmp")
    process = subprocess.Popen([binary, "sweep", str(_small()), *[str(a) for a in arguments], "-q", "-o", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while not (final_temporary.exists() if parts == "final" else _listed_parts(manifest) >= parts):
            if process.poll() is not None:
                pytest.fail("the sweep ended (exit %s) before it reached %s parts" % (process.returncode, parts))
            if time.monotonic() > deadline:
                pytest.fail("no %s parts within 120 s" % parts)
            time.sleep(0.0005)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL, "the sweep finished before it could be killed"
    assert not Path(output).exists()
    return _listed_parts(manifest)


def _snapshot(directory):
    return {path.name: path.read_bytes() for path in sorted(Path(directory).iterdir())}


@pytest.fixture(scope="module")
def big_reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("reference") / "reference.h5"
    completed = _sweep(path, *BIG)
    assert completed.returncode == 0, completed.stderr
    return path


@pytest.mark.parametrize("parts", [1, 3, 5, "final"])
def test_kill_9_then_resume_gives_the_uninterrupted_file(big_reference, tmp_path, parts):
    """Killed after 1, 3 or 5 parts, or while it assembles the final file from all 32."""
    output = tmp_path / "killed.h5"
    listed = _start_and_kill(output, BIG, parts)
    if parts == "final":
        assert listed == BIG_RUNS // 50
    directory = Path(str(output) + ".parts")
    manifest = (directory / "manifest.tsv").read_text().splitlines()
    with h5py.File(big_reference, "r") as f:
        assert manifest[0] == "# plan " + f.attrs["plan"]  # the whole sweep's fingerprint
    assert manifest[1] == "part\tfile\tfirst_run\truns"
    # Every listed part is a complete results file of 50 runs, without /summary and /provenance.
    with h5py.File(directory / "part-000000.h5", "r") as f:
        assert list(f["runs/run"][()]) == list(range(50))
        assert int(f.attrs["total_runs"]) == BIG_RUNS
        assert "provenance" not in f and "summary" not in f and "design" in f

    completed = _sweep(output, *BIG, "--resume")
    assert completed.returncode == 0, completed.stderr
    assert "Resuming %s: %d of %d runs are in finished parts" % (output, 50 * listed, BIG_RUNS) in completed.stdout
    assert "incubsim sweep: %d runs" % (BIG_RUNS - 50 * listed) in completed.stdout
    assert not directory.exists()
    assert_same_results(big_reference, output)


MORRIS = ["--vary", "operator.test-operator.public_cost_per_month=500:5000:log",
          "--vary", "carrier.test-incubator.capacity=4:12",
          "--design", "morris", "--samples", "300", "--levels", "4", "-r", "2", "--part-runs", "20",
          "--record", "indicators", "--seed", SEED]


def _replace(arguments, old, new):
    return [new if a == old else a for a in arguments]


RESUME_REFUSALS = {
    "another seed": (_replace(MORRIS, SEED, SEED + 1) + ["--resume"], "belong to a different command"),
    "another range": (_replace(MORRIS, "carrier.test-incubator.capacity=4:12", "carrier.test-incubator.capacity=4:10")
                      + ["--resume"], "belong to a different command"),
    "another factor": (_replace(MORRIS, "operator.test-operator.public_cost_per_month=500:5000:log",
                                "dynamics.wage_per_month=3000:9000:log") + ["--resume"], "belong to a different command"),
    "another morris grid": (_replace(MORRIS, "4", "6") + ["--resume"], "belong to a different command"),
    "another record level": (_replace(MORRIS, "indicators", "events") + ["--resume"], "belong to a different command"),
    "neither --resume nor --force": (MORRIS, "--resume"),
}


@pytest.fixture(scope="module")
def killed_morris(tmp_path_factory):
    output = tmp_path_factory.mktemp("killed") / "killed.h5"
    _start_and_kill(output, MORRIS, 1)
    return output


@pytest.mark.parametrize("case", sorted(RESUME_REFUSALS))
def test_resuming_another_command_exits_2_and_keeps_the_parts(killed_morris, tmp_path, case):
    arguments, message = RESUME_REFUSALS[case]
    output = tmp_path / "killed.h5"  # a copy of the crash record: each case starts from the same parts
    directory = Path(str(output) + ".parts")
    shutil.copytree(str(killed_morris) + ".parts", directory)
    before = _snapshot(directory)
    assert "manifest.tsv" in before and "part-000000.h5" in before
    completed = _sweep(output, *arguments)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert message in completed.stderr
    assert str(directory) in completed.stderr
    assert _snapshot(directory) == before
    assert not output.exists()


def test_force_discards_leftover_parts(tmp_path):
    output = tmp_path / "forced.h5"
    directory = Path(str(output) + ".parts")
    directory.mkdir()
    (directory / "manifest.tsv").write_text("# plan 0000000000000000\npart\tfile\tfirst_run\truns\n")
    arguments = [*_vary(FACTORS[:2]), "--design", "lhs", "--samples", "3", "-r", "1", "--record", "indicators"]
    completed = _sweep(output, *arguments)
    assert completed.returncode == 2 and "holds parts of an earlier, unfinished command" in completed.stderr
    completed = _sweep(output, *arguments, "--force")
    assert completed.returncode == 0, completed.stderr
    assert output.exists() and not directory.exists()


# ----------------------------------------------------------------------------- shards, merge

def _shards(design, directory, count=3):
    paths = []
    for index in range(1, count + 1):
        path = Path(directory) / ("shard-%d.h5" % index)
        completed = _design_sweep(design, path, "--shard", "%d/%d" % (index, count))
        assert "shard %d/%d" % (index, count) in completed.stdout
        assert "incubsim merge" in completed.stdout
        paths.append(path)
    return paths


@pytest.mark.parametrize("design", sorted(DESIGNS))
def test_merged_shards_equal_the_single_process_sweep(designed, design, tmp_path):
    shards = _shards(design, tmp_path)
    total = DESIGNS[design][1] * REPLICATIONS
    for index, path in enumerate(shards, start=1):
        with h5py.File(path, "r") as f:
            first, end = total * (index - 1) // 3, total * index // 3
            assert list(f["runs/run"][()]) == list(range(first, end))
            assert int(f.attrs["total_runs"]) == total
            assert "summary" not in f and "sensitivity" not in f
            with h5py.File(designed[design], "r") as whole:
                assert f.attrs["plan"] == whole.attrs["plan"]
    shuffled = shards[:]
    random.Random(3).shuffle(shuffled)
    assert shuffled != shards
    merged = tmp_path / "merged.h5"
    completed = _incubsim("merge", merged, *shuffled)
    assert completed.returncode == 0, completed.stderr
    assert "Merged 3 shards (%d runs) into %s" % (total, merged) in completed.stdout
    assert_same_results(designed[design], merged)
    # An existing output file needs --force.
    completed = _incubsim("merge", merged, *shards)
    assert completed.returncode == 2 and "use --force" in completed.stderr
    assert _incubsim("merge", merged, *shards, "--force").returncode == 0


@pytest.fixture(scope="module")
def lhs_shards(tmp_path_factory):
    directory = tmp_path_factory.mktemp("shards")
    shards = _shards("lhs", directory)
    # Shard 2 of 4 overlaps shards 1 and 2 of 3; shard 2 of another seed belongs to another sweep.
    overlapping = directory / "overlapping.h5"
    _design_sweep("lhs", overlapping, "--shard", "2/4")
    other = directory / "other-sweep.h5"
    completed = _sweep(other, *_vary(), *DESIGNS["lhs"][0], "-r", REPLICATIONS, "--seed", SEED + 1,
                       "--record", "events", "--shard", "2/3")
    assert completed.returncode == 0, completed.stderr
    text = directory / "text.h5"
    text.write_text("not HDF5\n")
    plain = directory / "plain.h5"
    with h5py.File(plain, "w") as f:
        f.create_dataset("x", data=[1, 2, 3])
    run = directory / "run.h5"
    completed = _incubsim("run", _small(), "-r", "2", "--record", "events", "-q", "-o", run)
    assert completed.returncode == 0, completed.stderr
    return {"1": shards[0], "2": shards[1], "3": shards[2], "overlapping": overlapping, "other": other,
            "text": text, "plain": plain, "run": run, "missing": directory / "no-such-file.h5"}


MERGE_REFUSALS = {
    "missing middle shard": (["3", "1"], "runs 6..12 are missing: no shard holds them"),
    "missing last shard": (["2", "1"], "runs 13..19 are missing: no shard holds them"),
    "missing first shard": (["3", "2"], "runs 0..5 are missing: no shard holds them"),
    "overlapping shard": (["1", "2", "3", "overlapping"], "overlaps another shard"),
    "a shard twice": (["1", "2", "3", "2"], "overlaps another shard"),
    "shard of another sweep": (["1", "other", "3"], "belongs to a different sweep"),
    "non-existent file": (["1", "2", "missing"], "not found"),
    "not an HDF5 file": (["1", "2", "text"], "not an HDF5 file"),
    "HDF5 but not results": (["1", "2", "plain"], "not an incubsim results file"),
    "a run file": (["1", "2", "3", "run"], "belongs to a different sweep"),
    "only a run file": (["run"], "merge joins shards of a sweep"),
    "no shard": ([], "merge needs an output file and at least one shard"),
}


@pytest.mark.parametrize("case", sorted(MERGE_REFUSALS))
def test_merge_refuses_bad_shards(lhs_shards, tmp_path, case):
    names, message = MERGE_REFUSALS[case]
    output = tmp_path / "merged.h5"
    completed = _incubsim("merge", output, *[lhs_shards[name] for name in names])
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert message in completed.stderr
    assert list(tmp_path.iterdir()) == []  # no output file, no temporary


def test_merge_refuses_shards_whose_ranges_differ_below_a_millionth(tmp_path):
    """The plan fingerprint must tell apart factors that differ in any digit."""
    paths = []
    for index, low in ((1, "0.0500001"), (2, "0.0500004")):
        path = tmp_path / ("shard-%d.h5" % index)
        completed = _sweep(path, "--vary", "dynamics.registration_probability=%s:0.1" % low, "--design", "lhs",
                           "--samples", "4", "-r", "1", "--record", "indicators", "--shard", "%d/2" % index)
        assert completed.returncode == 0, completed.stderr
        paths.append(path)
    output = tmp_path / "merged.h5"
    completed = _incubsim("merge", output, *paths)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert "belongs to a different sweep" in completed.stderr
    assert not output.exists()


# -------------------------------------------------------------------------------- bad input

BASE = ["--design", "lhs", "--samples", "4", "-r", "1", "--record", "indicators"]
WAGE = "dynamics.wage_per_month"

BAD_INPUTS = {
    "unknown key": (["--vary", "dynamics.wage_per_mnth=3000:9000", *BASE], "did you mean 'dynamics.wage_per_month'"),
    "non-numeric LO": (["--vary", WAGE + "=abc:9000", *BASE], "LO and HI must be numbers"),
    "non-numeric HI": (["--vary", WAGE + "=3000:9x", *BASE], "LO and HI must be numbers"),
    "LO above HI": (["--vary", WAGE + "=9000:3000", *BASE], "LO must be below HI"),
    "LO equals HI": (["--vary", WAGE + "=3000:3000", *BASE], "LO must be below HI"),
    "log on an integer": (["--vary", "carrier.test-incubator.capacity=4:12:log", *BASE],
                          "is an integer; a log scale needs a real parameter"),
    "log from zero": (["--vary", WAGE + "=0:9000:log", *BASE], "a log-scale factor needs low > 0"),
    "unknown scale": (["--vary", WAGE + "=3000:9000:lin", *BASE], "expected KEY=LO:HI or KEY=LO:HI:log"),
    "no range": (["--vary", WAGE, *BASE], "expected KEY=LO:HI, KEY=LO:HI:log or KEY=a,b,c"),
    "range on a choice": (["--vary", "operator.test-operator.objective=0:1", *BASE], "give its choices, KEY=a,b,c"),
    "one choice": (["--vary", "operator.test-operator.objective=quality", *BASE], "at least two choices"),
    "repeated choice": (["--vary", "operator.test-operator.objective=quality,quality", *BASE], "is listed twice"),
    "unknown choice": (["--vary", "operator.test-operator.objective=quality,bogus", *BASE], "bogus"),
    "range outside the parameter's": (["--vary", "dynamics.registration_probability=0.5:2", *BASE], "out of range"),
    "integer bounds not whole": (["--vary", "carrier.test-incubator.capacity=4.5:12", *BASE], "whole-number bounds"),
    "no --vary": (BASE, "sweep needs at least one --vary"),
    "unknown design": (["--vary", WAGE + "=3000:9000", "--design", "fractional", "-r", "1"],
                       "--design must be grid, lhs, sobol or morris, got 'fractional'"),
    "lhs without samples": (["--vary", WAGE + "=3000:9000", "--design", "lhs", "-r", "1"],
                            "--design lhs needs --samples N"),
    "sobol with 1 sample": (["--vary", WAGE + "=3000:9000", "--design", "sobol", "--samples", "1", "-r", "1"],
                            "--design sobol needs --samples N"),
    "morris with 1 trajectory": (["--vary", WAGE + "=3000:9000", "--design", "morris", "--samples", "1", "-r", "1"],
                                 "--design morris needs --samples R"),
    "morris odd levels": (["--vary", WAGE + "=3000:9000", "--design", "morris", "--samples", "2", "--levels", "5",
                           "-r", "1"], "even number of levels"),
    "grid repeating integers": (["--vary", "carrier.test-incubator.capacity=4:6", "--design", "grid", "--levels", "5",
                                 "-r", "1"], "would repeat values"),
    "shard 0/3": (["--vary", WAGE + "=3000:9000", *BASE, "--shard", "0/3"], "--shard must be I/N with 1 <= I <= N"),
    "shard 4/3": (["--vary", WAGE + "=3000:9000", *BASE, "--shard", "4/3"], "--shard must be I/N with 1 <= I <= N"),
    "shard x": (["--vary", WAGE + "=3000:9000", *BASE, "--shard", "x"], "--shard must be I/N with 1 <= I <= N"),
    "shard 1/3x": (["--vary", WAGE + "=3000:9000", *BASE, "--shard", "1/3x"], "--shard must be I/N with 1 <= I <= N"),
    "more shards than runs": (["--vary", WAGE + "=3000:9000", *BASE, "--shard", "1/5"], "more shards than the sweep's 4 runs"),
    "repeated key": (["--vary", WAGE + "=3000:9000", "--vary", WAGE + "=1000:2000", *BASE], "is given twice"),
    "simulation key": (["--vary", "simulation.horizon_months=12:24", *BASE], "[simulation] keys cannot be swept"),
    "target key": (["--vary", "target.incubator-residents.threshold=1:9", *BASE], "[target] keys cannot be swept"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_exits_2_and_writes_nothing(tmp_path, case):
    arguments, message = BAD_INPUTS[case]
    output = tmp_path / "out" / "bad.h5"
    completed = _sweep(output, *arguments)
    assert completed.returncode == 2, (completed.stdout, completed.stderr)
    assert message in completed.stderr
    assert not output.parent.exists()  # no file, no parts directory, not even the directory


def test_help_lists_every_option():
    completed = _incubsim("sweep", "--help")
    assert completed.returncode == 0, completed.stderr
    for option in ("--vary", "--design", "--samples", "--levels", "--resume", "--shard", "--replications", "--seed",
                   "--output", "--record", "--part-runs", "--threads", "--force", "--quiet"):
        assert option in completed.stdout, option
    completed = _incubsim("merge", "--help")
    assert completed.returncode == 0 and "--force" in completed.stdout


def test_info_summarises_the_design_and_the_sensitivity(designed):
    binary, _ = _environment()
    completed = subprocess.run([binary, "info", str(designed["sobol"])], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert "design:           sobol_saltelli, %d points, %d factors, seed %d" % (DESIGNS["sobol"][1], K, SEED) in completed.stdout
    for key in KEYS:
        assert "  %s (" % key in completed.stdout
    assert "rows in /sensitivity" in completed.stdout
    grid = subprocess.run([binary, "info", str(designed["grid"])], capture_output=True, text=True, check=False)
    assert "design:           grid" in grid.stdout and "/sensitivity" not in grid.stdout
