"""Helpers of the ``deckgen serve`` tests: the real command in a process, raw HTTP, and Chromium."""

from __future__ import annotations

import http.client
import json
import os
import re
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest


class Served:
    """``deckgen serve ARGS --port 0`` running in *root*, until :meth:`stop`."""

    def __init__(self, root: Path, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "deckgen", "serve", *args, "--port", "0"], cwd=root,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines = self._read_until("press Ctrl+C to stop", 60)
        found = re.search(r"at (http://[^ ]+)", self.lines[0])
        assert found, self.lines
        self.url = found.group(1)
        self.port = int(re.search(r":(\d+)/", self.url).group(1))  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{self.port}"

    def _read_until(self, last: str, timeout: float) -> list[str]:
        lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None
        # a thread reads the lines: a selector on a buffered pipe would miss lines already buffered
        self.reader = threading.Thread(target=lambda: [lines.put(line) for line in self.proc.stdout], daemon=True)
        self.reader.start()
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(line.rstrip("\n"))
            if line.startswith(last):
                return seen
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close()
        pytest.fail(f"deckgen serve did not start: {seen} {self.errors}")

    def request(self, method: str, path: str, headers: dict[str, str] | None = None,
                body: Any = None) -> tuple[int, dict[str, str], bytes]:
        """One request with *path* sent exactly as written (no clean-up of ``..`` or escapes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        data = json.dumps(body).encode() if body is not None and not isinstance(body, bytes) else body
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        all_headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if data is not None:
            all_headers["Content-Length"] = str(len(data))
        for name, value in all_headers.items():
            conn.putheader(name, value)
        conn.endheaders(data)
        response = conn.getresponse()
        out = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        conn.close()
        return out

    def page_token(self, path: str = "/") -> str:
        status, _, body = self.request("GET", path)
        assert status == 200, body
        found = re.search(rb'<meta name="dg-page" content="([^"]+)">', body)
        assert found
        return found.group(1).decode()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._close()
        return self.proc.returncode

    def _close(self) -> None:
        if self.proc.stderr is None or self.proc.stderr.closed:
            return
        self.reader.join(10)  # it ends with the output
        self.errors = self.proc.stderr.read()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def need(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is missing: scripts/setup --test installs it")
    return exe


def chromium(width: int = 1500, height: int = 950) -> Any:
    """Debian's Chromium driven through chromium-driver: headless, a fresh profile, no network of its own."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = need("chromium")
    profile = tempfile.mkdtemp(prefix="deckgen-chromium-")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
                "--force-device-scale-factor=1", f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    env_before = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a driver or a browser
    try:
        driver = webdriver.Chrome(service=Service(need("chromedriver")), options=options)
    finally:
        if env_before is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = env_before
    driver.profile_dir = profile
    return driver


def quit_chromium(driver: Any) -> None:
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)
