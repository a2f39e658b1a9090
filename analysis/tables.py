"""The row tables of a results file as numpy columns, for the venture-level analyses
(`analysis.ventures`, `analysis.firm_dynamics`; docs/output-format.md).

`analysis.results.Results` opens and checks the file (format, version, required datasets); this
module reads the tables those analyses need as plain numpy columns. Each table is an HDF5 group
whose columns are 1-D datasets of equal length (`/runs`, `/events`, `/trajectories`,
`/ventures`, `/carriers`); name tables are string datasets under `/labels`.

Every problem with the input becomes an `InputError` whose message is one line naming the file;
the command lines turn it into exit code 2 and write nothing.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from analysis.results import FORMAT_VERSION, Results, ResultsError

#: The columns of /ventures (issue 16), in the order of the spec.
VENTURE_COLUMNS = ("run", "venture", "id", "stream_kind", "source", "sector", "entry_month", "quality",
                   "skill", "rd_intensity", "production", "status", "exit_month", "highest_stage",
                   "ever_in_base", "headcount", "revenue", "patents", "funding")


class InputError(Exception):
    """The input cannot be analysed (message: one line, names the file or the option)."""


def text(values) -> list[str]:
    """h5py string values (bytes or str) as str."""
    return [v.decode() if isinstance(v, bytes) else str(v) for v in values]


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
    """Opens a results file checked by `analysis.results.Results` (it exists, is HDF5, says format
    "incubsim-results" and this package's format_version) that also has /runs/replication.
    Raises InputError otherwise."""
    try:
        results = Results(path)
    except ResultsError as error:
        raise InputError(str(error)) from None
    try:
        if "runs/replication" not in results.hdf5:
            raise InputError(f"{results.path}: incomplete results file (no /runs/replication)")
        attributes = results.attributes()
        file = ResultsFile(
            path=results.path, handle=results.hdf5, command=str(attributes.get("command", "")),
            record_level=str(attributes.get("record_level", "?")), base_seed=int(attributes.get("base_seed", 0)),
            scenario_names=results.scenario_names, month_labels=results.month_labels, runs={})
        file.runs = file.table("runs")
        return file
    except (InputError, ResultsError) as error:
        results.close()
        raise InputError(str(error)) from None
    except (OSError, KeyError, ValueError, RuntimeError) as error:
        results.close()
        raise InputError(f"{results.path}: damaged or truncated results file ({_short(error)})") from None


def json_safe(value):
    """`value` with NaN floats as None, for JSON output."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def run_reporting_errors(program: str, work: Callable[[], object]) -> tuple[int, object]:
    """Runs `work` for a command line: (0, its result); an InputError is one line on stderr and
    exit code 2; any other error one line and exit code 1 (its traceback with INCUBSIM_DEBUG=1)."""
    try:
        return 0, work()
    except InputError as error:
        print(f"{program}: {error}", file=sys.stderr)
        return 2, None
    except Exception as error:  # noqa: BLE001 - one line for the user
        if os.environ.get("INCUBSIM_DEBUG"):
            raise
        print(f"{program}: failed: {type(error).__name__}: {error} (set INCUBSIM_DEBUG=1 for the traceback)",
              file=sys.stderr)
        return 1, None


def run_command_line(program: str, parser, argv: list[str] | None, work: Callable[[object], object],
                     report: Callable[[object], str]) -> int:
    """A command line that parses `argv` (usage errors exit 2), runs `work(arguments)` under
    run_reporting_errors and prints its result: JSON with `--json`, else `report(result)`."""
    try:
        arguments = parser.parse_args(argv)
    except SystemExit as exit:
        return 2 if exit.code not in (0, None) else 0
    code, result = run_reporting_errors(program, lambda: work(arguments))
    if code != 0:
        return code
    print(json.dumps(json_safe(result), indent=2) if arguments.json else report(result))
    return 0


def _short(error: BaseException) -> str:
    """The first line of an exception message, without libhdf5's long error stack."""
    message = str(error).strip()
    return (message.splitlines()[0] if message else type(error).__name__)[:160]
