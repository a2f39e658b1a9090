"""Loaders: an incubsim results file (docs/output-format.md) as tidy pandas DataFrames.

    from analysis.results import Results
    with Results("output/yiyuan-compare.h5") as r:
        r.runs()                    # one row per run: run, scenario, point, replication, seed, ...
        r.indicators(["jobs"])      # one row per run and month, one column per indicator
        r.indicators(["jobs"], tidy=True)   # one row per run, month and indicator
        r.events()                  # one row per event, kinds and stages decoded
        r.targets(); r.attainment() # the plan's targets; met per run and target
        r.design()                  # a sweep's points, one column per factor

Every loader works on files of `run`, `compare` and `sweep`; a table the file does not hold
(events below record level `events`, `/design` outside sweeps, ...) raises `MissingTable` with
the reason. Opening checks the file first: a missing, truncated or foreign file, or one written
by a newer format version, raises `ResultsError` with a one-line message naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

#: The layout this package reads (root attribute `format_version`, docs/output-format.md).
FORMAT_VERSION = 5
FORMAT = "incubsim-results"



def _design_columns(keys, unit, value) -> dict:
    """`u:<key>` (quantile) and `<key>` (value) columns of a design, key by key, built at once
    (one DataFrame from a dict: inserting a hundred columns one by one fragments the frame)."""
    columns = {}
    for k, key in enumerate(keys):
        columns[f"u:{key}"] = unit[:, k]
        columns[key] = value[:, k]
    return columns

class ResultsError(Exception):
    """The file cannot be read as an incubsim results file (message: one line, names the file)."""


class MissingTable(ResultsError):
    """The file is valid but does not hold the table asked for."""


def _text(values) -> list[str]:
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _attribute(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


class Results:
    """An open results file. Use as a context manager, or call close()."""

    def __init__(self, path: str | os.PathLike):
        import h5py  # imported here so that `--help` works even without h5py

        self.path = Path(path)
        if not self.path.exists():
            raise ResultsError(f"{self.path}: no such file")
        if self.path.is_dir():
            raise ResultsError(f"{self.path}: is a directory, not a results file")
        try:
            is_hdf5 = h5py.is_hdf5(self.path)
        except OSError as error:
            raise ResultsError(f"{self.path}: cannot read ({error})") from None
        if not is_hdf5:
            raise ResultsError(f"{self.path}: not an HDF5 file (not an incubsim results file)")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as error:
            reason = str(error).split("(")[0].strip().rstrip(",") or "cannot open"
            raise ResultsError(f"{self.path}: damaged or truncated HDF5 file ({reason})") from None
        try:
            self._check()
        except ResultsError:
            self._file.close()
            raise
        except (OSError, KeyError, ValueError, RuntimeError) as error:
            self._file.close()
            raise ResultsError(f"{self.path}: damaged or truncated results file ({_short(error)})") from None

    # -- validation ---------------------------------------------------------------------------

    def _check(self) -> None:
        attrs = self._file.attrs
        form = _attribute(attrs.get("format", ""))
        if form != FORMAT:
            raise ResultsError(f"{self.path}: not an incubsim results file (HDF5 without the root "
                               f"attribute format = \"{FORMAT}\")")
        version = int(_attribute(attrs.get("format_version", 0)))
        if version > FORMAT_VERSION:
            raise ResultsError(f"{self.path}: written in results format version {version}, newer than "
                               f"version {FORMAT_VERSION} that this analysis reads; update incubsim")
        if version < FORMAT_VERSION:
            raise ResultsError(f"{self.path}: written in results format version {version}; this analysis "
                               f"reads version {FORMAT_VERSION} (re-run the command with this incubsim)")
        for required in ("runs/run", "runs/scenario", "scenarios/names", "indicators/values",
                         "indicators/indicator", "indicators/month_label", "targets/met"):
            if required not in self._file:
                raise ResultsError(f"{self.path}: incomplete results file (no /{required})")
        runs = self._file["runs/run"].shape[0]
        values = self._file["indicators/values"]
        if values.shape[0] != runs:
            raise ResultsError(f"{self.path}: incomplete results file (/indicators/values has "
                               f"{values.shape[0]} runs, /runs {runs})")
        # Reading the first and last run touches the data chunks: a truncated file fails here.
        if runs:
            values[0, :1, :1]
            values[runs - 1, -1:, -1:]
            self._file["runs/scenario"][-1:]

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> "Results":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _read(self, path: str):
        """A dataset's values; a damaged dataset becomes a ResultsError."""
        try:
            dataset = self._file[path]
            if dataset.dtype.kind == "O" or h5py_string(dataset):
                return np.array(_text(dataset[()]), dtype=object)
            return dataset[()]
        except KeyError:
            raise MissingTable(f"{self.path}: no /{path}") from None
        except (OSError, ValueError, RuntimeError) as error:
            raise ResultsError(f"{self.path}: cannot read /{path} ({_short(error)})") from None

    def _columns(self, group: str, why: str) -> pd.DataFrame:
        if group not in self._file:
            raise MissingTable(f"{self.path}: no /{group} ({why})")
        columns = {}
        for name, item in self._file[group].items():
            if hasattr(item, "shape") and len(item.shape) == 1:
                columns[name] = self._read(f"{group}/{name}")
        return pd.DataFrame(columns)

    # -- file-level facts ---------------------------------------------------------------------

    @property
    def command(self) -> str:
        return str(_attribute(self._file.attrs["command"]))

    @property
    def record_level(self) -> str:
        return str(_attribute(self._file.attrs["record_level"]))

    @property
    def replications(self) -> int:
        return int(_attribute(self._file.attrs["replications"]))

    def attributes(self) -> dict:
        """The root attributes."""
        return {k: _attribute(v) for k, v in self._file.attrs.items()}

    def provenance(self) -> dict:
        """/provenance attributes (empty for part files and shards)."""
        if "provenance" not in self._file:
            return {}
        return {k: _attribute(v) for k, v in self._file["provenance"].attrs.items()}

    @property
    def hdf5(self):
        """The open h5py.File, for readers of tables this class does not wrap (analysis.tables)."""
        return self._file

    def has(self, group: str) -> bool:
        return group.strip("/") in self._file

    @property
    def scenario_names(self) -> list[str]:
        return list(self._read("scenarios/names"))

    def scenario_texts(self) -> list[str]:
        return list(self._read("scenarios/texts"))

    @property
    def month_labels(self) -> list[str]:
        return list(self._read("indicators/month_label"))

    @property
    def indicator_names(self) -> list[str]:
        return list(self._read("indicators/indicator"))

    def labels(self, name: str) -> list[str]:
        """A name table of /labels (event_kinds, stages, statuses, carrier_kinds, carrier_levels,
        objectives, operator_types): code i is the i-th name. Files before the name tables were
        written have only the first three."""
        if f"labels/{name}" not in self._file:
            raise MissingTable(f"{self.path}: no /labels/{name}")
        return list(self._read(f"labels/{name}"))

    # -- tables -------------------------------------------------------------------------------

    def runs(self) -> pd.DataFrame:
        """One row per run: run, scenario (index), scenario_name, point, replication, seed,
        venture_months, ventures."""
        frame = self._columns("runs", "every results file has it")
        frame.insert(2, "scenario_name", np.asarray(self.scenario_names, dtype=object)[frame["scenario"]])
        return frame

    def indicator_table(self) -> pd.DataFrame:
        """One row per indicator: name, unit, description, scope, measure."""
        frame = pd.DataFrame({"name": self.indicator_names})
        for column in ("unit", "description", "scope", "measure"):
            if f"indicators/{column}" in self._file:
                frame[column] = self._read(f"indicators/{column}")
        return frame

    def indicators(self, names: list[str] | None = None, tidy: bool = False,
                   runs: np.ndarray | None = None) -> pd.DataFrame:
        """Monthly indicators. Wide (default): one row per run and month with columns run,
        scenario_name, point, replication, month (index), month_label, date, then one column per
        indicator in `names` (all by default). tidy=True: one row per run, month and indicator
        with the columns indicator and value instead. `runs` selects runs (ids)."""
        available = self.indicator_names
        names = available if names is None else list(names)
        unknown = [n for n in names if n not in available]
        if unknown:
            raise MissingTable(f"{self.path}: no indicator {', '.join(map(repr, unknown))} "
                               f"(the file has {len(available)}: see /indicators/indicator)")
        columns = [available.index(n) for n in names]
        run_table = self.runs()
        selected = np.arange(len(run_table)) if runs is None else np.asarray(runs, dtype=np.int64)
        dataset = self._file["indicators/values"]
        try:
            # Reads blocks of runs (the data is chunked one run per chunk) and keeps only the
            # columns asked for: memory stays at a block plus the result.
            block = 256
            values = np.empty((len(selected), dataset.shape[1], len(columns)))
            order = np.argsort(selected, kind="stable")
            for start in range(0, len(order), block):
                chosen = selected[order[start:start + block]]
                low, high = int(chosen.min()), int(chosen.max()) + 1
                values[order[start:start + block]] = dataset[low:high][chosen - low][:, :, columns]
        except (OSError, ValueError) as error:
            raise ResultsError(f"{self.path}: cannot read /indicators/values ({_short(error)})") from None
        months = values.shape[1]
        labels = np.asarray(self.month_labels, dtype=object)
        dates = pd.to_datetime(pd.Series(labels), format="%Y-%m").to_numpy()
        base = pd.DataFrame({
            "run": np.repeat(run_table["run"].to_numpy()[selected], months),
            "scenario_name": np.repeat(run_table["scenario_name"].to_numpy()[selected], months),
            "point": np.repeat(run_table["point"].to_numpy()[selected], months),
            "replication": np.repeat(run_table["replication"].to_numpy()[selected], months),
            "month": np.tile(np.arange(months), len(selected)),
            "month_label": np.tile(labels, len(selected)),
            "date": np.tile(dates, len(selected)),
        })
        if not tidy:
            wide = pd.DataFrame(values.reshape(-1, len(columns)), columns=names)
            return pd.concat([base, wide], axis=1)
        long = base.loc[base.index.repeat(len(columns))].reset_index(drop=True)
        long["indicator"] = np.tile(np.asarray(names, dtype=object), len(base))
        long["value"] = values.reshape(-1)
        return long

    def events(self) -> pd.DataFrame:
        """One row per event (record level `events` and up): run, scenario_name, replication,
        month, month_label, venture, kind (name), from_stage, to_stage (names or "" for -1),
        carrier (index within the run's scenario, -1 none), value."""
        if "events" not in self._file:
            raise MissingTable(f"{self.path}: no /events (record level is {self.record_level}; "
                               f"run with --record events or trajectories)")
        frame = self._columns("events", "")
        kinds = np.asarray(list(self._read("labels/event_kinds")), dtype=object)
        stages = np.asarray(list(self._read("labels/stages")) + [""], dtype=object)
        frame["kind"] = pd.Categorical.from_codes(frame["kind"].astype(np.int64), categories=list(kinds))
        for column in ("from_stage", "to_stage"):
            frame[column] = stages[frame[column].astype(np.int64)]  # -1 picks the "" sentinel
        self._decorate(frame)
        return frame

    def trajectories(self) -> pd.DataFrame:
        """One row per venture and month (record level `trajectories`), stage and status decoded."""
        if "trajectories" not in self._file:
            raise MissingTable(f"{self.path}: no /trajectories (record level is {self.record_level}; "
                               f"run with --record trajectories)")
        frame = self._columns("trajectories", "")
        stages = np.asarray(list(self._read("labels/stages")), dtype=object)
        statuses = np.asarray(list(self._read("labels/statuses")), dtype=object)
        frame["stage"] = stages[frame["stage"].astype(np.int64)]
        frame["status"] = statuses[frame["status"].astype(np.int64)]
        self._decorate(frame)
        return frame

    def _decorate(self, frame: pd.DataFrame) -> None:
        """Adds scenario_name, replication and month_label to a table with run and month columns."""
        runs = self.runs()
        frame.insert(1, "scenario_name", runs["scenario_name"].to_numpy()[frame["run"].astype(np.int64)])
        frame.insert(2, "replication", runs["replication"].to_numpy()[frame["run"].astype(np.int64)])
        labels = np.asarray(self.month_labels, dtype=object)
        frame.insert(4, "month_label", labels[frame["month"].astype(np.int64)])

    def targets(self) -> pd.DataFrame:
        """One row per target (all scenarios): scenario, id, indicator, threshold, deadline,
        deadline_month, scope, measure, kind, text; with share, share_low, share_high, trials,
        met from /summary/targets when the file has it."""
        frame = self._columns("targets", "every results file has it")
        frame.insert(0, "target", np.arange(len(frame)))
        if "summary/targets" in self._file:
            summary = self._columns("summary/targets", "")
            summary = summary.rename(columns={"met": "runs_met"})
            frame = pd.concat([frame, summary], axis=1)
        return frame

    def attainment(self) -> pd.DataFrame:
        """Long table of /targets/met: one row per run and target of the run's scenario, with
        run, scenario_name, replication, target (row of targets()), id, met (bool)."""
        met = self._read("targets/met")
        targets = self._columns("targets", "")
        runs = self.runs()
        run_index, target_index = np.nonzero(met != 255)
        return pd.DataFrame({
            "run": runs["run"].to_numpy()[run_index],
            "scenario_name": runs["scenario_name"].to_numpy()[run_index],
            "replication": runs["replication"].to_numpy()[run_index],
            "point": runs["point"].to_numpy()[run_index],
            "target": target_index,
            "id": targets["id"].to_numpy()[target_index],
            "kind": targets["kind"].to_numpy()[target_index],
            "met": met[run_index, target_index] == 1,
        })

    def carriers(self) -> pd.DataFrame:
        return self._columns("carriers", "every results file has it")

    def uncertainty(self) -> pd.DataFrame:
        """The declared [uncertainty] ranges: scenario, key, low, high, scale, value, source."""
        return self._columns("uncertainty", "written by incubsim 0.1 format 3 and later")

    def summary_outcomes(self) -> pd.DataFrame:
        """/summary/outcomes with scenario names: key outcomes at the horizon, per scenario."""
        frame = self._columns("summary/outcomes", "part files and shards have no summary")
        frame.insert(1, "scenario_name", np.asarray(self.scenario_names, dtype=object)[frame["scenario"]])
        return frame

    def compare(self) -> pd.DataFrame:
        """/compare (compare files): one row per metric and scenario, with scenario names and a
        `metric` column (kind:name@month)."""
        frame = self._columns("compare", f"a {self.command} file; only `incubsim compare` writes it")
        frame.insert(1, "scenario_name", np.asarray(self.scenario_names, dtype=object)[frame["scenario"]])
        frame["metric"] = frame["kind"] + ":" + frame["name"] + "@" + frame["month"]
        return frame

    def robustness(self) -> pd.DataFrame:
        """/robustness/difference in long form: one row per point, alternative and metric with
        point, scenario_name, kind, name, month, difference, and the point's quantile of each
        key (columns `u:<key>`) and the reference's value (`<key>`)."""
        if "robustness" not in self._file:
            raise MissingTable(f"{self.path}: no /robustness (run compare with --robustness M)")
        keys = list(self._read("robustness/key"))
        unit = self._read("robustness/unit")
        value = self._read("robustness/value")
        difference = self._read("robustness/difference")
        kinds = self._read("robustness/metric_kind")
        names = self._read("robustness/metric_name")
        months = self._read("robustness/metric_month")
        points, scenarios, metrics = difference.shape
        p, s, m = np.meshgrid(np.arange(points), np.arange(scenarios), np.arange(metrics), indexing="ij")
        p, s, m = p.ravel(), s.ravel(), m.ravel()
        columns = {
            "point": p, "scenario": s,
            "scenario_name": np.asarray(self.scenario_names, dtype=object)[s],
            "kind": kinds[m], "name": names[m], "month": months[m],
            "difference": difference.ravel(),
        }
        columns.update(_design_columns(keys, unit[p], value[p]))
        return pd.DataFrame(columns)

    def robustness_keys(self) -> pd.DataFrame:
        """The robustness design: one row per point, `u:<key>` quantiles and `<key>` values."""
        keys = list(self._read("robustness/key"))
        unit = self._read("robustness/unit")
        value = self._read("robustness/value")
        return pd.DataFrame({"point": np.arange(unit.shape[0]), **_design_columns(keys, unit, value)})

    def robustness_correlation(self) -> pd.DataFrame:
        """/robustness/correlation in long form: scenario_name, kind, name, month, key, correlation."""
        keys = np.asarray(list(self._read("robustness/key")), dtype=object)
        correlation = self._read("robustness/correlation")
        kinds = self._read("robustness/metric_kind")
        names = self._read("robustness/metric_name")
        months = self._read("robustness/metric_month")
        s, m, k = np.meshgrid(*(np.arange(n) for n in correlation.shape), indexing="ij")
        s, m, k = s.ravel(), m.ravel(), k.ravel()
        return pd.DataFrame({
            "scenario": s, "scenario_name": np.asarray(self.scenario_names, dtype=object)[s],
            "kind": kinds[m], "name": names[m], "month": months[m], "key": keys[k],
            "correlation": correlation.ravel()})

    def robustness_summary(self) -> pd.DataFrame:
        """/robustness/summary with scenario names: beats, ties, loses per alternative and metric."""
        frame = self._columns("robustness/summary", "run compare with --robustness M")
        frame.insert(1, "scenario_name", np.asarray(self.scenario_names, dtype=object)[frame["scenario"]])
        return frame

    def design(self) -> pd.DataFrame:
        """A sweep's design: one row per point with point, then each factor's value (categorical
        factors as their choice) and its unit coordinate (`u:<factor>`)."""
        if "design" not in self._file:
            raise MissingTable(f"{self.path}: no /design (a {self.command} file; only sweeps have one)")
        factors = list(self._read("design/factor"))
        kinds = list(self._read("design/factor_kind"))
        choices = list(self._read("design/choices"))
        value = self._read("design/value")
        unit = self._read("design/unit")
        frame = pd.DataFrame({"point": np.arange(value.shape[0])})
        for i, factor in enumerate(factors):
            if kinds[i] == "categorical":
                options = np.asarray(choices[i].split(","), dtype=object)
                frame[factor] = options[value[:, i].astype(np.int64)]
            else:
                frame[factor] = value[:, i]
        for i, factor in enumerate(factors):
            frame[f"u:{factor}"] = unit[:, i]
        return frame

    def design_attributes(self) -> dict:
        if "design" not in self._file:
            raise MissingTable(f"{self.path}: no /design (only sweeps have one)")
        frame = {k: _attribute(v) for k, v in self._file["design"].attrs.items()}
        frame["factors"] = list(self._read("design/factor"))
        frame["factor_kinds"] = list(self._read("design/factor_kind"))
        return frame

    def sensitivity(self) -> pd.DataFrame:
        """/sensitivity (final files of sobol and morris sweeps)."""
        return self._columns("sensitivity", "only final files of sobol and morris sweeps have it")

    def final_values(self, names: list[str]) -> pd.DataFrame:
        """Each run's value of the indicators `names` at the last month (one row per run)."""
        frame = self.indicators(names)
        last = frame["month"].max()
        return frame[frame["month"] == last].reset_index(drop=True)

    def to_xarray(self):
        """/indicators as an xarray.DataArray (run, month, indicator) with dates on `month`."""
        import xarray as xr

        values = self._read("indicators/values")
        dates = pd.to_datetime(pd.Series(self.month_labels), format="%Y-%m")
        runs = self.runs()
        return xr.DataArray(values, dims=("run", "month", "indicator"), name="indicators", coords={
            "run": runs["run"].to_numpy(), "month": dates.to_numpy(), "indicator": self.indicator_names,
            "scenario": ("run", runs["scenario_name"].to_numpy()),
            "replication": ("run", runs["replication"].to_numpy())})


def h5py_string(dataset) -> bool:
    import h5py

    return h5py.check_string_dtype(dataset.dtype) is not None


def _short(error: BaseException) -> str:
    """The first line of an exception message, without libhdf5's long error stack."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:160]


def open_results(path: str | os.PathLike) -> Results:
    return Results(path)
