"""Reading the row tables of a format-version-4 results file with h5py (docs/output-format.md).

`analysis.results` reads format version 3; until it reads version 4, the venture-level analyses
(`analysis.ventures`, `analysis.firm_dynamics`) read the few tables they need through this
module. Each table is an HDF5 group whose columns are 1-D datasets of equal length (`/runs`,
`/events`, `/trajectories`, `/ventures`, `/carriers`); name tables are string datasets under
`/labels`.

Every problem with the input becomes an `InputError` whose message is one line naming the file;
the command lines turn it into exit code 2 and write nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = "incubsim-results"
#: The layout these readers are written for (issue 16: /ventures, statuses `listed`, ...).
FORMAT_VERSION = 4

#: The columns of /ventures (issue 16), in the order of the spec.
VENTURE_COLUMNS = ("run", "venture", "id", "stream_kind", "source", "sector", "entry_month", "quality",
                   "skill", "rd_intensity", "production", "status", "exit_month", "highest_stage",
                   "ever_in_base", "headcount", "revenue", "patents", "funding")


class InputError(Exception):
    """The input cannot be analysed (message: one line, names the file or the option)."""


def text(values) -> list[str]:
    """h5py string values (bytes or str) as str."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


def _attribute(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class ResultsFile:
    """An open results file with the facts every venture-level analysis needs.

    runs: /runs columns (run, scenario, point, replication, seed, ...), indexed by run id.
    """

    path: Path
    handle: object               # h5py.File
    command: str
    record_level: str
    base_seed: int
    scenario_names: list[str]
    month_labels: list[str]
    runs: dict[str, np.ndarray]

    @property
    def months(self) -> int:
        return len(self.month_labels)

    def close(self) -> None:
        self.handle.close()

    def __enter__(self) -> "ResultsFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def labels(self, name: str) -> list[str]:
        """The name table /labels/<name>: code i is the i-th name."""
        if f"labels/{name}" not in self.handle:
            raise InputError(f"{self.path}: no /labels/{name} (not a format version {FORMAT_VERSION} file?)")
        return text(self.handle[f"labels/{name}"][()])

    def table(self, group: str, columns=None, why: str = "") -> dict[str, np.ndarray]:
        """The 1-D columns of group `group` (all, or those named), as numpy arrays of equal length."""
        if group not in self.handle:
            raise InputError(f"{self.path}: no /{group} table" + (f" ({why})" if why else ""))
        node = self.handle[group]
        names = [n for n, item in node.items() if hasattr(item, "shape") and len(item.shape) == 1] \
            if columns is None else list(columns)
        missing = [n for n in names if n not in node]
        if missing:
            raise InputError(f"{self.path}: /{group} has no column {', '.join(missing)} "
                             f"(damaged, or not written by this incubsim)")
        import h5py

        try:
            values = {}
            for name in names:
                dataset = node[name]
                if h5py.check_string_dtype(dataset.dtype) is not None:
                    values[name] = np.asarray(text(dataset[()]), dtype=object)
                else:
                    values[name] = dataset[()]
        except (OSError, ValueError, RuntimeError) as error:
            raise InputError(f"{self.path}: cannot read /{group} ({_short(error)})") from None
        lengths = {len(v) for v in values.values()}
        if len(lengths) > 1:
            raise InputError(f"{self.path}: /{group} has columns of different lengths (damaged file)")
        return values

    def ventures(self, level: str = "events") -> dict[str, np.ndarray]:
        """/ventures (record level `events` and up); a missing table names the --record to rerun with."""
        if "ventures" not in self.handle:
            raise InputError(f"{self.path}: no /ventures table (record level is {self.record_level}; "
                             f"rerun with --record {level})")
        return self.table("ventures", VENTURE_COLUMNS)

    def scenario_index(self, name: str) -> int:
        if name not in self.scenario_names:
            raise InputError(f"{self.path}: no scenario {name!r} (the file has: {', '.join(self.scenario_names)})")
        return self.scenario_names.index(name)

    def carrier_in_base(self, scenario: int) -> np.ndarray:
        """in_base (bool) of the carriers of scenario `scenario`, indexed like /events/carrier and
        /trajectories/carrier: the k-th /carriers row whose `scenario` is that scenario's name."""
        carriers = self.table("carriers", ("scenario", "in_base"))
        rows = carriers["scenario"] == self.scenario_names[scenario]
        return carriers["in_base"][rows].astype(bool)


def open_results(path: str | os.PathLike) -> ResultsFile:
    """Opens and checks a results file: it exists, is HDF5, says format "incubsim-results" and
    format_version 4, and has /runs and /scenarios. Raises InputError otherwise."""
    import h5py

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a results file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as error:
        raise InputError(f"{path}: cannot read ({_short(error)})") from None
    if not is_hdf5:
        raise InputError(f"{path}: not an HDF5 file (not an incubsim results file)")
    try:
        handle = h5py.File(path, "r")
    except OSError as error:
        raise InputError(f"{path}: damaged or truncated HDF5 file ({_short(error)})") from None
    try:
        attrs = handle.attrs
        if _attribute(attrs.get("format", "")) != FORMAT:
            raise InputError(f"{path}: not an incubsim results file (no root attribute format = \"{FORMAT}\")")
        version = int(_attribute(attrs.get("format_version", 0)))
        if version > FORMAT_VERSION:
            raise InputError(f"{path}: written in results format version {version}, newer than version "
                             f"{FORMAT_VERSION} that this analysis reads; update incubsim")
        if version < FORMAT_VERSION:
            raise InputError(f"{path}: written in results format version {version}, which has no /ventures "
                             f"table; rerun the command with this incubsim (format version {FORMAT_VERSION})")
        for required in ("runs/run", "runs/scenario", "runs/replication", "scenarios/names",
                         "indicators/month_label"):
            if required not in handle:
                raise InputError(f"{path}: incomplete results file (no /{required})")
        file = ResultsFile(
            path=path, handle=handle, command=str(_attribute(attrs.get("command", ""))),
            record_level=str(_attribute(attrs.get("record_level", "?"))),
            base_seed=int(_attribute(attrs.get("base_seed", 0))),
            scenario_names=text(handle["scenarios/names"][()]),
            month_labels=text(handle["indicators/month_label"][()]),
            runs={})
        file.runs = file.table("runs")
        return file
    except InputError:
        handle.close()
        raise
    except (OSError, KeyError, ValueError, RuntimeError) as error:
        handle.close()
        raise InputError(f"{path}: damaged or truncated results file ({_short(error)})") from None


def _short(error: BaseException) -> str:
    """The first line of an exception message, without libhdf5's long error stack."""
    message = str(error).strip()
    return (message.splitlines()[0] if message else type(error).__name__)[:160]
