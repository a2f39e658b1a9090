"""Malformed input, table-driven: scenario files, `--set` values, command-line arguments and results
files, each with the exit code and the message fragment it must give (docs/reliability.md,
"Malformed input").

Every row runs one `incubsim` command and checks that it
- exits with exactly the expected code (2: bad input; the commands never get to run anything);
- says so in a short message (at most MAX_STDERR_LINES lines on stderr) holding the fragment,
  which names the file, key or option at fault;
- prints no traceback, assertion, sanitizer report or C++ exception dump;
- leaves nothing behind: no output file, no `.parts` directory, no CSV directory, and an existing
  results file given as output keeps its bytes.

Run by ctest (`python_reads_results`) as `/usr/bin/python3 -m pytest -q tests/python` with
INCUBSIM_BINARY and INCUBSIM_SOURCE_DIR in the environment.
"""

import os
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

import support

MAX_STDERR_LINES = 5
TIMEOUT = 60
FORBIDDEN = ("Traceback", "terminate called", "what():", "Assertion", "AddressSanitizer", "UndefinedBehaviorSanitizer",
             "runtime error:", "LeakSanitizer", "ThreadSanitizer", "Segmentation fault", "core dumped", "HDF5-DIAG",
             "std::", "boost::")

VARY = "--vary=carrier.test-incubator.capacity=4:12"
LONG_NAME = "x" * 300  # above the 255 bytes a file name may have here (NAME_MAX)
USAGE_LINES = 14  # rows that print the usage after their one-line message


# Each row: id -> (arguments, expected exit code, message fragment[, most stderr lines]). In the
# arguments:
#   {small}    scenarios/test/small.toml           {bad}      scenarios/test/bad
#   {out}      a results file that must not appear {existing} a results file that must keep its bytes
#   {good}     a valid `run` results file          {shard}    a valid sweep shard (1/2)
#   {sweep}    a complete sweep (--design lhs)     {tmp}      the row's own directory
#   {csv}      a CSV directory that must not appear {long}    a file name longer than the system allows
# Rows whose id starts with "resume-" find a parts directory of another command at {out}.parts,
# which must be left exactly as it was.
ROWS = {
    # ---- scenario files -------------------------------------------------------------------------
    "scenario-malformed-toml": (["check", "{bad}/malformed.toml"], 2, "malformed.toml:5: malformed TOML"),
    "scenario-unknown-key": (["run", "{bad}/unknown-key.toml", "-o", "{out}"], 2, "did you mean 'capacity'"),
    "scenario-child-unknown-key": (["check", "{bad}/child-unknown-key.toml"], 2, "child-unknown-key.toml:7"),
    "scenario-wrong-type": (["run", "{bad}/wrong-type.toml", "-o", "{out}"], 2, "wrong-type.toml:7"),
    "scenario-out-of-range": (["check", "{bad}/out-of-range.toml"], 2, "out-of-range.toml:7"),
    "scenario-unknown-choice": (["check", "{bad}/unknown-choice.toml"], 2, "did you mean 'incubator'"),
    "scenario-bad-month": (["check", "{bad}/bad-month.toml"], 2, "2022-13"),
    "scenario-missing-required": (["check", "{bad}/missing-required.toml"], 2, "missing required key 'operator'"),
    "scenario-duplicate-id": (["check", "{bad}/duplicate-id.toml"], 2, "duplicate sector id 'general'"),
    "scenario-extends-missing": (["run", "{bad}/extends-missing.toml", "-o", "{out}"], 2, "no-such-scenario.toml' not found"),
    "scenario-extends-cycle": (["check", "{bad}/cycle-a.toml"], 2, "extends cycle"),
    # Names the system refuses to look up (found by fuzz_scenario: an uncaught filesystem error).
    "scenario-name-too-long": (["check", "{tmp}/{long}.toml"], 2, "cannot be opened: File name too long"),
    "scenario-extends-name-too-long": (["check", "{tmp}/extends-long.toml"], 2,
                                       "extends-long.toml:1: key 'extends': scenario file"),
    "scenario-under-a-file": (["run", "{existing}/small.toml", "-o", "{out}"], 2, "cannot be opened: Not a directory"),
    "scenario-deadline-beyond-horizon": (["check", "{bad}/deadline-beyond-horizon.toml"], 2, "outside the simulated months"),
    "scenario-unknown-operator": (["check", "{bad}/unknown-operator.toml"], 2, "unknown-operator.toml"),
    "scenario-schedule-duplicate": (["check", "{bad}/schedule-duplicate.toml"], 2, "schedule-duplicate.toml"),
    "scenario-schedule-after-end": (["run", "{bad}/schedule-after-end.toml", "-o", "{out}"], 2, "2023-01"),
    "scenario-schedule-structural": (["check", "{bad}/schedule-structural.toml"], 2, "schedule-structural.toml"),
    "scenario-empty-file": (["run", "{bad}/empty.toml", "-o", "{out}"], 2, "empty.toml: key 'sector'"),
    "scenario-binary-garbage": (["check", "{bad}/binary-garbage.toml"], 2, "binary-garbage.toml:1: malformed TOML"),
    "scenario-nan-value": (["check", "{bad}/nan-value.toml"], 2, "nan-value.toml:5: key 'dynamics.wage_per_month': out of range"),
    "scenario-loan-interest-out-of-range": (["check", "{bad}/loan-interest-rate.toml"], 2,
                                            "loan-interest-rate.toml:5: key 'finance.loan_interest_rate': out of range"),
    "scenario-sector-out-of-range": (["run", "{bad}/sector-out-of-range.toml", "-o", "{out}"], 2,
                                     "sector-out-of-range.toml:7: key 'sector.rd_intensity_mean': out of range"),
    "scenario-listing-no-threshold": (["run", "{bad}/listing-no-threshold.toml", "-o", "{out}"], 2,
                                      "listing-no-threshold.toml:5: key 'listing.bse.enabled': listing board 'bse' is enabled with no threshold"),
    "scenario-listing-unknown-board": (["check", "{bad}/listing-unknown-board.toml"], 2,
                                       "listing-unknown-board.toml:4: key 'listing.nasdaq': unknown listing board"),
    "scenario-learning-out-of-range": (["run", "{bad}/learning-out-of-range.toml", "-o", "{out}"], 2,
                                       "learning-out-of-range.toml:5: key 'dynamics.result_noise': out of range"),
    "scenario-markets-not-every-sector": (["run", "{bad}/markets-not-every-sector.toml", "-o", "{out}"], 2,
                                          "markets-not-every-sector.toml:10: key 'sector.county_demand': sector 'second' has no county demand"),
    "scenario-market-growth-removed": (["check", "{bad}/market-growth-removed.toml"], 2,
                                       "market-growth-removed.toml:7: key 'sector.market_growth': unknown key 'market_growth' in [sector] (sector.market_growth was replaced by county_demand_growth"),
    "scenario-market-negative-demand": (["check", "{bad}/market-negative-demand.toml"], 2,
                                        "market-negative-demand.toml:7: key 'sector.county_demand': out of range"),
    "scenario-market-displacement-out-of-range": (["check", "{bad}/market-displacement-out-of-range.toml"], 2,
                                                  "market-displacement-out-of-range.toml:8: key 'sector.displacement': out of range"),
    "scenario-market-growth-out-of-range": (["check", "{bad}/market-growth-out-of-range.toml"], 2,
                                            "market-growth-out-of-range.toml:8: key 'sector.county_demand_growth': out of range"),
    "scenario-incumbents-without-revenue": (["run", "{bad}/incumbents-without-revenue.toml", "-o", "{out}"], 2,
                                            "incumbents-without-revenue.toml:9: key 'sector.incumbent_jobs': sector 'general' has incumbent jobs but no incumbent revenue"),
    "scenario-closing-threshold-out-of-range": (["check", "{bad}/closing-threshold-out-of-range.toml"], 2,
                                                "closing-threshold-out-of-range.toml:5: key 'dynamics.closing_threshold': out of range"),
    "scenario-inf-value": (["run", "{bad}/inf-value.toml", "-o", "{out}"], 2, "(in source 'grassroots')"),
    "scenario-huge-integer": (["check", "{bad}/huge-integer.toml"], 2, "not representable in 64 bits"),
    "scenario-huge-horizon": (["check", "{bad}/huge-horizon.toml"], 2, "huge-horizon.toml:5: key 'simulation.horizon_months'"),
    "scenario-wrong-nesting": (["check", "{bad}/wrong-nesting.toml"], 2, "expected an array of tables [[carrier]]"),
    "scenario-duplicate-table": (["check", "{bad}/duplicate-table.toml"], 2, "cannot redefine existing table 'dynamics'"),
    "scenario-extends-directory": (["check", "{bad}/extends-directory.toml"], 2, "is a directory, not a TOML file"),
    "scenario-extends-not-toml": (["check", "{bad}/extends-not-toml.toml"], 2, "README.md:3: malformed TOML"),
    "scenario-extends-not-text": (["check", "{bad}/extends-not-string.toml"], 2, "expected a file name (text)"),
    "scenario-schedule-nan": (["check", "{bad}/schedule-nan.toml"], 2, "schedule-nan.toml:7"),
    "scenario-deep-extends-chain": (["run", "{bad}/deep/link-1.toml", "-o", "{out}"], 2, "link-41.toml:4: key 'dynamics.not_a_key'"),
    "scenario-missing-file": (["run", "{tmp}/no-such.toml", "-o", "{out}"], 2, "no-such.toml' not found"),
    "scenario-is-a-directory": (["check", "{bad}"], 2, "is a directory, not a TOML file"),
    "scenario-unreadable": (["check", "{tmp}/unreadable.toml"], 2, "cannot be read"),
    "compare-second-scenario-bad": (["compare", "{small}", "{bad}/nan-value.toml", "-o", "{out}"], 2, "nan-value.toml:5"),
    # ---- --set values ---------------------------------------------------------------------------
    "set-no-equals": (["run", "{small}", "--set", "dynamics.wage_per_month", "-o", "{out}"], 2, "expected KEY=VALUE"),
    "set-empty-key": (["run", "{small}", "--set", "=5", "-o", "{out}"], 2, "expected KEY=VALUE"),
    "set-unknown-key": (["run", "{small}", "--set", "dynamics.wage_per_mont=5", "-o", "{out}"], 2, "unknown key 'wage_per_mont'"),
    "set-unknown-section": (["check", "{small}", "--set", "nosuch.key=1"], 2, "unknown key 'nosuch'"),
    "set-wrong-type": (["run", "{small}", "--set", "dynamics.wage_per_month=abc", "-o", "{out}"], 2, "got 'abc'"),
    "set-empty-value": (["run", "{small}", "--set", "dynamics.wage_per_month=", "-o", "{out}"], 2, "got ''"),
    "set-nan": (["run", "{small}", "--set", "dynamics.wage_per_month=nan", "-o", "{out}"], 2, "got nan"),
    "set-inf": (["check", "{small}", "--set", "stage.incubator.min_skill=inf"], 2, "got inf"),
    "set-out-of-range": (["run", "{small}", "--set", "carrier.test-nursery.capacity=-1", "-o", "{out}"], 2,
                         "(in carrier 'test-nursery')"),
    "set-integer-overflow": (["check", "{small}", "--set", "carrier.test-nursery.capacity=99999999999999999999"], 2,
                             "99999999999999999999"),
    "set-unknown-element-id": (["run", "{small}", "--set", "carrier.no-such-carrier.capacity=3", "-o", "{out}"], 2,
                               "no carrier with id 'no-such-carrier'"),
    "set-horizon-above-registry-maximum": (["run", "{small}", "--set", "simulation.horizon_months=2000000", "-o", "{out}"], 2,
                                           "key 'simulation.horizon_months': out of range"),
    "set-horizon-above-month-columns": (["run", "{small}", "--set", "simulation.horizon_months=40000", "-o", "{out}"], 2,
                                        "16-bit month columns"),
    "set-bad-month": (["check", "{small}", "--set", "simulation.start=2021-00"], 2, "2021-00"),
    # ---- command-line arguments -----------------------------------------------------------------
    "cli-no-command": ([], 2, "usage: incubsim <command>", USAGE_LINES),
    "cli-unknown-command": (["frobnicate"], 2, "unknown command 'frobnicate'", USAGE_LINES),
    "cli-run-unknown-option": (["run", "{small}", "--bogus", "-o", "{out}"], 2, "unrecognised option '--bogus'"),
    "cli-run-no-scenario": (["run", "-o", "{out}"], 2, "run needs a scenario file"),
    "cli-run-missing-value": (["run", "{small}", "-o", "{out}", "-r"], 2, "'--replications' is missing"),
    "cli-run-zero-replications": (["run", "{small}", "-r", "0", "-o", "{out}"], 2, "--replications must be at least 1"),
    "cli-run-negative-replications": (["run", "{small}", "-r", "-3", "-o", "{out}"], 2, "--replications must be a whole number"),
    "cli-run-non-numeric-replications": (["run", "{small}", "-r", "many", "-o", "{out}"], 2, "--replications"),
    "cli-run-non-numeric-seed": (["run", "{small}", "--seed", "abc", "-o", "{out}"], 2, "--seed"),
    "cli-run-negative-seed": (["run", "{small}", "--seed", "-1", "-o", "{out}"], 2, "--seed must be a whole number"),
    "cli-run-bad-record": (["run", "{small}", "--record", "everything", "-o", "{out}"], 2, "--record must be"),
    "cli-run-negative-threads": (["run", "{small}", "--threads", "-1", "-o", "{out}"], 2, "--threads"),
    "cli-run-output-name-too-long": (["run", "{small}", "-r", "1", "-o", "{tmp}/out/{long}.h5"], 2, "File name too long"),
    "cli-run-output-under-a-file": (["run", "{small}", "-r", "1", "-o", "{existing}/run.h5"], 2, "Not a directory"),
    "cli-export-csv-name-too-long": (["export", "{good}", "--csv", "{tmp}/{long}"], 2, "File name too long"),
    "cli-run-existing-output": (["run", "{small}", "-r", "1", "-o", "{existing}"], 2, "use --force"),
    "cli-run-force-and-resume": (["run", "{small}", "--force", "--resume", "-o", "{out}"], 2, "give one"),
    "cli-compare-one-scenario": (["compare", "{small}", "-o", "{out}"], 2, "at least two scenarios"),
    "cli-compare-same-name": (["compare", "{small}", "{small}", "-o", "{out}"], 2, "two scenarios are named 'small'"),
    "cli-compare-robustness-without-ranges": (["compare", "{small}", "{tmp}/renamed.toml", "--robustness", "4", "-o", "{out}"], 2,
                                              "--robustness needs assumptions with ranges"),
    "cli-sweep-no-vary": (["sweep", "{small}", "--samples", "4", "-o", "{out}"], 2, "at least one --vary"),
    "cli-sweep-vary-no-equals": (["sweep", "{small}", "--vary", "carrier.test-incubator.capacity", "-o", "{out}"], 2,
                                 "expected KEY=LO:HI"),
    "cli-sweep-vary-reversed": (["sweep", "{small}", "--vary", "carrier.test-incubator.capacity=12:4", "--samples", "4", "-o", "{out}"],
                                2, "LO must be below HI"),
    "cli-sweep-vary-not-numbers": (["sweep", "{small}", "--vary", "carrier.test-incubator.capacity=a:b", "--samples", "4", "-o", "{out}"],
                                   2, "LO and HI must be numbers"),
    "cli-sweep-vary-unknown-key": (["sweep", "{small}", "--vary", "dynamics.nokey=1:2", "--samples", "4", "-o", "{out}"], 2,
                                   "no parameter 'dynamics.nokey'"),
    "cli-sweep-vary-out-of-range": (["sweep", "{small}", "--vary", "carrier.test-incubator.rent_subsidy_share=0:2", "--samples", "4",
                                     "-o", "{out}"], 2, "out of range"),
    "cli-sweep-vary-log-from-zero": (["sweep", "{small}", "--vary", "carrier.test-incubator.rent_subsidy_share=0:0.5:log",
                                      "--samples", "4", "-o", "{out}"], 2, "needs low > 0"),
    "cli-sweep-vary-twice": (["sweep", "{small}", VARY, VARY, "--samples", "4", "-o", "{out}"], 2, "is given twice"),
    "cli-sweep-bad-design": (["sweep", "{small}", VARY, "--design", "factorial", "--samples", "4", "-o", "{out}"], 2,
                             "--design must be grid, lhs, sobol or morris"),
    "cli-sweep-lhs-without-samples": (["sweep", "{small}", VARY, "--design", "lhs", "-o", "{out}"], 2, "needs --samples"),
    "cli-sweep-negative-samples": (["sweep", "{small}", VARY, "--samples", "-4", "-o", "{out}"], 2, "--samples must be a whole number"),
    "cli-sweep-shard-beyond": (["sweep", "{small}", VARY, "--samples", "4", "--shard", "3/2", "-o", "{out}"], 2, "--shard must be I/N"),
    "cli-sweep-shard-zero": (["sweep", "{small}", VARY, "--samples", "4", "--shard", "1/0", "-o", "{out}"], 2, "--shard must be I/N"),
    "cli-sweep-shard-text": (["sweep", "{small}", VARY, "--samples", "4", "--shard", "half", "-o", "{out}"], 2, "got 'half'"),
    "cli-sweep-levels-for-lhs": (["sweep", "{small}", VARY, "--samples", "4", "--levels", "3", "-o", "{out}"], 2,
                                 "--levels applies to --design grid and morris"),
    "cli-merge-no-shards": (["merge", "{out}"], 2, "merge needs an output file and at least one shard"),
    "cli-info-no-file": (["info"], 2, "info needs a results file"),
    "cli-info-two-files": (["info", "{good}", "{good}"], 2, "too many positional options"),
    "cli-export-no-csv": (["export", "{good}"], 2, "export needs --csv DIR"),
    "cli-export-csv-is-a-file": (["export", "{good}", "--csv", "{existing}"], 2, "exists and is not a directory"),
    "cli-check-unknown-option": (["check", "{small}", "--replications", "3"], 2, "unrecognised option"),
    "cli-diff-one-scenario": (["diff", "{small}"], 2, "diff needs a baseline and at least one alternative"),
    "cli-diff-bad-alternative": (["diff", "{small}", "{bad}/nan-value.toml"], 2, "nan-value.toml:5"),
    "cli-params-unknown-option": (["params", "--html"], 2, "unrecognised option '--html'"),
    # ---- results files --------------------------------------------------------------------------
    "results-info-missing": (["info", "{tmp}/missing.h5"], 2, "missing.h5' not found"),
    "results-info-directory": (["info", "{tmp}"], 2, "is a directory"),
    "results-info-name-too-long": (["info", "{tmp}/{long}.h5"], 2, "File name too long"),
    "results-merge-shard-name-too-long": (["merge", "{out}", "{shard}", "{tmp}/{long}.h5"], 2, "File name too long"),
    "results-info-empty": (["info", "{tmp}/empty.h5"], 2, "empty.h5: not an HDF5 file"),
    "results-info-text": (["info", "{tmp}/text.h5"], 2, "text.h5: not an HDF5 file"),
    "results-info-truncated": (["info", "{tmp}/truncated.h5"], 2, "truncated.h5"),
    "results-info-foreign-hdf5": (["info", "{tmp}/foreign.h5"], 2, "not an incubsim results file"),
    "results-info-newer-format": (["info", "{tmp}/newer.h5"], 2, "format_version 99"),
    "results-export-truncated": (["export", "{tmp}/truncated.h5", "--csv", "{csv}"], 2, "truncated.h5"),
    "results-export-foreign-hdf5": (["export", "{tmp}/foreign.h5", "--csv", "{csv}"], 2, "not an incubsim results file"),
    "results-export-newer-format": (["export", "{tmp}/newer.h5", "--csv", "{csv}"], 2, "format_version 99"),
    "results-merge-missing-shard": (["merge", "{out}", "{shard}", "{tmp}/missing.h5"], 2, "missing.h5' not found"),
    "results-merge-not-a-sweep": (["merge", "{out}", "{good}"], 2, "'run'"),
    "results-merge-foreign-hdf5": (["merge", "{out}", "{shard}", "{tmp}/foreign.h5"], 2, "not an incubsim results file"),
    "results-merge-empty-shard": (["merge", "{out}", "{shard}", "{tmp}/empty.h5"], 2, "not an HDF5 file"),
    "results-merge-existing-output": (["merge", "{existing}", "{shard}"], 2, "use --force"),
    # A damaged string heap that crashes libhdf5 1.10.8 itself (found by fuzz_results; docs/reliability.md).
    "results-info-libhdf5-crash": (["info", "{upstream}/results-h5hg-read-overlap.h5"], 2, "libhdf5 crashed reading"),
    "results-export-libhdf5-crash": (["export", "{upstream}/results-h5hg-read-overlap.h5", "--csv", "{csv}"], 2,
                                     "libhdf5 crashed reading"),
    "results-merge-libhdf5-crash": (["merge", "{out}", "{upstream}/results-h5hg-read-overlap.h5"], 2,
                                    "libhdf5 crashed reading"),
    # A damaged string heap that makes libhdf5 1.10.8 loop forever (found by fuzz_results): the
    # read is bounded by CPU time (INCUBSIM_STRING_READ_CPU_SECONDS, 1 s in these rows).
    "results-info-libhdf5-hang": (["info", "{upstream}/results-h5hg-endless-loop.h5"], 2,
                                  "libhdf5 did not finish reading strings from"),
    "results-export-libhdf5-hang": (["export", "{upstream}/results-h5hg-endless-loop.h5", "--csv", "{csv}"], 2,
                                    "results-h5hg-endless-loop.h5' within 1 s of CPU time"),
    "results-merge-libhdf5-hang": (["merge", "{out}", "{upstream}/results-h5hg-endless-loop.h5"], 2,
                                   "the file is damaged"),
    "results-info-bad-string-read-limit": (["info", "{good}"], 2,
                                           "INCUBSIM_STRING_READ_CPU_SECONDS must be a number of seconds"),
    "resume-parts-of-another-plan": (["sweep", "{small}", VARY, "--samples", "4", "-r", "1", "--resume", "-o", "{out}"], 2,
                                     "belong to a different command"),
    "resume-parts-without-manifest": (["run", "{small}", "-r", "1", "--resume", "-o", "{out}"], 2,
                                      "not an incubsim crash record"),
    "resume-output-of-another-command": (["run", "{small}", "-r", "1", "--resume", "-o", "{existing}"], 2,
                                         "no parts to resume"),
}


# Environment of the rows that need one (the rest run with the test's own environment).
ROW_ENVIRONMENT = {
    "results-info-libhdf5-hang": {"INCUBSIM_STRING_READ_CPU_SECONDS": "1"},
    "results-export-libhdf5-hang": {"INCUBSIM_STRING_READ_CPU_SECONDS": "1"},
    "results-merge-libhdf5-hang": {"INCUBSIM_STRING_READ_CPU_SECONDS": "1"},
    "results-info-bad-string-read-limit": {"INCUBSIM_STRING_READ_CPU_SECONDS": "ten"},
}


def _kind(row_id):
    for prefix, kind in (("scenario-", "scenario files"), ("compare-", "scenario files"), ("set-", "--set values"),
                         ("cli-", "command-line arguments"), ("results-", "results files"), ("resume-", "results files")):
        if row_id.startswith(prefix):
            return kind
    raise AssertionError(row_id)


def test_the_table_covers_every_kind_of_malformed_input():
    assert len(ROWS) >= 40
    counts = {}
    for row_id in ROWS:
        assert ";" not in row_id and " " not in row_id
        counts[_kind(row_id)] = counts.get(_kind(row_id), 0) + 1
    assert set(counts) == {"scenario files", "--set values", "command-line arguments", "results files"}
    assert min(counts.values()) >= 8, counts


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """Valid results files made once: a run, and shard 1 of a two-shard sweep."""
    binary, source = support.environment()
    directory = tmp_path_factory.mktemp("bad-inputs")
    small = str(source / "scenarios" / "test" / "small.toml")
    good, shard = directory / "good.h5", directory / "shard.h5"
    for arguments in (["run", small, "-r", "2", "--record", "indicators", "-q", "-o", str(good)],
                      ["sweep", small, VARY, "--samples", "4", "-r", "1", "--record", "indicators", "--shard", "1/2", "-q", "-o",
                       str(shard)]):
        completed = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=TIMEOUT, check=False)
        assert completed.returncode == 0, completed.stderr
    return {"good": good, "shard": shard}


def _prepare(tmp_path, files):
    """The row's directory: broken results files, an unreadable scenario, an existing output."""
    (tmp_path / "empty.h5").write_bytes(b"")
    (tmp_path / "text.h5").write_text("hello, not HDF5\n")
    data = files["good"].read_bytes()
    (tmp_path / "truncated.h5").write_bytes(data[:len(data) // 3])
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = np.arange(3)  # a plain HDF5 file of someone else's
    newer = tmp_path / "newer.h5"
    shutil.copyfile(files["good"], newer)
    with h5py.File(newer, "a") as f:
        f.attrs["format_version"] = 99
    unreadable = tmp_path / "unreadable.toml"
    unreadable.write_text((support.small_scenario()).read_text())
    unreadable.chmod(0)
    existing = tmp_path / "existing.h5"
    shutil.copyfile(files["good"], existing)
    (tmp_path / "extends-long.toml").write_text('extends = "%s.toml"\n[scenario]\nname = "long"\n' % LONG_NAME)
    (tmp_path / "renamed.toml").write_text('extends = "%s"\n[scenario]\nname = "renamed"\n' % support.small_scenario())
    return existing


def _snapshot(directory):
    """Every file under a directory with its bytes."""
    return {p.relative_to(directory): p.read_bytes() for p in sorted(Path(directory).rglob("*")) if p.is_file()}


@pytest.mark.parametrize("row_id", sorted(ROWS))
def test_malformed_input_is_refused_cleanly(tmp_path, results, row_id):
    arguments, code, fragment, *most_lines = ROWS[row_id]
    binary, source = support.environment()
    if row_id == "scenario-unreadable" and os.geteuid() == 0:
        pytest.skip("root reads a file whatever its permissions")
    if "libhdf5-crash" in row_id and "ASAN_OPTIONS" in os.environ:
        pytest.skip("sanitizer builds leave faults to the sanitizer (no damaged-file guard)")
    existing = _prepare(tmp_path, results)
    original = existing.read_bytes()
    out, csv = tmp_path / "out" / "refused.h5", tmp_path / "csv"
    out.parent.mkdir()
    parts = Path(str(out) + ".parts")
    if row_id == "resume-parts-of-another-plan":
        parts.mkdir()
        (parts / "manifest.tsv").write_text("# plan 0123456789abcdef\nindex\tfile\tfirst_run\truns\n")
    elif row_id == "resume-parts-without-manifest":
        parts.mkdir()
        (parts / "part-000000.h5").write_bytes(b"not a part")
    parts_before = _snapshot(parts) if parts.exists() else None
    values = {"small": support.small_scenario(), "bad": source / "scenarios" / "test" / "bad", "out": out, "existing": existing,
              "good": results["good"], "shard": results["shard"], "tmp": tmp_path, "csv": csv,
              "upstream": source / "tests" / "fuzz" / "upstream", "long": LONG_NAME}
    command = [binary, *[a.format(**values) for a in arguments]]
    environment = {**os.environ, **ROW_ENVIRONMENT.get(row_id, {})}
    completed = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False, cwd=tmp_path,
                               env=environment)
    stderr = completed.stderr
    assert completed.returncode == code, (command, completed.stdout, stderr)
    assert fragment in stderr, (command, stderr)
    for text in FORBIDDEN:
        assert text not in stderr and text not in completed.stdout, (text, stderr)
    assert fragment in stderr.strip().splitlines()[0] or not most_lines, stderr  # the message first, then the usage
    assert len(stderr.strip().splitlines()) <= (most_lines[0] if most_lines else MAX_STDERR_LINES), stderr
    # Nothing half-written.
    assert not out.exists()
    if parts_before is None:
        assert not parts.exists()
    else:
        assert _snapshot(parts) == parts_before  # another command's parts stay as they were
    assert not csv.exists()
    assert existing.read_bytes() == original
    assert not Path(str(existing) + ".parts").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ([parts.name] if parts_before is not None else [])
    assert not (tmp_path / "output").exists()  # no default output directory either
