"""The analysis package on real results files: loaders (analysis.results), survival with stage as a
time-varying state (analysis.survival), the HTML report (analysis.report) and its bad inputs, and
the report rendered in headless Chromium (analysis.browser)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pytest

from support import environment, small_scenario, text

REPOSITORY = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPOSITORY))

from analysis import calibration, survival  # noqa: E402
from analysis.results import MissingTable, Results, ResultsError  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n"
YIYUAN = ("baseline-4n", "market-only", "no-programme")


def _incubsim(*arguments):
    binary, _ = environment()
    completed = subprocess.run([binary, *[str(a) for a in arguments]], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return completed


def _report(*arguments):
    return subprocess.run([sys.executable if sys.executable == "/usr/bin/python3" else "/usr/bin/python3",
                           "-m", "analysis.report", *[str(a) for a in arguments], "-q"],
                          capture_output=True, text=True, check=False, cwd=REPOSITORY)


@pytest.fixture(scope="module")
def compare_file(tmp_path_factory):
    _, source = environment()
    path = tmp_path_factory.mktemp("report") / "compare.h5"
    _incubsim("compare", *[source / "scenarios" / "yiyuan" / f"{n}.toml" for n in YIYUAN], "-r", 4,
              "--robustness", 4, "--record", "events", "-q", "-o", path)
    return path


@pytest.fixture(scope="module")
def trajectory_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "run.h5"
    _incubsim("run", small_scenario(), "-r", 3, "--record", "trajectories", "-q", "-o", path)
    return path


@pytest.fixture(scope="module")
def sobol_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "sobol.h5"
    _incubsim("sweep", small_scenario(), "--vary", "operator.test-operator.service_quality=0.3:0.9",
              "--vary", "carrier.test-incubator.capacity=4:12", "--design", "sobol", "--samples", 8, "-r", 2,
              "--record", "indicators", "-q", "-o", path)
    return path


# -- loaders ----------------------------------------------------------------------------------

def test_runs_and_indicators_match_the_file(compare_file):
    with Results(compare_file) as r, h5py.File(compare_file) as f:
        runs = r.runs()
        assert len(runs) == f.attrs["total_runs"] == 4 * len(YIYUAN)
        assert list(runs["scenario_name"].unique()) == list(YIYUAN)
        values = f["indicators/values"][:]
        names = text(f["indicators/indicator"][:])
        wide = r.indicators(["jobs", "ventures_base"])
        assert len(wide) == values.shape[0] * values.shape[1]
        np.testing.assert_array_equal(wide["jobs"].to_numpy(), values[:, :, names.index("jobs")].ravel())
        tidy = r.indicators(["jobs", "ventures_base"], tidy=True)
        assert len(tidy) == 2 * len(wide)
        chosen = tidy[(tidy["run"] == 5) & (tidy["month"] == 7) & (tidy["indicator"] == "ventures_base")]
        assert chosen["value"].item() == values[5, 7, names.index("ventures_base")]
        subset = r.indicators(["jobs"], runs=np.array([7, 2]))
        np.testing.assert_array_equal(subset["jobs"].to_numpy()[:values.shape[1]], values[7, :, names.index("jobs")])
        with pytest.raises(MissingTable, match="no indicator 'nonsense'"):
            r.indicators(["nonsense"])


def test_events_targets_attainment_compare_and_robustness(compare_file):
    with Results(compare_file) as r, h5py.File(compare_file) as f:
        events = r.events()
        assert len(events) == f["events/kind"].shape[0]
        kinds = text(f["labels/event_kinds"][:])
        assert (events["kind"].astype(str).to_numpy() == np.asarray(kinds)[f["events/kind"][:]]).all()
        assert set(events["to_stage"]) <= {"outside", "nursery", "incubator", "accelerator", "park", ""}
        targets = r.targets()
        attainment = r.attainment()
        shares = attainment.groupby("target")["met"].mean()
        np.testing.assert_allclose(shares.to_numpy(), targets.set_index("target").loc[shares.index, "share"].to_numpy())
        compare = r.compare()
        assert len(compare) == f["compare/mean"].shape[0]
        robustness = r.robustness()
        points, scenarios, metrics = f["robustness/difference"].shape
        assert len(robustness) == points * scenarios * metrics
        summary = r.robustness_summary()
        assert (summary["beats"] + summary["ties"] + summary["loses"] == summary["points"]).all()
        array = r.to_xarray()
        assert array.dims == ("run", "month", "indicator")
        assert str(array["month"].values[0])[:7] == text(f["indicators/month_label"][:1])[0]
        with pytest.raises(MissingTable, match="only sweeps"):
            r.design()
        with pytest.raises(MissingTable, match="--record trajectories"):
            r.trajectories()


def test_trajectories_and_design(trajectory_file, sobol_file):
    with Results(trajectory_file) as r, h5py.File(trajectory_file) as f:
        trajectories = r.trajectories()
        assert len(trajectories) == f["trajectories/run"].shape[0]
        assert set(trajectories["status"]) <= {"active", "failed", "relocated", "acquired"}
    with Results(sobol_file) as r, h5py.File(sobol_file) as f:
        design = r.design()
        k = f["design/factor"].shape[0]
        assert len(design) == 8 * (k + 2)
        np.testing.assert_array_equal(design["carrier.test-incubator.capacity"].to_numpy(), f["design/value"][:, 1])
        assert len(r.sensitivity()) == 12 * k
        with pytest.raises(MissingTable, match="--robustness"):
            r.robustness_summary()


def test_stage_at_reads_the_stage_of_the_trajectories(trajectory_file):
    """The stage reconstructed from events equals the stage the trajectories record, month by month."""
    events = calibration.read_events(trajectory_file)
    history = survival.entrant_history(events)
    with h5py.File(trajectory_file) as f:
        t = {name: f["trajectories"][name][:].astype(np.int64) for name in ("run", "month", "venture", "stage", "status")}
    key = t["run"] * 2**32 + t["venture"]
    life_keys = history.lives.run * 2**32 + history.venture
    position = np.searchsorted(life_keys, key)
    known = (position < len(life_keys)) & (life_keys[np.minimum(position, len(life_keys) - 1)] == key) & (t["status"] == 0)
    assert known.sum() > 500
    stage = history.stage_at(position[known], t["month"][known])
    np.testing.assert_array_equal(stage, t["stage"][known])


def test_landmark_groups_hold_exactly_the_entrants_alive_at_the_landmark(compare_file):
    events = calibration.read_events(compare_file)
    history = survival.entrant_history(events)
    lives = history.lives
    for landmark in survival.LANDMARKS:
        curves = survival.landmark_curves(history, landmark)
        sizes = curves.groupby("stage")["ventures"].first()
        alive = ((lives.last_age >= landmark) & (lives.entry_month + landmark < events.horizon)).sum()
        assert sizes.sum() == alive > 0
        assert (curves.groupby("stage")["survival"].diff().fillna(0) <= 1e-12).all()  # never rises
        assert ((curves["lower"] <= curves["survival"] + 1e-12) & (curves["survival"] <= curves["upper"] + 1e-12)).all()


def test_paired_effect_of_a_scenario_against_itself_is_exactly_zero(compare_file):
    events = calibration.read_events(compare_file)
    history = survival.entrant_history(events)
    with Results(compare_file) as r:
        runs = r.runs()
    effects = survival.paired_effects(history, runs, "no-programme", (12, 24))
    own = effects[effects["scenario_name"] == "no-programme"]
    assert (own["effect"] == 0).all() and (own["n"] == 4).all()
    # Same entrants, different carriers: the programme's survival differs from the counterfactual's.
    other = effects[(effects["scenario_name"] == "baseline-4n") & (effects["age"] == 24)]
    assert other["effect"].item() != 0


# -- the report -------------------------------------------------------------------------------

def test_report_of_a_comparison_has_every_section_and_figure(compare_file, tmp_path):
    output = tmp_path / "report"
    completed = _report(compare_file, "-o", output)
    assert completed.returncode == 0, completed.stderr
    assert str(output / "index.html") in completed.stdout
    page = (output / "index.html").read_text()
    for figure in ("targets", "indicators", "flows", "survival_landmark", "survival_effect", "cost", "robustness"):
        data = (output / "figures" / f"{figure}.png").read_bytes()
        assert data.startswith(PNG) and len(data) > 5000, figure
        assert f'id="fig-{figure}"' in page
    for heading in ("At a glance", "Target attainment", "Stage flows", "Survival", "Public cost", "Robustness"):
        assert heading in page
    assert "[input-driven]" not in page or "input-driven" in page
    assert "no-programme" in page and "highest stage reached" in page
    assert page.count("data:image/png;base64,") == len(list((output / "figures").iterdir()))
    assert (output / "tables" / "robustness.csv").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".report")], "temporary directory left behind"


def test_report_shows_gross_and_net_county_jobs_against_the_counterfactual(compare_file, tmp_path):
    """The cost table's gross and net effects on county jobs are the paired means of jobs and
    jobs_net against no-programme at the last month (issue 17), and the glance shows them."""
    output = tmp_path / "report"
    assert _report(compare_file, "-o", output).returncode == 0
    cost = pd.read_csv(output / "tables" / "cost.csv").set_index("scenario_name")
    with h5py.File(compare_file, "r") as f:
        names = [n.decode() if isinstance(n, bytes) else n for n in f["indicators/indicator"][()]]
        scenario = f["runs/scenario"][()]
        final = f["indicators/values"][:, -1, :]
    for column, label in (("jobs", "gross"), ("jobs_net", "net")):
        values = final[:, names.index(column)]
        for s, name in enumerate(YIYUAN[:2]):
            expected = np.mean(values[scenario == s] - values[scenario == YIYUAN.index("no-programme")])
            assert cost.loc[name, f"{label}_jobs_effect"] == pytest.approx(expected, rel=1e-9)
    assert cost.loc["baseline-4n", "net_jobs_effect"] < cost.loc["baseline-4n", "gross_jobs_effect"]  # displacement 0.25-0.5
    glance = pd.read_csv(output / "tables" / "glance.csv")
    assert "net county jobs vs no-programme (95%)" in glance.columns


def test_report_of_a_sweep_shows_sensitivity(sobol_file, tmp_path):
    output = tmp_path / "sweep-report"
    completed = _report(sobol_file, "-o", output)
    assert completed.returncode == 0, completed.stderr
    page = (output / "index.html").read_text()
    assert "Sensitivity to the swept factors" in page and "sobol_saltelli" in page
    for figure in ("sobol", "sweep_scatter"):
        assert (output / "figures" / f"{figure}.png").read_bytes().startswith(PNG)
    assert "Robustness" not in page


def test_report_of_a_run_without_events_says_what_is_missing(tmp_path):
    path = tmp_path / "indicators.h5"
    _incubsim("run", small_scenario(), "-r", 2, "--record", "indicators", "-q", "-o", path)
    completed = _report(path, "-o", tmp_path / "out")
    assert completed.returncode == 0, completed.stderr
    page = (tmp_path / "out" / "index.html").read_text()
    assert "stage flows need <code>--record events</code>" in page
    assert not (tmp_path / "out" / "figures" / "flows.png").exists()


def _bad_files(directory: Path, good: Path) -> dict:
    cases = {}
    cases["missing"] = (directory / "absent.h5", "no such file")
    text_file = directory / "text.h5"
    text_file.write_text("not hdf5\n")
    cases["not hdf5"] = (text_file, "not an HDF5 file")
    foreign = directory / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = np.arange(3)
    cases["foreign"] = (foreign, "not an incubsim results file")
    newer = directory / "newer.h5"
    shutil.copy(good, newer)
    with h5py.File(newer, "r+") as f:
        f.attrs["format_version"] = np.int32(99)
    cases["newer"] = (newer, "newer than version 5")
    older = directory / "older.h5"
    shutil.copy(good, older)
    with h5py.File(older, "r+") as f:
        f.attrs["format_version"] = np.int32(2)
    cases["older"] = (older, "format version 2")
    truncated = directory / "truncated.h5"
    data = good.read_bytes()
    truncated.write_bytes(data[:len(data) // 2])
    cases["truncated"] = (truncated, str(truncated))
    return cases


def test_bad_results_files_exit_2_with_one_line(compare_file, tmp_path):
    for name, (path, fragment) in _bad_files(tmp_path, compare_file).items():
        output = tmp_path / f"out-{name.replace(' ', '-')}"
        completed = _report(path, "-o", output)
        assert completed.returncode == 2, (name, completed.stderr)
        lines = completed.stderr.strip().splitlines()
        assert len(lines) == 1 and fragment in lines[0], (name, completed.stderr)
        assert "Traceback" not in completed.stderr
        assert not output.exists(), name
        with pytest.raises(ResultsError):
            Results(path)


def test_existing_report_is_refused_then_replaced_only_with_force(compare_file, tmp_path):
    output = tmp_path / "existing"
    output.mkdir()
    (output / "notes.txt").write_text("mine")
    completed = _report(compare_file, "-o", output)
    assert completed.returncode == 2 and "--force" in completed.stderr
    assert (output / "notes.txt").read_text() == "mine"
    completed = _report(compare_file, "-o", output, "--counterfactual", "nonsense", "--force")
    assert completed.returncode == 2 and "no such scenario" in completed.stderr
    assert (output / "notes.txt").read_text() == "mine"
    assert _report("--dpi", 5, compare_file).returncode == 2
    completed = _report(compare_file, "-o", output, "--force")
    assert completed.returncode == 0, completed.stderr
    assert not (output / "notes.txt").exists() and (output / "index.html").exists()


def test_report_renders_in_headless_chromium(compare_file, tmp_path):
    """Every image loads and the console stays clean; the screenshot is kept next to the binary."""
    from analysis import browser

    if browser.find_chromium() is None:
        pytest.skip("chromium is not installed (scripts/install-deps.sh installs it)")
    output = tmp_path / "report"
    assert _report(compare_file, "-o", output).returncode == 0
    binary, _ = environment()
    artifacts = Path(binary).resolve().parent / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    screenshot = artifacts / "report.png"
    check = browser.check_page(output / "index.html", screenshot)
    assert check.images >= 7 and not check.broken_images, check
    assert check.console_errors == [], check
    assert check.ok and "incubsim report" in check.title
    assert screenshot.read_bytes().startswith(PNG) and screenshot.stat().st_size > 20000


def test_the_xarray_example_of_the_docs(compare_file):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    ds = xr.open_dataset(compare_file, group="indicators", engine="h5netcdf")
    series = ds["values"].sel(indicator="ventures_active").mean("run").to_series()
    with Results(compare_file) as r:
        wide = r.indicators(["ventures_active"])
    np.testing.assert_allclose(series.to_numpy(), wide.groupby("month")["ventures_active"].mean().to_numpy())
    assert str(series.index[0])[:7] == wide["month_label"].iloc[0]
    assert ds["unit"].sel(indicator="ventures_active").item() == "ventures"
