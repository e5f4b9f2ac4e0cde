"""A minimal client of the Chrome DevTools Protocol over a pipe, for the browser tests.

``chromium --remote-debugging-pipe`` reads protocol messages (JSON, each
ended by a NUL byte) from its file descriptor 3 and writes replies and
events to its descriptor 4. Through it the tests drive one headless
Chromium the way a reader's browser behaves: a phone's viewport (390×844 CSS
pixels at 2 device pixels per CSS pixel), real mouse clicks at the place a
button is drawn, dark mode, screenshots. Nothing but the standard library is
needed.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shlex
import subprocess
import tempfile
import time
from pathlib import Path


def _high_fd(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class ChromiumError(RuntimeError):
    """The browser reported an error, or did not answer in time."""


class Chromium:
    """One headless Chromium, one page (tab), driven over the DevTools pipe.

    Examples
    --------
    With a site served on port 8000 (the browser tests serve ``_build/html``)::

        with Chromium("chromium") as browser:
            browser.emulate(390, 844, scale=2, mobile=True)
            browser.goto("http://127.0.0.1:8000/intro.html")
            browser.evaluate("document.title")
    """

    def __init__(self, executable: str, *, timeout: float = 60.0) -> None:
        self.executable = executable
        self.timeout = timeout
        self._next_id = 0
        self._events: list[dict] = []
        self._buffer = b""
        self._metrics: dict = {}

    # -- process -------------------------------------------------------------

    def __enter__(self) -> Chromium:
        self._profile = tempfile.TemporaryDirectory()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        # The child's ends are moved above 9, so that bash's "3<&N 4>&M" cannot
        # clobber one with the other (pytest's capture may hold low fds); dash
        # (/bin/sh) takes only one-digit fds in redirections, so bash is used.
        to_child_r, from_child_w = (_high_fd(fd) for fd in (to_child_r, from_child_w))
        flags = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--mute-audio",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-default-apps", "--disable-extensions", "--disable-quic",
            f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe", "about:blank",
        ]
        command = " ".join(shlex.quote(a) for a in [self.executable, *flags])
        self._proc = subprocess.Popen(
            ["bash", "-c", f"exec {command} 3<&{to_child_r} 4>&{from_child_w}"],
            pass_fds=(to_child_r, from_child_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._write, self._read = to_child_w, from_child_r
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self._session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(ChromiumError, OSError):
            self._send("Browser.close")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        os.close(self._write)
        os.close(self._read)
        self._profile.cleanup()

    # -- protocol --------------------------------------------------------------

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise ChromiumError("Chromium did not answer in time")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ChromiumError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def send(self, method: str, params: dict | None = None) -> dict:
        """Send a command to the page and return its result."""
        return self._send(method, params, self._session)

    def wait_for_event(self, method: str, timeout: float | None = None) -> dict:
        """Wait for (and consume) the next event named ``method``."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, event in enumerate(self._events):
                if event["method"] == method:
                    return self._events.pop(i)
            self._events.append(self._receive(deadline))

    def take_events(self, *methods: str) -> list[dict]:
        """Remove and return the events received so far that are named one of ``methods``."""
        taken = [e for e in self._events if e["method"] in methods]
        self._events = [e for e in self._events if e["method"] not in methods]
        return taken

    # -- what the tests use ----------------------------------------------------

    def emulate(self, width: int, height: int, *, scale: float = 1, mobile: bool = False, dark: bool = False) -> None:
        """Set the viewport (CSS pixels), device pixel ratio, phone mode and colour scheme."""
        self._metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile,
                         "screenWidth": width, "screenHeight": height}
        self.send("Emulation.setDeviceMetricsOverride", self._metrics)
        self.set_color_scheme(dark)

    def set_color_scheme(self, dark: bool) -> None:
        """Switch the emulated ``prefers-color-scheme``; pages that follow it re-theme without a reload."""
        self.send("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})

    def goto(self, url: str) -> None:
        """Open ``url`` and wait for its load event.

        The events of the previous page (requests, console messages) are dropped;
        those of this page can be read with :meth:`take_events`.
        """
        self._events = []
        reply = self.send("Page.navigate", {"url": url})
        if reply.get("errorText"):
            raise ChromiumError(f"{url}: {reply['errorText']}")
        self.wait_for_event("Page.loadEventFired")

    def evaluate(self, expression: str):
        """Evaluate JavaScript in the page (awaiting a promise) and return its value."""
        result = self.send("Runtime.evaluate",
                           {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise ChromiumError(details.get("exception", {}).get("description") or details.get("text"))
        return result["result"].get("value")

    def click(self, x: float, y: float) -> None:
        """Click with the mouse at (x, y) CSS pixels of the viewport, as a reader does."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent",
                      {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path: Path, *, height: int | None = None) -> None:
        """Save a PNG of the viewport, or of the top ``height`` CSS pixels of the page, to ``path``.

        For ``height``, the viewport is made that tall for the capture and then
        restored (capturing beyond the viewport instead makes Chromium lay out
        and paint the whole page: about 2 s for a chapter, against 0.25 s).
        """
        taller = bool(height and self._metrics and height > self._metrics["height"])
        if taller:
            self.send("Emulation.setDeviceMetricsOverride", {**self._metrics, "height": height})
        # optimizeForSpeed: Chromium's fast PNG encoder; the pixels are the same (PNG is
        # lossless), the file about a fifth larger, and the capture 0.05-0.1 s quicker.
        params = {"format": "png", "optimizeForSpeed": True}
        if height and not taller:  # within the emulated viewport, or beyond one that was never set
            width = self._metrics.get("width") or self.evaluate("document.documentElement.clientWidth")
            params.update(clip={"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                          captureBeyondViewport=not self._metrics)
        try:
            data = self.send("Page.captureScreenshot", params)["data"]
        finally:
            if taller:
                self.send("Emulation.setDeviceMetricsOverride", self._metrics)
        Path(path).write_bytes(base64.b64decode(data))
