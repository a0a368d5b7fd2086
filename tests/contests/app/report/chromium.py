"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe).

No websocket library is needed: Chromium reads commands from fd 3 and writes replies and events to
fd 4, each message JSON terminated by a NUL byte. Every page gets a fresh, empty user-data-dir.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = [
    "--headless",
    "--no-sandbox",  # we run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]


def chromium_binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageLog:
    """What the page reported while it was open."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 10 or above, so moving them onto fds 3 and 4 cannot clobber them."""
    low = os.pipe()
    high = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in low)
    for fd in low:
        os.close(fd)
    return high[0], high[1]


class ChromiumError(Exception):
    pass


class Browser:
    """One Chromium process with one page, closed on exit."""

    def __init__(self, binary: str, profile: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._to_chrome_r, self._to_chrome_w = _high_pipe()
        self._from_chrome_r, self._from_chrome_w = _high_pipe()
        profile.mkdir(parents=True, exist_ok=True)
        args = " ".join(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"]
        )
        # bash (dash refuses fds above 9) moves our pipe ends to the fds Chromium expects:
        # 3 carries commands in, 4 carries replies and events out.
        with open(profile / "chromium.log", "wb") as stderr:
            self.process = subprocess.Popen(
                ["/bin/bash", "-c", f"exec {args} 3<&{self._to_chrome_r} 4>&{self._from_chrome_w}"],
                pass_fds=(self._to_chrome_r, self._from_chrome_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )
        os.close(self._to_chrome_r)
        os.close(self._from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict[str, Any]] = []
        self.log = PageLog()
        try:
            target = self.call("Target.createTarget", url="about:blank")["targetId"]
            self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.call(f"{domain}.enable", session=True)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._send({"id": -1, "method": "Browser.close"})
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_chrome_w, self._from_chrome_r):
            with contextlib.suppress(OSError):
                os.close(fd)

    # -- protocol -----------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        os.write(self._to_chrome_w, json.dumps(message).encode() + b"\0")

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError("timed out waiting for Chromium")
            ready, _, _ = select.select([self._from_chrome_r], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome_r, 1 << 20)
                if not chunk:
                    raise ChromiumError(f"Chromium closed the pipe (exit code {self.process.poll()})")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        if "method" in message:
            self._record(message)
        return message

    def _record(self, event: dict[str, Any]) -> None:
        self._events.append(event)
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text", "")
            self.log.console_errors.append(f"Uncaught {text}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            args = [str(a.get("value", a.get("description", ""))) for a in params.get("args", [])]
            self.log.console_errors.append("console.error: " + " ".join(args))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.log.console_errors.append(f"{params['entry'].get('source')}: {params['entry'].get('text')}")
        elif method == "Network.requestWillBeSent":
            self.log.requests.append(params["request"]["url"])

    def call(self, method: str, session: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply.get("result", {})
                return result

    def wait_event(self, method: str) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        seen = len(self._events)
        while True:
            for event in self._events[seen:]:
                if event["method"] == method:
                    return event
            seen = len(self._events)
            self._receive(deadline)

    # -- page -----------------------------------------------------------------------------------

    def viewport(self, width: int, height: int, mobile: bool) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            session=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def open(self, url: str) -> None:
        self._events.clear()
        self.call("Page.navigate", session=True, url=url)
        self.wait_event("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", session=True, expression=expression, returnByValue=True)
        if "exceptionDetails" in reply:
            raise ChromiumError(f"evaluating {expression!r}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def dom(self) -> str:
        html: str = self.evaluate("document.documentElement.outerHTML")
        return html

    def screenshot(self, path: Path) -> bytes:
        """The whole page (not just the viewport) as PNG."""
        reply = self.call("Page.captureScreenshot", session=True, format="png", captureBeyondViewport=True)
        png = base64.b64decode(reply["data"])
        path.write_bytes(png)
        return png


SKIP_REASON = (
    "Debian's chromium is not installed: the HTML report is checked in a real headless browser "
    "(scripts/sysdeps.sh installs it; by hand: apt-get install -y chromium)"
)

# Everything the report tests ask of a rendered page, read in the page after layout.
PAGE_FACTS = """(() => {
  const text = (el) => el.textContent.trim();
  const rows = (sel) => Array.from(document.querySelectorAll(sel + ' tbody tr'))
      .map((tr) => Array.from(tr.cells).map(text));
  return {
    title: document.title,
    scripts: document.scripts.length,
    headlines: Array.from(document.querySelectorAll('article.headline')).map((a) => ({
      label: text(a.querySelector('h3')), rating: a.querySelector('.rating').dataset.rating,
      text: text(a)})),
    leaderboard: rows('table[data-table=leaderboard]'),
    contests: Array.from(document.querySelectorAll('section.model')).map((s) =>
      rows('#' + s.id + ' table[data-table=contests]')),
    problems: Array.from(document.querySelectorAll('table[data-table=problems]')).map((t) =>
      Array.from(t.tBodies[0].rows).map((tr) => Array.from(tr.cells).map(text))),
    method: text(document.querySelector('#method')),
    images: Array.from(document.images).map((i) => ({complete: i.complete, natural: i.naturalWidth,
      shown: i.getBoundingClientRect().width, current: i.currentSrc.slice(0, 40),
      currentLength: i.currentSrc.length})),
    pageWidth: document.documentElement.scrollWidth,
    viewport: window.innerWidth,
    widest: Math.max(...Array.from(document.querySelectorAll('main > *, section > *'))
      .map((e) => e.getBoundingClientRect().right)),
    bodyFont: parseFloat(getComputedStyle(document.body).fontSize),
  };
})()"""
