"""analysis.browser: HTML pages checked in headless Chromium over the DevTools pipe.

Each test writes a small page into tmp_path and loads it in a fresh headless browser (a few
seconds each). Skipped when no Chromium is installed. Run from the repository root:
`/usr/bin/python3 -m pytest -q tests/python/test_browser.py`.
"""

import os
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import browser  # noqa: E402
from analysis.browser import BrowserError, PageCheck, check_page, find_chromium  # noqa: E402

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

needs_chromium = pytest.mark.skipif(find_chromium() is None,
                                    reason="no chromium/chrome executable found (apt install chromium)")


def write_png(path, width, height, rgb):
    """A minimal truecolour PNG filled with one colour."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = b"\x00" + bytes(rgb) * width
    data = (PNG_SIGNATURE
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))
    Path(path).write_bytes(data)
    return path


def write_page(directory, name, body, title="Test page"):
    path = Path(directory) / name
    path.write_text(f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>{title}</title></head>"
                    f"<body>{body}</body></html>\n")
    return path


@pytest.fixture
def good_page(tmp_path):
    write_png(tmp_path / "first.png", 120, 80, (200, 30, 30))
    write_png(tmp_path / "second.png", 60, 90, (30, 30, 200))
    return write_page(tmp_path, "good.html",
                      "<h1>Results</h1><p>Two figures of a run.</p><img src='first.png' alt='first'>"
                      # Lazy and far below the first viewport: must still count as loaded.
                      "<div style='height:2000px'></div><img src='second.png' alt='second' loading='lazy'>",
                      title="Good report")


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """Make the module's temporary profile land in a directory the test can inspect."""
    directory = tmp_path / "tmp"
    directory.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(directory))
    return directory


def chromium_processes_in(directory):
    """PIDs of live processes whose command line names `directory` (zombies excluded)."""
    marker = str(directory).encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline:
            found.append(int(name))
    return found


@needs_chromium
def test_good_page_with_two_images_and_screenshot(good_page, tmp_path, private_tmp):
    shot = tmp_path / "shots" / "good.png"
    check = check_page(good_page, screenshot_path=shot, timeout=60)
    assert check.ok, check.summary()
    assert check.url == good_page.resolve().as_uri()
    assert check.title == "Good report"
    assert check.images == 2
    assert check.broken_images == []
    assert check.console_errors == []
    assert check.text_length >= len("ResultsTwo figures of a run.")
    assert check.screenshot == str(shot)
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 2000
    width, height = struct.unpack(">II", data[16:24])
    assert width == 1280 and height >= 2000
    # The browser and its temporary profile are gone.
    assert list(private_tmp.iterdir()) == []
    assert chromium_processes_in(private_tmp) == []


@needs_chromium
def test_missing_image_is_reported(tmp_path):
    write_png(tmp_path / "present.png", 20, 20, (0, 128, 0))
    page = write_page(tmp_path, "missing.html",
                      "<p>One figure is missing.</p><img src='present.png'><img src='figures/absent.png'>")
    check = check_page(page, timeout=60)
    assert not check.ok
    assert check.images == 2
    assert check.broken_images == ["figures/absent.png"]
    assert check.screenshot is None
    # The failed load also shows up as a browser log error.
    assert any("absent.png" in message for message in check.console_errors), check.console_errors


@needs_chromium
def test_console_error_is_reported(tmp_path):
    page = write_page(tmp_path, "console.html",
                      "<p>Scripted page.</p><script>console.log('fine'); console.error('boom');</script>")
    check = check_page(page, timeout=60)
    assert not check.ok
    assert check.images == 0 and check.broken_images == []
    assert len(check.console_errors) == 1, check.console_errors
    assert "boom" in check.console_errors[0]


@needs_chromium
def test_uncaught_exception_is_reported(tmp_path):
    page = write_page(tmp_path, "exception.html",
                      "<p>Broken script.</p><script>throw new Error('kaboom in report');</script>")
    check = check_page(page, timeout=60)
    assert not check.ok
    assert check.text_length > 0
    assert any("kaboom in report" in message for message in check.console_errors), check.console_errors


@needs_chromium
def test_hung_page_times_out_and_cleans_up(tmp_path, private_tmp):
    page = write_page(tmp_path, "hang.html", "<p>Never loads.</p><script>while (true) {}</script>")
    with pytest.raises(BrowserError, match="timed out"):
        check_page(page, timeout=3)
    assert list(private_tmp.iterdir()) == []
    assert chromium_processes_in(private_tmp) == []


@needs_chromium
def test_falls_back_to_plain_headless(tmp_path, monkeypatch):
    """A browser that rejects --headless=new is started again with --headless."""
    fake = tmp_path / "old-chromium"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do [ "$a" = --headless=new ] && exit 1; done\n'
                    f'exec "{find_chromium()}" "$@"\n')
    fake.chmod(0o755)
    monkeypatch.setenv("CHROMIUM", str(fake))
    assert find_chromium() == str(fake)
    page = write_page(tmp_path, "plain.html", "<p>Plain page.</p>")
    check = check_page(page, timeout=60)
    assert check.ok, check.summary()


def test_ok_needs_text_images_and_no_errors():
    fine = PageCheck(url="file:///r.html", title="r", images=1, broken_images=[], console_errors=[],
                     text_length=10, screenshot=None)
    assert fine.ok
    assert not PageCheck("u", "t", 0, [], [], 0, None).ok
    assert not PageCheck("u", "t", 1, ["a.png"], [], 10, None).ok
    assert not PageCheck("u", "t", 0, [], ["console.error: x"], 10, None).ok


def test_check_page_missing_file_raises(tmp_path):
    with pytest.raises(FileNotFoundError):
        check_page(tmp_path / "nope.html")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "analysis.browser", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_missing_file_exits_2(tmp_path):
    result = run_cli(tmp_path / "absent.html")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "absent.html" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_without_chromium_exits_2(tmp_path, monkeypatch, capsys):
    page = write_page(tmp_path, "p.html", "<p>x</p>")
    monkeypatch.setattr(browser, "find_chromium", lambda: None)
    assert browser.main([str(page)]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Chromium not found" in err


def test_cli_page_with_problems_exits_1(tmp_path, monkeypatch, capsys):
    page = write_page(tmp_path, "p.html", "<p>x</p>")
    bad = PageCheck(page.as_uri(), "p", 1, ["gone.png"], ["console.error: boom"], 1, None)
    monkeypatch.setattr(browser, "check_page", lambda *a, **k: bad)
    assert browser.main([str(page)]) == 1
    out = capsys.readouterr().out
    assert "images loaded: 0/1" in out and "gone.png" in out and "boom" in out


@needs_chromium
def test_cli_good_page_exits_0(good_page, tmp_path):
    shot = tmp_path / "cli.png"
    result = run_cli(good_page, "--screenshot", shot)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "images loaded: 2/2" in result.stdout
    assert shot.read_bytes().startswith(PNG_SIGNATURE)
