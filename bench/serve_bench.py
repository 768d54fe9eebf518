"""Benchmark of ``deckgen serve`` in a real browser (Debian's Chromium through Selenium).

Measured on a copy of the example deck, in a temporary folder (the repository is never edited):

* **cold start**: from starting ``deckgen serve`` (``subprocess.Popen``) to the first slide on
  screen in Chromium with its fonts loaded (``document.fonts.ready`` after the page loads; the
  browser is already running, as a user's is). Target 1.5 s.
* **edit**: from writing ``deck.yaml`` (a new title for one slide) to the updated slide in the
  page's DOM (a ``MutationObserver`` notes the time), warm server. Target: median 100 ms,
  p95 200 ms.
* **keystroke**: in translator mode, from a key pressed in the editor (``keydown``) to the
  refitted slide on screen (the animation frame after the slide's DOM changed). Target:
  median 50 ms.
* **memory**: the server's resident memory (peak, ``VmHWM``) and PSS once the deck has been
  shown in all six locales, after all of the above. Target 250 MiB.
* ``import weasyprint`` in a fresh interpreter (median), measured in the same run, and every
  figure as a multiple of it, so that machines can be compared (as bench/bench.py does).

Browser and server clocks are the same machine's wall clock: ``time.time()`` here,
``performance.timeOrigin + performance.now()`` in the page.

Usage (from the repository root, after ``scripts/setup --test``)::

    .venv/bin/python bench/serve_bench.py                  # 5 cold starts, 40 edits, 40 keystrokes
    .venv/bin/python bench/serve_bench.py --edits 100 --markdown /tmp/serve.md
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DECK = Path("decks") / "hcsmeu-anniversary"
LOCALES = ["en", "de", "el", "es", "fr", "nl"]
MISSION = 3  # the slide whose title is edited
TARGETS = {"cold start": 1.5, "edit median": 0.100, "edit p95": 0.200, "keystroke median": 0.050}
MEMORY_TARGET_MIB = 250


def copy_project(dest: Path) -> Path:
    shutil.copytree(REPO / DECK, dest / DECK)
    for name in ("assets", "layouts"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, dest / name)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def chromium() -> Any:
    sys.path.insert(0, str(REPO / "tests"))
    from serving import chromium as start

    return start(1500, 950)


class Server:
    """``deckgen serve`` in the copy of the project, until :meth:`stop`."""

    def __init__(self, root: Path, python: str) -> None:
        self.port = free_port()
        self.started = time.time()
        self.proc = subprocess.Popen([python, "-m", "deckgen", "serve", str(DECK), "--port", str(self.port)],
                                     cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None
        for line in self.proc.stdout:  # its address comes once it listens and watches the files
            if line.startswith("press Ctrl+C"):
                break
        self.url = f"http://127.0.0.1:{self.port}/"

    def memory_mib(self) -> tuple[float, float, float]:
        """Peak resident set, resident set now, and PSS now, in MiB."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        fields = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if len(line.split()) > 1}
        pss = next(int(line.split()[1]) for line in Path(f"/proc/{self.proc.pid}/smaps_rollup").read_text()
                   .splitlines() if line.startswith("Pss:"))
        return int(fields["VmHWM"]) / 1024, int(fields["VmRSS"]) / 1024, pss / 1024

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()


def first_slide_on_screen(driver: Any, url: str) -> float:
    """Open *url*; the wall-clock time (s) at which the first slide was drawn with its fonts."""
    driver.get(url)
    return driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const drawn = () => document.querySelector('.dg-target section.slide');
        (function check() {
          if (!drawn()) return requestAnimationFrame(check);
          document.fonts.ready.then(() => requestAnimationFrame(() => done((performance.timeOrigin + performance.now()) / 1000)));
        })();""")


def cold_starts(root: Path, python: str, driver: Any, runs: int) -> list[float]:
    out = []
    for _ in range(runs + 1):  # the first run warms the disk cache and is not counted
        server = Server(root, python)
        try:
            out.append(first_slide_on_screen(driver, server.url) - server.started)
        finally:
            driver.get("about:blank")
            server.stop()
    return out[1:]


WATCH_SLIDE = """
    const [n, marker, side] = arguments;
    window.dgSeen = null;
    const box = document.querySelector(`.dg-item[data-n="${n}"] ${side}`);
    const observer = new MutationObserver(() => {
      if (marker && !box.innerText.includes(marker)) return;
      observer.disconnect();
      const dom = performance.timeOrigin + performance.now();
      requestAnimationFrame(() => { window.dgSeen = [dom, performance.timeOrigin + performance.now()]; });
    });
    observer.observe(box, {childList: true, subtree: true});
"""


def wait_seen(driver: Any, timeout: float = 10) -> tuple[float, float]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = driver.execute_script("return window.dgSeen")
        if seen:
            return seen[0] / 1000, seen[1] / 1000
        time.sleep(0.003)
    raise RuntimeError("the page did not update")


def edits(root: Path, driver: Any, server: Server, count: int) -> list[float]:
    """File write to DOM update, for *count* one-slide changes to deck.yaml."""
    deck = root / DECK / "deck.yaml"
    original = deck.read_text(encoding="utf-8")
    driver.get(server.url)
    first_slide_on_screen(driver, server.url)
    out = []
    for k in range(count + 3):  # three warm-up edits
        marker = f"Our mission, take {k}"
        text = original.replace("title: Our mission", f"title: {marker}", 1)
        driver.execute_script(WATCH_SLIDE, MISSION, marker, ".dg-target")
        written = time.time()
        deck.write_text(text, encoding="utf-8")
        dom, _ = wait_seen(driver)
        out.append(dom - written)
        time.sleep(0.15)  # one change at a time, as a person saves
    deck.write_text(original, encoding="utf-8")
    return out[3:]


def keystrokes(driver: Any, server: Server, count: int) -> list[float]:
    """Key press in the editor to the refitted slide on screen, for *count* keys."""
    from selenium.webdriver.common.by import By

    first_slide_on_screen(driver, server.url + "?locale=fr&mode=translate")
    driver.find_element(By.CSS_SELECTOR, f'.dg-item[data-n="{MISSION}"] .dg-target .frame[data-name="title"]').click()
    area = driver.find_element(By.CSS_SELECTOR, ".dg-msg textarea")
    driver.execute_script("""arguments[0].addEventListener('keydown', () => {
        window.dgKey = (performance.timeOrigin + performance.now()) / 1000; }, true);""", area)
    out = []
    for k in range(count + 3):
        driver.execute_script(WATCH_SLIDE, MISSION, "", ".dg-target")
        area.send_keys("x" if k % 10 != 9 else " ")
        _, painted = wait_seen(driver)
        out.append(painted - driver.execute_script("return window.dgKey"))
        time.sleep(0.05)
    return out[3:]


def import_weasyprint(python: str, runs: int = 5) -> float:
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([python, "-c", "import weasyprint"], check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def chromium_version() -> str:
    try:
        return subprocess.run(["chromium", "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cold", type=int, default=5, help="cold starts (after one not counted)")
    parser.add_argument("--edits", type=int, default=40, help="deck.yaml edits")
    parser.add_argument("--keys", type=int, default=40, help="keystrokes in translator mode")
    parser.add_argument("--python", default=sys.executable, help="interpreter with deckgen installed")
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown")
    args = parser.parse_args(argv)

    weasy = import_weasyprint(args.python)
    with tempfile.TemporaryDirectory(prefix="deckgen-serve-bench-") as tmp:
        root = copy_project(Path(tmp) / "project")
        driver = chromium()
        try:
            cold = cold_starts(root, args.python, driver, args.cold)
            server = Server(root, args.python)
            try:
                edit = edits(root, driver, server, args.edits)
                keys = keystrokes(driver, server, args.keys)
                for locale in LOCALES:
                    first_slide_on_screen(driver, f"{server.url}?locale={locale}")
                peak, rss, pss = server.memory_mib()
            finally:
                driver.get("about:blank")
                server.stop()
        finally:
            driver.quit()

    rows = [
        ("cold start (median)", statistics.median(cold), TARGETS["cold start"]),
        ("edit: file write → DOM (median)", statistics.median(edit), TARGETS["edit median"]),
        ("edit: file write → DOM (p95)", p95(edit), TARGETS["edit p95"]),
        ("keystroke → refitted slide on screen (median)", statistics.median(keys), TARGETS["keystroke median"]),
        ("keystroke → refitted slide on screen (p95)", p95(keys), None),
        ("import weasyprint (median)", weasy, None),
    ]
    lines = ["| measure | seconds | × import weasyprint | target | met |", "|:--|--:|--:|--:|:--|"]
    for name, value, target in rows:
        met = "" if target is None else ("yes" if value <= target else "no")
        lines.append(f"| {name} | {value:.3f} | {value / weasy:.3f} | {'' if target is None else f'{target:.3f}'} "
                     f"| {met} |")
    lines.append(f"| server memory, six locales shown: peak RSS {peak:.0f} MiB (now {rss:.0f} MiB, PSS "
                 f"{pss:.0f} MiB) | | | {MEMORY_TARGET_MIB} MiB | {'yes' if peak <= MEMORY_TARGET_MIB else 'no'} |")
    info = (f"{_dt.date.today().isoformat()}, {platform.node()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, {chromium_version()}; {args.cold} cold starts, {len(edit)} edits "
            f"(min {min(edit):.3f} s, max {max(edit):.3f} s), {len(keys)} keystrokes (min {min(keys):.3f} s, "
            f"max {max(keys):.3f} s)")
    print("\n".join(lines))
    print(info)
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n\n" + info + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
