"""`incubsim export FILE.h5 --csv DIR` (docs/output-format.md, "CSV export"): the CSV tables read
back with pandas agree with the results file read with h5py, row for row and value for value, and
bad input is refused with one line, exit 2 and nothing left behind.

Run by ctest as `/usr/bin/python3 -m pytest -q tests/python` with INCUBSIM_BINARY (the built
executable) and INCUBSIM_SOURCE_DIR (the repository) in the environment.
"""

import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

import support

RUNS = 3
MONTHS = 24  # scenarios/test/small.toml
COMPARE_REPLICATIONS = 3
ROBUSTNESS_POINTS = 3
SWEEP_REPLICATIONS = 2

# A target text a spreadsheet must get back whole: a comma, quotes and a line break.
AWKWARD_TEXT = 'Jobs, "many" of them,\nby the end of 2022'

REFERENCE = '''extends = "{small}"

[scenario]
name = "reference"

[[target]]
id = "jobs-2022"
indicator = "jobs"
threshold = 50
deadline = "2022-12"
scope = "county"
measure = "stock"
text = """{text}"""

[uncertainty]
"operator.test-operator.service_quality" = {{ low = 0.6, high = 0.9, source = "assumption (test)" }}
"dynamics.hazard_shape" = {{ low = 0.5, high = 2.0, scale = "log", source = "assumption (test)" }}
'''

ALTERNATIVE = '''extends = "{small}"

[scenario]
name = "more-entrants"

[[source]]
id = "grassroots"
potential_per_month = 16.0
source = "test: twice the potential entrants of small.toml"

[uncertainty]
"operator.test-operator.service_quality" = {{ low = 0.7, high = 0.95, source = "assumption (test)" }}
"carrier.test-incubator.capacity" = {{ low = 4, high = 12, source = "assumption (test)" }}
'''

SWEEP_FACTORS = [
    ("carrier.test-incubator.capacity", "4:12"),
    ("operator.test-operator.objective", "quality,ability-to-pay,policy-fit"),
    ("operator.test-operator.public_cost_per_month", "500:5000:log"),
]

_text = support.text


def _incubsim(*arguments):
    binary, _ = support.environment()
    return subprocess.run([binary, *[str(a) for a in arguments]], capture_output=True, text=True, check=False)


def _export(results, directory, *extra):
    return _incubsim("export", results, "--csv", directory, *extra)


def _read(directory, name):
    """A CSV table as pandas reads it: numbers parsed to the same double, only empty cells as NaN."""
    return pd.read_csv(Path(directory) / name, float_precision="round_trip", keep_default_na=False, na_values=[""])


def _exported(results, directory):
    completed = _export(results, directory)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert "Exported %s to %s" % (results, directory) in completed.stdout
    return directory


def _same_numbers(csv_column, stored):
    """Exact equality, NaN (stored) against an empty cell (CSV)."""
    csv_values = np.asarray(csv_column, dtype=np.float64)
    stored = np.asarray(stored, dtype=np.float64)
    assert csv_values.shape == stored.shape
    assert np.array_equal(np.isnan(csv_values), np.isnan(stored))
    finite = ~np.isnan(stored)
    assert np.array_equal(csv_values[finite], stored[finite])


def _leftovers(directory):
    """DIR itself or a temporary sibling of it (DIR.tmp-<pid>, DIR.old-<pid>)."""
    directory = Path(directory)
    return sorted(p.name for p in directory.parent.glob(directory.name + "*"))


# ------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def run_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-run") / "small.h5"
    completed = _incubsim("run", support.small_scenario(), "-r", RUNS, "-q", "-o", path)
    assert completed.returncode == 0, completed.stderr
    return path


@pytest.fixture(scope="module")
def run_csv(run_file, tmp_path_factory):
    return _exported(run_file, tmp_path_factory.mktemp("export-run-csv") / "csv")


@pytest.fixture(scope="module")
def compare_file(tmp_path_factory):
    directory = tmp_path_factory.mktemp("export-compare")
    small = support.small_scenario()
    reference = directory / "reference.toml"
    reference.write_text(REFERENCE.format(small=small, text=AWKWARD_TEXT))
    alternative = directory / "alternative.toml"
    alternative.write_text(ALTERNATIVE.format(small=small))
    path = directory / "compare.h5"
    completed = _incubsim("compare", reference, alternative, "-r", COMPARE_REPLICATIONS, "--robustness",
                          ROBUSTNESS_POINTS, "--record", "events", "-q", "-o", path)
    assert completed.returncode == 0, completed.stderr
    return path


@pytest.fixture(scope="module")
def compare_csv(compare_file, tmp_path_factory):
    return _exported(compare_file, tmp_path_factory.mktemp("export-compare-csv") / "tables")


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("export-sweep") / "sweep.h5"
    vary = [argument for key, values in SWEEP_FACTORS for argument in ("--vary", "%s=%s" % (key, values))]
    completed = _incubsim("sweep", support.small_scenario(), *vary, "--design", "morris", "--samples", "2", "-r",
                          SWEEP_REPLICATIONS, "--record", "indicators", "-q", "-o", path)
    assert completed.returncode == 0, completed.stderr
    return path


@pytest.fixture(scope="module")
def sweep_csv(sweep_file, tmp_path_factory):
    return _exported(sweep_file, tmp_path_factory.mktemp("export-sweep-csv") / "csv")


# ------------------------------------------------------------------------------------ run files

def test_run_export_writes_the_tables_listed_in_the_index(run_csv, run_file):
    index = _read(run_csv, "index.csv")
    files = list(index["file"])
    assert files[:3] == ["provenance.csv", "scenarios.csv", "runs.csv"]
    for name in ("indicators.csv", "events.csv", "trajectories.csv", "targets.csv", "target_attainment.csv",
                 "carriers.csv", "summary_targets.csv", "summary_outcomes.csv"):
        assert name in files
    for name in ("compare.csv", "robustness.csv", "design.csv", "sensitivity.csv"):  # not in a run file
        assert name not in files
    assert sorted(p.name for p in Path(run_csv).iterdir()) == sorted(files + ["index.csv"])
    assert set(index["source"]) == {str(Path(run_file).resolve())}
    for name, rows in zip(index["file"], index["rows"]):
        assert len(_read(run_csv, name)) == rows, name
    assert _leftovers(run_csv) == ["csv"]  # no temporary directory next to it


def test_run_export_row_counts_match_the_hdf5_datasets(run_csv, run_file):
    with h5py.File(run_file, "r") as f:
        met = f["targets/met"][()]
        expected = {
            "runs.csv": f["runs/run"].shape[0],
            "scenarios.csv": f["scenarios/names"].shape[0],
            "indicators.csv": f["indicators/values"].shape[0] * f["indicators/values"].shape[1],
            "indicator_info.csv": f["indicators/indicator"].shape[0],
            "events.csv": f["events/run"].shape[0],
            "trajectories.csv": f["trajectories/run"].shape[0],
            "targets.csv": f["targets/id"].shape[0],
            "target_attainment.csv": int(np.sum(met != 255)),
            "carriers.csv": f["carriers/id"].shape[0],
            "summary_targets.csv": f["summary/targets/share"].shape[0],
            "summary_outcomes.csv": f["summary/outcomes/mean"].shape[0],
        }
    assert expected["indicators.csv"] == RUNS * MONTHS
    assert expected["events.csv"] > 0 and expected["trajectories.csv"] > 0
    for name, rows in expected.items():
        assert len(_read(run_csv, name)) == rows, name


def test_runs_csv_has_every_runs_dataset_as_a_column(run_csv, run_file):
    runs = pd.read_csv(Path(run_csv) / "runs.csv", dtype=str)
    with h5py.File(run_file, "r") as f:
        for name in f["runs"]:
            assert list(runs[name]) == [str(v) for v in f["runs"][name][()]], name  # uint64 seeds digit for digit
        names = _text(f["scenarios/names"][()])
        assert list(runs["scenario_name"]) == [names[i] for i in f["runs/scenario"][()]]


def test_indicator_values_round_trip_exactly(run_csv, run_file):
    table = _read(run_csv, "indicators.csv")
    with h5py.File(run_file, "r") as f:
        values = f["indicators/values"][()]
        names = _text(f["indicators/indicator"][()])
        labels = _text(f["indicators/month_label"][()])
    assert list(table.columns) == ["run", "scenario_name", "replication", "month", "month_label"] + names
    assert list(table["run"]) == [r for r in range(RUNS) for _ in range(MONTHS)]
    assert list(table["month_label"]) == labels * RUNS
    # Every cell, bit for bit: the CSV holds the shortest text that reads back as the same double.
    _same_numbers(table[names].to_numpy(), values.reshape(RUNS * MONTHS, len(names)))
    assert np.any(values != np.round(values))  # some values are not integers, so precision is tested


def test_events_decode_kinds_stages_and_carriers(run_csv, run_file):
    table = _read(run_csv, "events.csv")
    with h5py.File(run_file, "r") as f:
        events = {name: f["events"][name][()] for name in f["events"]}
        kinds = np.array(_text(f["labels/event_kinds"][()]))
        stages = np.array(_text(f["labels/stages"][()]))
        carrier_ids = _text(f["carriers/id"][()])  # one scenario: its carriers in file order
    assert list(table.columns) == ["run", "scenario_name", "month", "month_label", "venture", "kind", "from_stage",
                                   "to_stage", "carrier", "carrier_id", "value"]
    assert list(table["kind"]) == list(kinds[events["kind"]])
    for column in ("from_stage", "to_stage"):
        codes = events[column]
        expected = [stages[c] if c >= 0 else "" for c in codes]
        assert list(table[column].fillna("")) == expected
    assert list(table["carrier_id"].fillna("")) == [carrier_ids[c] if c >= 0 else "" for c in events["carrier"]]
    # Carrier events have no venture (0xFFFFFFFF in the file): an empty cell.
    no_venture = events["venture"] == 0xFFFFFFFF
    assert np.array_equal(table["venture"].isna().to_numpy(), no_venture)
    assert np.array_equal(table["venture"][~no_venture].to_numpy(dtype=np.int64), events["venture"][~no_venture])
    # float32 values print as the shortest float32 text: read back as float32, they are equal.
    assert np.array_equal(table["value"].to_numpy().astype(np.float32), events["value"])


def test_trajectories_round_trip_float32_columns(run_csv, run_file):
    table = _read(run_csv, "trajectories.csv")
    with h5py.File(run_file, "r") as f:
        group = f["trajectories"]
        statuses = np.array(_text(f["labels/statuses"][()]))
        for name in ("revenue", "cash", "skill", "technology"):
            assert np.array_equal(table[name].to_numpy().astype(np.float32), group[name][()]), name
        assert np.array_equal(table["headcount"].to_numpy(), group["headcount"][()])
        assert list(table["status"]) == list(statuses[group["status"][()]])


def test_provenance_lists_the_root_attributes(run_csv, run_file):
    table = pd.read_csv(Path(run_csv) / "provenance.csv", dtype=str, keep_default_na=False)
    values = dict(zip(table["key"], table["value"]))
    with h5py.File(run_file, "r") as f:
        assert values["format"] == "incubsim-results"
        assert values["format_version"] == str(int(f.attrs["format_version"]))
        assert values["total_runs"] == str(RUNS)
        assert values["plan"] == f.attrs["plan"]
        assert values["provenance.command_line"] == f["provenance"].attrs["command_line"]


# ------------------------------------------------------------------------------------ compare files

def test_quoted_text_with_comma_quotes_and_newline_comes_back_whole(compare_csv, compare_file):
    targets = _read(compare_csv, "targets.csv")
    assert AWKWARD_TEXT in list(targets["text"])
    raw = (Path(compare_csv) / "targets.csv").read_bytes().decode("utf-8")
    assert '"Jobs, ""many"" of them,\nby the end of 2022"' in raw  # RFC 4180: quoted, inner quotes doubled
    assert raw.endswith("\r\n")
    scenarios = _read(compare_csv, "scenarios.csv")
    with h5py.File(compare_file, "r") as f:
        texts = _text(f["scenarios/texts"][()])
        assert list(scenarios["name"]) == _text(f["scenarios/names"][()])
    assert all("\n" in text for text in texts)
    assert list(scenarios["text"]) == texts


def test_compare_tables_match_the_file(compare_csv, compare_file):
    with h5py.File(compare_file, "r") as f:
        compare = f["compare"]
        table = _read(compare_csv, "compare.csv")
        assert len(table) == compare["name"].shape[0]
        assert list(table["name"]) == _text(compare["name"][()])
        for column in ("mean", "difference", "difference_low", "difference_per_million"):
            _same_numbers(table[column], compare[column][()])
        assert table["difference_per_million"].isna().any()  # NaN in the reference's rows: empty cells

        robustness = f["robustness"]
        points, scenarios, metrics = robustness["difference"].shape
        assert points == ROBUSTNESS_POINTS and scenarios == 2
        long = _read(compare_csv, "robustness.csv")
        assert len(long) == points * scenarios * metrics
        _same_numbers(long["difference"], robustness["difference"][()].reshape(-1))
        summary = _read(compare_csv, "robustness_summary.csv")
        assert len(summary) == robustness["summary/beats"].shape[0]
        assert list(summary["beats"]) == list(robustness["summary/beats"][()])
        keys = robustness["key"].shape[0]
        assert len(_read(compare_csv, "robustness_correlation.csv")) == scenarios * metrics * keys
        assert len(_read(compare_csv, "robustness_points.csv")) == points
        assert len(_read(compare_csv, "uncertainty.csv")) == f["uncertainty/key"].shape[0] == 4
        assert len(_read(compare_csv, "events.csv")) == f["events/run"].shape[0]
        assert "trajectories.csv" not in list(_read(compare_csv, "index.csv")["file"])  # record level events


# ------------------------------------------------------------------------------------ sweep files

def test_sweep_design_and_indicators(sweep_csv, sweep_file):
    design = _read(sweep_csv, "design.csv")
    with h5py.File(sweep_file, "r") as f:
        keys = _text(f["design/factor"][()])
        choices = _text(f["design/choices"][()])
        values = f["design/value"][()]
        unit = f["design/unit"][()]
        assert len(design) == values.shape[0]
        assert list(design.columns) == ["point"] + keys + ["unit:" + key for key in keys]
        for k, key in enumerate(keys):
            if choices[k]:  # categorical: the choice, not its index
                options = choices[k].split(",")
                assert list(design[key]) == [options[int(v)] for v in values[:, k]]
            else:
                _same_numbers(design[key], values[:, k])
            _same_numbers(design["unit:" + key], unit[:, k])
        assert len(_read(sweep_csv, "sensitivity.csv")) == f["sensitivity/factor"].shape[0] == 12 * len(keys)
        indicators = _read(sweep_csv, "indicators.csv")
        runs, months, _ = f["indicators/values"].shape
        assert len(indicators) == runs * months
        assert list(indicators["point"]) == [p for p in f["runs/point"][()] for _ in range(months)]
        attainment = _read(sweep_csv, "target_attainment.csv")
        met = f["targets/met"][()]
        assert list(attainment["met"]) == list(met[met != 255])
    assert "events.csv" not in list(_read(sweep_csv, "index.csv")["file"])  # record level indicators


# ------------------------------------------------------------------------------------ bad input

def _foreign(path):
    with h5py.File(path, "w") as f:
        f["data"] = np.arange(3)


def _truncated(path, source):
    data = Path(source).read_bytes()
    Path(path).write_bytes(data[: len(data) // 2])


def _newer(path, source):
    shutil.copy(source, path)
    with h5py.File(path, "r+") as f:
        f.attrs["format_version"] = np.int32(int(f.attrs["format_version"]) + 1)


BAD_FILES = {
    "missing": (lambda path, source: None, "not found"),
    "not HDF5": (lambda path, source: Path(path).write_text("run,value\n1,2\n"), "not an HDF5 file"),
    "foreign HDF5": (lambda path, source: _foreign(path), "not an incubsim results file"),
    "truncated": (_truncated, "truncated"),
    "newer format_version": (_newer, "format_version"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_exit_2_with_one_line_and_leave_nothing(case, run_file, tmp_path):
    make, message = BAD_FILES[case]
    path = tmp_path / "bad.h5"
    make(path, run_file)
    directory = tmp_path / "csv"
    completed = _export(path, directory)
    assert completed.returncode == 2
    assert completed.stdout == ""
    lines = completed.stderr.splitlines()
    assert len(lines) == 1, completed.stderr
    assert lines[0].startswith("incubsim export: ")
    assert "bad.h5" in lines[0] and message in lines[0]
    assert _leftovers(directory) == []


def test_a_broken_table_found_mid_export_leaves_no_temporary_directory(run_file, tmp_path):
    path = tmp_path / "broken.h5"
    shutil.copy(run_file, path)
    with h5py.File(path, "r+") as f:
        f["trajectories/status"][0] = 77  # no such status; found only when trajectories.csv is written
    directory = tmp_path / "csv"
    completed = _export(path, directory)
    assert completed.returncode == 2
    assert completed.stderr.splitlines() == ["incubsim export: %s: code 77 is not in /labels/statuses" % path]
    assert _leftovers(directory) == []


def test_a_non_empty_directory_is_refused_and_left_untouched(run_file, tmp_path):
    directory = tmp_path / "csv"
    directory.mkdir()
    (directory / "notes.txt").write_text("mine")
    completed = _export(run_file, directory)
    assert completed.returncode == 2
    assert completed.stderr.splitlines() == ["incubsim export: directory '%s' is not empty; use --force to replace its contents"
                                             % directory]
    assert [p.name for p in directory.iterdir()] == ["notes.txt"]
    assert (directory / "notes.txt").read_text() == "mine"
    assert _leftovers(directory) == ["csv"]


def test_force_replaces_the_contents_only_after_a_complete_export(run_file, tmp_path):
    directory = tmp_path / "csv"
    directory.mkdir()
    (directory / "notes.txt").write_text("mine")
    foreign = tmp_path / "foreign.h5"
    _foreign(foreign)
    failed = _export(foreign, directory, "--force")
    assert failed.returncode == 2
    assert (directory / "notes.txt").read_text() == "mine"  # a failed export keeps the old contents
    completed = _export(run_file, directory, "--force")
    assert completed.returncode == 0, completed.stderr
    assert not (directory / "notes.txt").exists()
    assert (directory / "runs.csv").exists()
    assert _leftovers(directory) == ["csv"]


def test_an_empty_directory_is_used(run_file, tmp_path):
    directory = tmp_path / "csv"
    directory.mkdir()
    completed = _export(run_file, directory)
    assert completed.returncode == 0, completed.stderr
    assert len(_read(directory, "runs.csv")) == RUNS


@pytest.mark.parametrize("arguments, message", [
    (["{file}"], "export needs --csv DIR"),
    (["{file}", "--csv", "{dir}", "extra.h5"], "too many positional options"),
    (["{file}", "--csv", "{dir}", "--frobnicate"], "frobnicate"),
    ([], "export needs a results file"),
])
def test_bad_command_lines_are_usage_errors(arguments, message, run_file, tmp_path):
    directory = tmp_path / "csv"
    completed = _incubsim("export", *[a.format(file=run_file, dir=directory) for a in arguments])
    assert completed.returncode == 2
    lines = completed.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], completed.stderr
    assert _leftovers(directory) == []
