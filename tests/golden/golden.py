"""The golden set: digests of the decoded values of every dataset of a fixed set of commands.

    /usr/bin/python3 tests/golden/golden.py check  [--binary build/incubsim]   # exit 1 on a difference
    /usr/bin/python3 tests/golden/golden.py record [--binary build/incubsim]   # rewrite digests.tsv

A digest covers what a reader decodes (values, shape, type), not the HDF5 bytes or chunk layout.
`/indicators/values` is digested per indicator, by name, so a new indicator column adds rows
without touching the others; `/provenance` (time, host, commit) is left out. Scenario texts are
digested twice: as written, and without their `source = ...` strings and the keys listed in
NEW_KEYS (keys added on purpose whose default keeps every result the same).

A difference that a change makes on purpose is listed in EXPECTED_DIFFERENCES with its reason;
everything else must stay identical. A change to the model that alters results on purpose
re-records the digests (`record`) and says which and why in its commit.
"""

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DIGESTS = Path(__file__).resolve().parent / "digests.tsv"

YIYUAN = sorted(p.name for p in (ROOT / "scenarios" / "yiyuan").glob("*.toml"))
CALIBRATION = sorted(p.name for p in (ROOT / "scenarios" / "calibration").glob("*.toml"))


def commands():
    """(name, argv after the binary) of every command of the golden set."""
    found = []
    for scenario in YIYUAN:
        found.append((f"run-{scenario[:-5]}", ["run", f"scenarios/yiyuan/{scenario}", "-r", "20", "--record", "events"]))
    for scenario in CALIBRATION:
        found.append((f"calibration-{scenario[:-5]}",
                      ["run", f"scenarios/calibration/{scenario}", "-r", "20", "--record", "events"]))
    found.append(("compare-robustness", [
        "compare", "scenarios/yiyuan/baseline-4n.toml", "scenarios/yiyuan/government-run.toml",
        "scenarios/yiyuan/market-only.toml", "scenarios/yiyuan/no-programme.toml",
        "-r", "10", "--robustness", "4", "--record", "events"]))
    found.append(("sweep-sobol", [
        "sweep", "scenarios/yiyuan/baseline-4n.toml",
        "--vary", "integration.reserved_share=0:0.4",
        "--vary", "operator.luzhong-gaoke.service_quality=0.4:0.8",
        "--vary", "policy.zero_cost_entry_boost=0.1:0.6",
        "--design", "sobol", "--samples", "4", "-r", "2", "--record", "indicators"]))
    return found


# Keys added on purpose with a default that keeps results the same: left out of the normalised
# scenario texts (their lines, `key = value`, inside any table).
NEW_KEYS = []

# (pattern over digest keys, reason): differences made on purpose. A key matching a pattern may
# differ, appear or disappear; every other key must have the recorded digest.
# Issue 16 changed the model on purpose (young firms, format 4) and re-recorded every digest, so
# the differences issue 15 listed here are gone.
EXPECTED_DIFFERENCES = []


def _digest_bytes(*parts):
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\x1f")
    return h.hexdigest()[:24]


def _digest_array(values):
    values = np.asarray(values)
    if values.dtype.kind in "OSU":
        flat = [v.decode() if isinstance(v, bytes) else str(v) for v in values.reshape(-1)]
        return _digest_bytes("str", values.shape, "\x1e".join(flat))
    canonical = np.ascontiguousarray(values, dtype=values.dtype.newbyteorder("<"))
    return _digest_bytes(values.dtype.str.lstrip("<>|="), values.shape, canonical.tobytes())


def normalise_text(text):
    """A scenario text without `source = ...` strings and without the NEW_KEYS lines."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if re.match(r"""^source\s*=""", stripped):
            continue
        if any(re.match(rf"""^{re.escape(key)}\s*=""", stripped) for key in NEW_KEYS):
            continue
        # inline tables (uncertainty entries) carry `source = "..."` too
        line = re.sub(r""",\s*source\s*=\s*("[^"]*"|'[^']*')""", "", line)
        kept.append(line)
    return "\n".join(kept)


def file_digests(path):
    digests = {}
    with h5py.File(path, "r") as f:
        for key, value in f.attrs.items():
            digests[f"@{key}"] = _digest_array(np.asarray(value))

        def visit(name, obj):
            if name.startswith("provenance") or not isinstance(obj, h5py.Dataset):
                return
            values = obj[()]
            if name == "indicators/values":
                names = f["indicators/indicator"].asstr()[()]
                for i, indicator in enumerate(names):
                    digests[f"{name}[{indicator}]"] = _digest_array(values[:, :, i])
                return
            digests[name] = _digest_array(values)
            if name == "scenarios/texts":
                texts = obj.asstr()[()]
                digests[f"{name}#normalised"] = _digest_array(np.array([normalise_text(t) for t in texts], dtype=object))
        f.visititems(visit)
    return digests


def measure(binary):
    found = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, argv in commands():
            out = Path(tmp) / f"{name}.h5"
            result = subprocess.run([binary, *argv, "-o", str(out), "--quiet", "--threads", "2"],
                                    cwd=ROOT, capture_output=True, text=True)
            if result.returncode != 0:
                sys.exit(f"golden: {name} failed (exit {result.returncode}):\n{result.stderr}")
            for key, digest in file_digests(out).items():
                found[f"{name}:{key}"] = digest
    return found


def read_recorded():
    recorded = {}
    for line in DIGESTS.read_text().splitlines():
        if line and not line.startswith("#"):
            key, digest = line.split("\t")
            recorded[key] = digest
    return recorded


def expected(key):
    for pattern, reason in EXPECTED_DIFFERENCES:
        if re.search(pattern, key):
            return reason
    return None


def compare(recorded, found):
    """(unexpected differences, expected differences with reasons)."""
    unexpected, allowed = [], []
    for key in sorted(set(recorded) | set(found)):
        a, b = recorded.get(key), found.get(key)
        if a == b:
            continue
        what = "new" if a is None else "missing" if b is None else "differs"
        reason = expected(key)
        (allowed if reason else unexpected).append(f"{what}: {key}" + (f"  ({reason})" if reason else ""))
    return unexpected, allowed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "record"])
    parser.add_argument("--binary", default=os.environ.get("INCUBSIM_BINARY", str(ROOT / "build" / "incubsim")))
    args = parser.parse_args()
    found = measure(args.binary)
    if args.action == "record":
        lines = ["# golden set: command:dataset<TAB>digest of decoded values (tests/golden/golden.py)"]
        lines += [f"{key}\t{digest}" for key, digest in sorted(found.items())]
        DIGESTS.write_text("\n".join(lines) + "\n")
        print(f"golden: recorded {len(found)} digests of {len(commands())} commands in {DIGESTS.relative_to(ROOT)}")
        return 0
    unexpected, allowed = compare(read_recorded(), found)
    for line in allowed:
        print("expected " + line)
    for line in unexpected:
        print("UNEXPECTED " + line)
    print(f"golden: {len(found)} digests, {len(allowed)} expected differences, {len(unexpected)} unexpected")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
