"""Sources stay inside the repository: code, scenarios, analysis and docs cite docs/sources.md
(or the original publication), never documents that are not in the repository, and every
section they cite exists there."""

import re
import subprocess

from support import environment

OUTSIDE = re.compile(r"\b(BRIEF|DESIGN|CALIBRATION)\.md\b|\.\./shared/(seed|CALIBRATION|DESIGN)")
SECTION = re.compile(r"§([PE]\d+)")


def tracked_files(source):
    listed = subprocess.run(["git", "ls-files", "sim", "scenarios", "analysis", "docs", "scripts", "tests", "README.md"],
                            cwd=source, capture_output=True, text=True, check=True).stdout.split()
    return [name for name in listed if not name.endswith((".h5", ".png")) and name != "tests/python/test_sources.py"
            and not name.startswith("tests/fuzz/regressions") and not name.startswith("tests/fuzz/upstream")]


def read(path):
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, FileNotFoundError):
        return ""


def test_nothing_cites_documents_outside_the_repository():
    _, source = environment()
    offenders = []
    for name in tracked_files(source):
        for number, line in enumerate(read(source / name).splitlines(), 1):
            if OUTSIDE.search(line) and "test_golden.py" not in name:
                offenders.append(f"{name}:{number}: {line.strip()[:120]}")
    assert offenders == [], "\n".join(offenders[:40])


def test_every_cited_section_exists():
    _, source = environment()
    sections = set(re.findall(r"^### §([PE]\d+) ", read(source / "docs" / "sources.md"), flags=re.M))
    assert {"P1", "P12", "E1", "E11"} <= sections
    missing = []
    for name in tracked_files(source):
        for number, line in enumerate(read(source / name).splitlines(), 1):
            missing += [f"{name}:{number}: §{s}" for s in SECTION.findall(line) if s not in sections]
    assert missing == [], "\n".join(missing[:40])


def test_the_parameter_registry_cites_sources():
    binary, source = environment()
    text = subprocess.run([binary, "params", "--markdown"], capture_output=True, text=True, check=True).stdout
    assert "sources.md §" in text
    assert not OUTSIDE.search(text)
