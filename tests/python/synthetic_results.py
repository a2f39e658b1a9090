"""Small synthetic results files in format version 5 (issue 16's /ventures, statuses `listed`, event
kinds `failure_closure` and `listing`, /labels/stream_kinds), written with h5py for the tests of
analysis.ventures and analysis.firm_dynamics while the C++ writer is not finished.

Every table is a group of 1-D columns with the dtypes of docs/output-format.md and the issue 16
spec; `write` fills the columns a test leaves out with zeros (or -1 where -1 means "none")."""

from __future__ import annotations

import h5py
import numpy as np

EVENT_KINDS = ["entry", "registration", "admission", "graduation", "eviction", "failure_cash", "failure_hazard",
               "carrier_opened", "tech_sme_certified", "high_tech_certified", "talent_cultivated", "funding_round",
               "loan", "relocation", "acquisition", "case_by_case_support", "talent_joined",
               "carrier_level_changed", "failure_closure", "listing"]
STAGES = ["outside", "nursery", "incubator", "accelerator", "park"]
STATUSES = ["active", "failed", "relocated", "acquired", "listed"]
STREAM_KINDS = ["", "entry_source", "potential_entrant", "initial_venture", "carrier", "county", "programme_talent"]

RUNS = {"run": "u4", "scenario": "u4", "point": "u4", "replication": "u4", "seed": "u8", "venture_months": "u8",
        "ventures": "u4"}
VENTURES = {"run": "u4", "venture": "u4", "id": "u8", "stream_kind": "u1", "source": "u1", "sector": "u1",
            "entry_month": "i2", "quality": "f4", "skill": "f4", "rd_intensity": "f4", "production": "u1",
            "status": "i1", "exit_month": "i2", "highest_stage": "i1", "ever_in_base": "u1", "headcount": "u2",
            "revenue": "f4", "patents": "u2", "funding": "f4"}
EVENTS = {"run": "u4", "month": "i2", "venture": "u4", "kind": "u1", "from_stage": "i1", "to_stage": "i1",
          "carrier": "i2", "value": "f4"}
TRAJECTORIES = {"run": "u4", "month": "i2", "venture": "u4", "stage": "i1", "status": "i1", "carrier": "i2",
                "headcount": "u2", "revenue": "f4", "cash": "f4", "skill": "f4", "technology": "f4",
                "patents": "u2", "belief": "f4"}
CARRIERS = {"scenario": "str", "id": "str", "name": "str", "kind": "str", "operator": "str", "capacity": "i4",
            "opening": "str", "in_base": "u1"}
MINUS_ONE = {"exit_month", "carrier", "from_stage", "to_stage"}


def identity(kind: str, stream_id) -> np.ndarray:
    """The /ventures id of stream `kind`'s entity `stream_id`: stream_kind << 32 | stream_id."""
    return (np.uint64(STREAM_KINDS.index(kind)) << np.uint64(32)) | np.asarray(stream_id, dtype=np.uint64)


def month_labels(months: int, start_year: int = 2021) -> list[str]:
    return [f"{start_year + m // 12}-{m % 12 + 1:02d}" for m in range(months)]


def _write_table(f: h5py.File, group: str, schema: dict, columns: dict, rows: int | None = None) -> None:
    unknown = set(columns) - set(schema)
    assert not unknown, f"/{group}: no columns {unknown}"
    if rows is None:
        rows = len(next(iter(columns.values()))) if columns else 0
    node = f.create_group(group)
    for name, dtype in schema.items():
        if dtype == "str":
            values = columns.get(name, [""] * rows)
            node.create_dataset(name, data=np.asarray(values, dtype=object), dtype=h5py.string_dtype(),
                                maxshape=(None,), chunks=True)
            continue
        default = -1 if name in MINUS_ONE else 0
        values = np.asarray(columns.get(name, np.full(rows, default)))
        assert len(values) == rows, f"/{group}/{name}: {len(values)} rows, expected {rows}"
        node.create_dataset(name, data=values.astype(dtype), maxshape=(None,), chunks=True)


def write(path, *, scenarios: list[str], replications: int, months: int, ventures: dict | None = None,
          events: dict | None = None, trajectories: dict | None = None, carriers: dict | None = None,
          seeds: list[int] | None = None, base_seed: int = 7, format_version: int = 5,
          command: str = "compare") -> None:
    """A results file of `len(scenarios) * replications` runs in compare order (scenario-major).

    ventures/events/trajectories are dicts of columns (missing columns are zeros or -1); None
    leaves the table out, and the record level follows: `trajectories` when trajectories are
    given, `events` when ventures or events are, `indicators` otherwise."""
    runs = len(scenarios) * replications
    record_level = "trajectories" if trajectories is not None else \
        "events" if (ventures is not None or events is not None) else "indicators"
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "incubsim-results"
        f.attrs["format_version"] = np.int32(format_version)
        f.attrs["command"] = command
        f.attrs["record_level"] = record_level
        f.attrs["base_seed"] = np.uint64(base_seed)
        f.attrs["replications"] = np.uint32(replications)
        f.attrs["total_runs"] = np.uint32(runs)
        f.attrs["plan"] = "0123456789abcdef"
        strings = h5py.string_dtype()
        f.create_dataset("scenarios/names", data=np.asarray(scenarios, dtype=object), dtype=strings)
        f.create_dataset("scenarios/texts", data=np.asarray([f'name = "{s}"\n' for s in scenarios], dtype=object),
                         dtype=strings)
        scenario = np.repeat(np.arange(len(scenarios)), replications)
        _write_table(f, "runs", RUNS, {
            "run": np.arange(runs), "scenario": scenario, "point": scenario,
            "replication": np.tile(np.arange(replications), len(scenarios)),
            "seed": np.full(runs, base_seed) if seeds is None else np.asarray(seeds)})
        f.create_dataset("indicators/values", data=np.zeros((runs, months, 1)), maxshape=(None, months, 1),
                         chunks=(1, months, 1))
        f.create_dataset("indicators/indicator", data=np.asarray(["ventures_active"], dtype=object), dtype=strings)
        f.create_dataset("indicators/month_label", data=np.asarray(month_labels(months), dtype=object), dtype=strings)
        f.create_dataset("targets/met", data=np.zeros((runs, 0), dtype="u1"), maxshape=(None, None))
        for name, values in (("event_kinds", EVENT_KINDS), ("stages", STAGES), ("statuses", STATUSES),
                             ("stream_kinds", STREAM_KINDS)):
            f.create_dataset(f"labels/{name}", data=np.asarray(values, dtype=object), dtype=strings)
        _write_table(f, "carriers", CARRIERS, carriers or {})
        if ventures is not None:
            _write_table(f, "ventures", VENTURES, ventures)
        if events is not None or ventures is not None:
            _write_table(f, "events", EVENTS, events or {}, rows=None if events else 0)
        if trajectories is not None:
            _write_table(f, "trajectories", TRAJECTORIES, trajectories)


def assert_refused(completed, *fragments):
    """A command line refused its input: exit code 2, nothing on stdout, one line on stderr
    holding every fragment."""
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in completed.stderr, completed.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
