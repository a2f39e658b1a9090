"""Check an HTML report in headless Chromium: images load, no console errors, and a screenshot.

The browser is driven with the Chrome DevTools Protocol (CDP) over a pipe
(`--remote-debugging-pipe`: Chromium reads commands from fd 3 and writes replies and events to
fd 4, each message JSON terminated by a NUL byte), so only the standard library is needed.

`check_page(path)` opens file:///abs/path in a fresh browser with a temporary profile, waits for
the load event, and returns a `PageCheck`: the title, how many <img> there are and which did not
load, console.error/console.assert messages, uncaught exceptions and browser log errors (such as
failed resource loads), the length of the body text and, if asked, a full-page PNG screenshot.
The browser and its profile are always removed, also on errors and timeouts.

Usage (from the repository root):

    /usr/bin/python3 -m analysis.browser PAGE.html [--screenshot OUT.png] [--timeout 60]

Exit status: 0 if the page is fine, 1 if it has problems, 2 if the file is missing, Chromium is
not available or the check could not be completed.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["PageCheck", "BrowserError", "check_page", "find_chromium", "main"]

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/usr/lib/chromium/chromium",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/opt/google/chrome/chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)

# Flags besides the headless mode and the profile directory; see _command().
CHROMIUM_FLAGS = (
    "--remote-debugging-pipe",         # CDP on fds 3 (commands in) and 4 (replies out), no TCP port
    "--no-sandbox",                    # the sandbox cannot start as root / in containers
    "--disable-gpu",                   # software rendering; no GPU process needed
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",  # no update/safe-browsing traffic (no internet here)
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-dev-shm-usage",         # /dev/shm is often tiny in containers
    "--allow-file-access-from-files",  # let file:// reports load/fetch their sibling files
    "--hide-scrollbars",               # clean screenshots
    "--mute-audio",
    "--password-store=basic",
    "--use-mock-keychain",
)
HEADLESS_MODES = ("--headless=new", "--headless")

MAX_SCREENSHOT_HEIGHT = 16384          # px; Chromium's texture limit, also keeps PNGs sane
DEFAULT_HEIGHT = 800
STARTUP_TIMEOUT = 20.0                 # seconds for the browser to answer its first command
IMAGE_SETTLE_MS = 5000                 # after load, wait at most this long for pending <img>

# Collects the page facts after the load event. Waits (bounded) for images that are still
# loading (lazy ones, ones inserted by scripts), then reports each <img> that did not load.
PAGE_FACTS_JS = """
(async () => {
  const imgs = Array.from(document.images);
  // Lazy images below the fold would never load in a headless viewport: load them now.
  imgs.forEach(i => { if (i.loading === 'lazy') i.loading = 'eager'; });
  const deadline = Date.now() + %d;
  while (imgs.some(i => !i.complete) && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 50));
  }
  const broken = imgs.filter(i => !(i.complete && i.naturalWidth > 0))
                     .map(i => i.getAttribute('src') || i.currentSrc || i.src || '(no src)');
  const body = document.body;
  return {
    title: document.title || '',
    images: imgs.length,
    broken: broken,
    textLength: body ? (body.innerText || '').trim().length : 0,
  };
})()
""" % IMAGE_SETTLE_MS


class BrowserError(RuntimeError):
    """Chromium is unavailable, crashed, timed out or answered a command with an error."""


@dataclass
class PageCheck:
    url: str
    title: str
    images: int                      # number of <img> elements
    broken_images: list[str] = field(default_factory=list)   # src of images that did not load
    console_errors: list[str] = field(default_factory=list)  # console errors, exceptions, log errors
    text_length: int = 0
    screenshot: str | None = None    # path written

    @property
    def ok(self) -> bool:
        """Rendered some text, every image loaded and nothing was reported as an error."""
        return self.text_length > 0 and not self.broken_images and not self.console_errors

    def summary(self) -> str:
        lines = [
            f"{self.url}",
            f"  title: {self.title!r}",
            f"  text: {self.text_length} characters",
            f"  images loaded: {self.images - len(self.broken_images)}/{self.images}",
        ]
        lines += [f"  broken image: {src}" for src in self.broken_images]
        lines.append(f"  console errors: {len(self.console_errors)}")
        lines += [f"  error: {message}" for message in self.console_errors]
        if self.screenshot:
            lines.append(f"  screenshot: {self.screenshot}")
        lines.append("  OK" if self.ok else "  PROBLEMS")
        return "\n".join(lines)


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome executable (CHROMIUM environment variable first), or None."""
    candidates = []
    if os.environ.get("CHROMIUM"):
        candidates.append(os.environ["CHROMIUM"])
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            candidates.append(found)
    candidates.extend(CHROMIUM_PATHS)
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


class _Browser:
    """One Chromium process with a CDP pipe. Use as a context manager: exit kills it."""

    def __init__(self, executable: str, headless: str, deadline: float):
        self.deadline = deadline
        self.next_id = 0
        self.buffer = bytearray()
        self.events: list[dict] = []
        self.proc: subprocess.Popen | None = None
        self.tempdir = tempfile.mkdtemp(prefix="incubsim-chromium-")
        self.stderr_path = os.path.join(self.tempdir, "stderr.log")
        profile = os.path.join(self.tempdir, "profile")
        os.mkdir(profile)
        command = [executable, headless, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"]
        # cmd: we write, the browser reads (its fd 3); out: the browser writes (its fd 4).
        cmd_read, self.cmd_write = os.pipe()
        self.out_read, out_write = os.pipe()

        def child_fds():  # runs in the child between fork and exec
            # Move both ends above 4 first so the dup2 calls cannot clobber each other.
            high_read = fcntl.fcntl(cmd_read, fcntl.F_DUPFD, 5)
            high_write = fcntl.fcntl(out_write, fcntl.F_DUPFD, 5)
            os.dup2(high_read, 3)
            os.dup2(high_write, 4)

        # Chromium's crash handler (crashpad) keeps its database under XDG_CONFIG_HOME, not in
        # the profile: point it into the temporary directory, which also lets close() find it.
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.tempdir, "config"),
                   XDG_CACHE_HOME=os.path.join(self.tempdir, "cache"))
        try:
            with open(self.stderr_path, "wb") as stderr:
                self.proc = subprocess.Popen(
                    command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                    env=env, pass_fds=(3, 4), preexec_fn=child_fds, start_new_session=True)
        except BaseException:
            for fd in (self.cmd_write, self.out_read):
                os.close(fd)
            shutil.rmtree(self.tempdir, ignore_errors=True)
            raise
        finally:
            os.close(cmd_read)
            os.close(out_write)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        """Kill the browser's whole process group and remove the temporary profile.

        No graceful Browser.close: the profile is thrown away anyway, and a hung renderer
        would only delay it.
        """
        proc = self.proc
        if proc is not None:
            # Helpers (zygote, renderer, GPU/network utilities) share the group started by
            # start_new_session; kill whatever is left of it, then reap the main process.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.kill()
                proc.wait(timeout=5.0)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.proc = None
        _kill_stragglers(self.tempdir)
        for fd in (self.cmd_write, self.out_read):
            try:
                os.close(fd)
            except OSError:
                pass
        self.cmd_write = self.out_read = -1
        shutil.rmtree(self.tempdir, ignore_errors=True)

    def stderr_tail(self, lines: int = 5) -> str:
        try:
            text = Path(self.stderr_path).read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(text[-lines:])

    def _remaining(self, deadline: float, what: str) -> float:
        left = min(deadline, self.deadline) - time.monotonic()
        if left <= 0:
            raise BrowserError(f"timed out waiting for Chromium ({what})")
        return left

    def _write(self, message: dict, deadline: float):
        data = json.dumps(message).encode() + b"\0"
        while data:
            _, writable, _ = select.select([], [self.cmd_write], [], self._remaining(deadline, "write"))
            if not writable:
                continue
            try:
                written = os.write(self.cmd_write, data)
            except BrokenPipeError:
                raise BrowserError(f"Chromium closed its pipe: {self.stderr_tail()}") from None
            data = data[written:]

    def _read_message(self, deadline: float, what: str) -> dict:
        while True:
            end = self.buffer.find(b"\0")
            if end >= 0:
                raw = bytes(self.buffer[:end])
                del self.buffer[:end + 1]
                return json.loads(raw)
            readable, _, _ = select.select([self.out_read], [], [], self._remaining(deadline, what))
            if not readable:
                continue
            chunk = os.read(self.out_read, 1 << 20)
            if not chunk:
                status = self.proc.poll() if self.proc else None
                raise BrowserError(f"Chromium exited (status {status}) while waiting for {what}: "
                                   f"{self.stderr_tail()}")
            self.buffer += chunk

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float | None = None) -> dict:
        """Send a command and return its result; events seen meanwhile go to self.events."""
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        deadline = self.deadline if timeout is None else time.monotonic() + timeout
        self._write(message, deadline)
        while True:
            reply = self._read_message(deadline, method)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    error = reply["error"]
                    raise BrowserError(f"{method} failed: {error.get('message')} {error.get('data', '')}".strip())
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_event(self, method: str, session: str | None, deadline: float) -> dict:
        """The first event `method` (already seen or arriving before the deadline)."""
        def matches(event):
            return event.get("method") == method and (session is None or event.get("sessionId") == session)
        for event in self.events:
            if matches(event):
                return event
        while True:
            message = self._read_message(deadline, method)
            if "method" in message:
                self.events.append(message)
                if matches(message):
                    return message


def _kill_stragglers(tempdir: str):
    """Kill processes still naming our temporary directory on their command line.

    Chromium's crash handlers detach into their own sessions, so the process-group kill misses
    them; they exit on their own soon after the browser, this just makes it immediate.
    """
    marker = tempdir.encode()
    try:
        pids = [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return
    for pid in pids:
        if pid == os.getpid():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if marker in cmdline:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


def _remote_object_text(obj: dict) -> str:
    if "value" in obj:
        value = obj["value"]
        return value if isinstance(value, str) else json.dumps(value)
    if "unserializableValue" in obj:
        return obj["unserializableValue"]
    return obj.get("description") or obj.get("type", "")


def _location(url: str | None, line: int | None) -> str:
    if not url:
        return ""
    return f" ({url}:{line + 1})" if isinstance(line, int) else f" ({url})"


def _collect_errors(events: list[dict], session: str) -> list[str]:
    """console.error/assert calls, uncaught exceptions and error-level log entries, in order."""
    errors = []
    for event in events:
        if event.get("sessionId") != session:
            continue
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            text = " ".join(_remote_object_text(arg) for arg in params.get("args", []))
            if params.get("type") == "assert":
                text = "Assertion failed: " + text if text else "Assertion failed"
            frames = (params.get("stackTrace") or {}).get("callFrames") or []
            where = _location(frames[0].get("url"), frames[0].get("lineNumber")) if frames else ""
            errors.append(f"console.{params['type']}: {text}{where}")
        elif method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            description = (details.get("exception") or {}).get("description") or ""
            text = details.get("text", "Uncaught")
            first = description.splitlines()[0] if description else ""
            message = f"{text} {first}".strip() if first and first not in text else text
            errors.append(f"exception: {message}{_location(details.get('url'), details.get('lineNumber'))}")
        elif method == "Log.entryAdded":
            entry = params.get("entry", {})
            if entry.get("level") == "error":
                url = entry.get("url")
                errors.append(f"log ({entry.get('source', '?')}): {entry.get('text', '')}"
                              f"{f' ({url})' if url else ''}")
    return errors


def _launch(executable: str, deadline: float) -> _Browser:
    """Start the browser, trying the headless modes in order until one answers."""
    failures = []
    for headless in HEADLESS_MODES:
        browser = _Browser(executable, headless, deadline)
        try:
            browser.send("Browser.getVersion", timeout=min(STARTUP_TIMEOUT, deadline - time.monotonic()))
            return browser
        except BaseException as error:
            browser.close()
            if not isinstance(error, BrowserError):
                raise
            failures.append(f"{headless}: {error}")
            if time.monotonic() >= deadline:
                break
    raise BrowserError("Chromium did not start: " + "; ".join(failures))


def check_page(html_path, screenshot_path=None, timeout: float = 60.0, width: int = 1280) -> PageCheck:
    """Load a local HTML file in headless Chromium and report what a reader would see.

    Raises FileNotFoundError if the file does not exist and BrowserError if Chromium is not
    available, crashes, or the whole check takes longer than `timeout` seconds.
    """
    path = Path(html_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {html_path}")
    executable = find_chromium()
    if executable is None:
        raise BrowserError("Chromium not found (install chromium or set CHROMIUM=/path/to/chrome)")
    url = path.as_uri()
    deadline = time.monotonic() + timeout

    with _launch(executable, deadline) as browser:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": DEFAULT_HEIGHT, "deviceScaleFactor": 1, "mobile": False},
                     session=session)
        # Anything about about:blank is not the page's business.
        browser.events.clear()
        navigation = browser.send("Page.navigate", {"url": url}, session=session)
        if navigation.get("errorText"):
            raise BrowserError(f"could not open {url}: {navigation['errorText']}")
        browser.wait_event("Page.loadEventFired", session, deadline)

        result = browser.send("Runtime.evaluate", {"expression": PAGE_FACTS_JS, "awaitPromise": True,
                                                   "returnByValue": True}, session=session)
        if "exceptionDetails" in result:
            raise BrowserError(f"page inspection failed: {result['exceptionDetails'].get('text')}")
        facts = result["result"]["value"]

        written = None
        if screenshot_path is not None:
            metrics = browser.send("Page.getLayoutMetrics", session=session)
            size = metrics.get("cssContentSize") or metrics.get("contentSize") or {}
            height = int(min(max(size.get("height", DEFAULT_HEIGHT), 1), MAX_SCREENSHOT_HEIGHT) + 0.999)
            browser.send("Emulation.setDeviceMetricsOverride",
                         {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                         session=session)
            shot = browser.send("Page.captureScreenshot",
                                {"format": "png", "captureBeyondViewport": True},
                                session=session)
            out = Path(screenshot_path)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(base64.b64decode(shot["data"]))
            written = str(out)

        # A round trip after everything else: events the page sent before it have arrived.
        browser.send("Runtime.evaluate", {"expression": "0"}, session=session)
        errors = _collect_errors(browser.events, session)

    return PageCheck(url=url, title=facts["title"], images=int(facts["images"]),
                     broken_images=list(facts["broken"]), console_errors=errors,
                     text_length=int(facts["textLength"]), screenshot=written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m analysis.browser",
        description="Check an HTML report in headless Chromium (images, console errors, screenshot).")
    parser.add_argument("page", help="HTML file")
    parser.add_argument("--screenshot", metavar="OUT.png", help="write a full-page PNG screenshot")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole check (60)")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels (1280)")
    args = parser.parse_args(argv)
    try:
        check = check_page(args.page, args.screenshot, timeout=args.timeout, width=args.width)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (BrowserError, OSError) as error:
        print(f"error: {str(error).splitlines()[0] if str(error) else type(error).__name__}", file=sys.stderr)
        return 2
    print(check.summary())
    return 0 if check.ok else 1


if __name__ == "__main__":
    sys.exit(main())
