"""A real headless browser for the HTML reports: Debian's ``chromium``, driven over the DevTools
protocol on a pipe (``--remote-debugging-pipe``: NUL-separated JSON on file descriptors 3 and 4),
so no websocket package is needed.

``open_page`` loads a file at a window width and records what a person's browser would see go
wrong: console messages and uncaught exceptions, and every request that is not the page itself
or a ``data:`` URI (the reports must need no network).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

INSTALL = "install Debian's chromium (apt-get install -y chromium; .ci/run does, see the README's requirements)"


def chromium() -> str:
    """The chromium executable; a missing browser fails the test (it is a requirement, not an option)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.fail(f"chromium not found on PATH: {INSTALL}", pytrace=False)
    return path


def _above_4(fd: int) -> int:
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


@dataclass
class Page:
    """What loading one page produced."""

    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


class Browser:
    """One chromium process; ``call`` sends a DevTools command and returns its result."""

    def __init__(self, timeout: float = 180.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="packager-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # the child's ends above 4, so that moving them to 3 and 4 cannot overwrite one another
        to_child_r, from_child_w = (_above_4(fd) for fd in (to_child_r, from_child_w))
        args = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--mute-audio", "about:blank"]
        # the protocol's file descriptors are 3 (commands in) and 4 (replies out)
        self.proc = subprocess.Popen(["bash", "-c", f'exec "$@" 3<&{to_child_r} 4>&{from_child_w}', "bash", *args],
                                     pass_fds=(to_child_r, from_child_w), stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(self.profile, "stderr.log"), "wb"))
        os.close(to_child_r)
        os.close(from_child_w)
        self._buf = b""
        self._next = 0
        self.events: list[dict] = []

    def _read(self) -> dict:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self._buf:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                log = Path(self.profile, "stderr.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"chromium closed the protocol pipe (exit code {self.proc.poll()}):\n{log}")
            self._buf += chunk
        msg, _, self._buf = self._buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method: str, session: str | None = None, **params) -> dict:
        self._next += 1
        msg = {"id": self._next, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            e = self._read()
            if e.get("method") == method:
                return e
            self.events.append(e)

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_child)
        os.close(self._from_child)
        shutil.rmtree(self.profile, ignore_errors=True)


class Tab:
    """A page loaded at ``width`` CSS pixels (``dark``: prefers-color-scheme dark)."""

    def __init__(self, browser: Browser, path: Path, width: int, height: int = 900, dark: bool = False):
        self.b = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.s = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", self.s)
        browser.call("Emulation.setDeviceMetricsOverride", self.s, width=width, height=height,
                     deviceScaleFactor=1, mobile=width < 600)
        browser.call("Emulation.setEmulatedMedia", self.s, features=[
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}])
        self.url = Path(path).resolve().as_uri()
        browser.events.clear()
        browser.call("Page.navigate", self.s, url=self.url)
        browser.wait_for("Page.loadEventFired")
        self.eval("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        self.page = self._collect()

    def _collect(self) -> Page:
        page = Page()
        for e in self.b.events:
            m, p = e.get("method"), e.get("params", {})
            if m == "Runtime.consoleAPICalled":
                page.console.append(f"console.{p['type']}: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                page.console.append(f"exception: {p['exceptionDetails'].get('text')}")
            elif m == "Log.entryAdded":
                page.console.append(f"log.{p['entry']['level']}: {p['entry']['text']}")
            elif m == "Network.requestWillBeSent":
                url = p["request"]["url"]
                if url != self.url and not url.startswith("data:"):
                    page.requests.append(url)
        return page

    def eval(self, expression: str):
        r = self.b.call("Runtime.evaluate", self.s, expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            raise RuntimeError(f"{expression}: {r['exceptionDetails']}")
        return r["result"].get("value")

    def screenshot(self) -> bytes:
        """PNG of the whole page (full height) at the tab's width."""
        data = self.b.call("Page.captureScreenshot", self.s, format="png", captureBeyondViewport=True,
                           clip={"x": 0, "y": 0, "width": self.eval("document.documentElement.scrollWidth"),
                                 "height": self.eval("document.documentElement.scrollHeight"), "scale": 1})["data"]
        return base64.b64decode(data)
