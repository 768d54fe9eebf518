"""Wall-time and peak-memory benchmark of whole ``deckgen`` processes.

Every case is a fresh process (``subprocess.Popen``), run once as a warm-up and
then ``--runs`` times, the cases taking turns (round after round, so that a
changing background load hits them all alike); the table gives the median, min and max wall time and
the peak RSS of the process (``ru_maxrss`` from ``os.wait4``: the largest
resident set of that one process, not a sum over a process tree).  Each build
writes into a fresh temporary output folder, so no run reuses an earlier
output.  Figures are also given as multiples of ``python-startup`` (``python
-c pass``), the floor, so that runs on different machines can be compared, and
of ``import-weasyprint`` when that case is run: on a busy machine the 15 ms
floor is the most jittery figure of all, while importing WeasyPrint is CPU-bound
Python like a build and slows down with it, so that ratio is the steadier one.

Usage (from the repository root)::

    .venv/bin/python bench/bench.py                      # every case, 7 runs each
    .venv/bin/python bench/bench.py --runs 15
    .venv/bin/python bench/bench.py --case build-1-locale --case build-all-locales
    .venv/bin/python bench/bench.py --markdown /tmp/bench.md
    python3 bench/bench.py --python /path/to/venv/bin/python

Options:

``--runs N``        timed runs per case after one warm-up run (default 7)
``--case NAME``     run only this case (repeatable); ``python-startup`` is
                    always run too, as the floor for the ratios
``--python PATH``   interpreter to benchmark (default: the one running this script)
``--deck DIR``      deck folder, relative to the repository root
                    (default ``decks/hcsmeu-anniversary``)
``--tmp DIR``       where the per-run output folders are created (default: the
                    system temporary folder); they are removed after each run
``--timeout S``     kill a run still going after S seconds and report the case
                    as failed (default 120)
``--markdown FILE`` also write the results, machine and date as Markdown

Cases: ``python-startup``, ``import-weasyprint``, ``build-1-locale`` (target
0.6 s), ``build-pptx-only``, ``build-all-locales`` (target 2.5 s).  A target
is met when the median is at or below it.

Exit status: 0 when every command succeeded (whether or not targets are met:
a missed target is reported, not an error), 1 when a command failed, 2 on a
usage error.  Standard library only; Linux (``/proc``, ``os.wait4``).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shlex
import signal
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DECK = "decks/hcsmeu-anniversary"
FLOOR = "python-startup"
WEASY = "import-weasyprint"  # a second, heavier yardstick: CPU-bound like a build, less jittery than the floor
OUT = "{out}"  # placeholder replaced by a fresh temporary folder for each run


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]  # after the interpreter; OUT marks the output folder
    description: str
    target: float | None = None  # seconds, compared with the median

    def argv(self, python: str, out: Path) -> list[str]:
        return [python, *(str(out) if a == OUT else a for a in self.args)]

    @property
    def builds(self) -> bool:
        return OUT in self.args


def cases(deck: str) -> list[Case]:
    build = ("-m", "deckgen", "build", deck)
    return [
        Case(FLOOR, ("-c", "pass"), "interpreter start-up and exit (the floor)"),
        Case("import-weasyprint", ("-c", "import weasyprint"), "start-up + import weasyprint"),
        Case("build-1-locale", (*build, "--locale", "en", "--out", OUT),
             "one deck, one locale (en), PPTX + PDF, cold process", 0.6),
        Case("build-pptx-only", (*build, "--locale", "en", "--format", "pptx", "--out", OUT),
             "one deck, one locale (en), PPTX only, cold process"),
        Case("build-all-locales", (*build, "--out", OUT),
             "one deck, every locale with a catalog, PPTX + PDF, one command", 2.5),
    ]


@dataclass
class Run:
    seconds: float
    maxrss_kib: int
    returncode: int
    files: int  # output files written (builds only)
    output: str  # stdout + stderr of the process


@dataclass
class Result:
    case: Case
    runs: list[Run] = field(default_factory=list)
    failure: str | None = None

    @property
    def times(self) -> list[float]:
        return [r.seconds for r in self.runs]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_rss_mib(self) -> float:
        return max(r.maxrss_kib for r in self.runs) / 1024

    @property
    def files(self) -> int:
        return self.runs[-1].files if self.runs else 0

    @property
    def met(self) -> bool | None:
        if self.case.target is None or not self.runs:
            return None
        return self.median <= self.case.target


def run_once(case: Case, python: str, tmp: Path | None, timeout: float) -> Run:
    """Run *case* once in a new process; wall time from before ``Popen`` to after ``wait4``.

    A process still running after *timeout* seconds is killed (and reported as failed).
    """
    out_dir = Path(tempfile.mkdtemp(prefix=f"deckgen-bench-{case.name}-", dir=tmp))
    # Builds get a non-existent folder inside the fresh one, so deckgen creates it.
    target = out_dir / "out"
    argv = case.argv(python, target)
    try:
        with tempfile.TemporaryFile() as log:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            timer = threading.Timer(timeout, proc.kill)
            timer.start()
            try:
                _, status, usage = os.wait4(proc.pid, 0)
            except BaseException:
                proc.kill()
                proc.wait()
                raise
            finally:
                timer.cancel()
            seconds = time.perf_counter() - started
            proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: keep Popen quiet
            log.seek(0)
            output = log.read().decode("utf-8", "replace")
        files = sum(1 for p in target.rglob("*") if p.is_file()) if target.exists() else 0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    # On Linux ru_maxrss is in KiB.
    if proc.returncode < 0 and seconds >= timeout:
        output += f"\n(killed after the {timeout:g} s timeout)"
    return Run(seconds, usage.ru_maxrss, proc.returncode, files, output)


def bench(chosen: list[Case], python: str, runs: int, tmp: Path | None, timeout: float) -> list[Result]:
    """One warm-up round, then *runs* rounds; each round runs every case once, in order.

    Interleaving the cases (rather than running all runs of one case, then the
    next) spreads a busy machine's changing load over every case alike, which
    keeps the ratios between cases meaningful.  A case that fails is dropped
    from later rounds.
    """
    results = [Result(case) for case in chosen]
    for i in range(runs + 1):  # round 0 is the warm-up
        for result in results:
            if result.failure:
                continue
            case = result.case
            run = run_once(case, python, tmp, timeout)
            if run.returncode != 0:
                cmd = shlex.join(case.argv(python, Path("TMP")))
                tail = "\n".join(run.output.strip().splitlines()[-20:])
                result.failure = f"exit status {run.returncode}: {cmd}\n{tail}"
                continue
            if case.builds and run.files == 0:
                result.failure = f"wrote no output files:\n{run.output.strip()}"
                continue
            if i:
                result.runs.append(run)
            print(f"  {'warm-up' if i == 0 else f'run {i}/{runs}':>9}  {case.name:<18} {run.seconds:7.3f} s  "
                  f"{run.maxrss_kib / 1024:6.1f} MiB", file=sys.stderr, flush=True)
    return results


# --- the machine --------------------------------------------------------------------------------

_PROBE = """
import importlib.metadata as m, json, platform, sys
v = {}
for d in ("deckgen", "weasyprint", "python-pptx"):
    try:
        v[d] = m.version(d)
    except m.PackageNotFoundError:
        v[d] = "not installed"
print(json.dumps({"python": platform.python_version(), "implementation": platform.python_implementation(),
                  "executable": sys.executable, "versions": v}))
"""


def _proc_field(path: str, key: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                name, _, value = line.partition(":")
                if name.strip() == key:
                    return value.strip()
    except OSError:
        pass
    return None


def code_state() -> str:
    """The commit measured, and how many files differ from it (the working tree is what runs)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=ROOT, check=True).stdout.strip()
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, cwd=ROOT, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}" + (f" + {len(status)} modified file(s) in the working tree" if status else " (clean)")


def machine(python: str) -> dict[str, object]:
    probe = subprocess.run([python, "-c", _PROBE], capture_output=True, text=True, cwd=ROOT)
    target = json.loads(probe.stdout) if probe.returncode == 0 else {"python": "?", "versions": {}}
    mem = _proc_field("/proc/meminfo", "MemTotal")  # "24683656 kB"
    mem_gib = f"{int(mem.split()[0]) / 1024 / 1024:.1f} GiB" if mem else "unknown"
    env = {k: os.environ[k] for k in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONOPTIMIZE")
           if k in os.environ}
    return {
        "cpus": os.cpu_count(),
        "cpu": _proc_field("/proc/cpuinfo", "model name") or platform.processor() or "unknown",
        "memory": mem_gib,
        "platform": platform.platform(),
        "python": f"{target.get('implementation', 'CPython')} {target['python']} ({python})",
        "versions": target.get("versions", {}),
        "environment": env,
        "code": code_state(),
    }


# --- reporting ----------------------------------------------------------------------------------

def _ratio(result: Result, base: Result | None) -> str:
    if base is None or not base.runs or not result.runs:
        return "–"
    ratio = result.median / base.median
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.0f}×"


def _met(result: Result) -> str:
    if result.failure:
        return "FAILED"
    met = result.met
    if met is None:
        return "–"
    if met:
        return "yes"
    over = result.median - result.case.target  # type: ignore[operator]
    return f"no (+{over:.2f} s, {result.median / result.case.target:.1f}× target)"  # type: ignore[operator]


def table(results: list[Result]) -> list[list[str]]:
    floor = next((r for r in results if r.case.name == FLOOR), None)
    weasy = next((r for r in results if r.case.name == WEASY), None)
    rows = [["case", "median s", "min–max s", "× floor", "× import-wp", "peak RSS MiB", "files", "target s",
             "met?"]]
    for r in results:
        target = f"{r.case.target:.1f}" if r.case.target else "–"
        if r.runs:
            rows.append([r.case.name, f"{r.median:.3f}", f"{min(r.times):.3f}–{max(r.times):.3f}",
                         _ratio(r, floor), _ratio(r, weasy), f"{r.peak_rss_mib:.1f}",
                         str(r.files) if r.case.builds else "–", target, _met(r)])
        else:
            rows.append([r.case.name, "–", "–", "–", "–", "–", "–", target, _met(r)])
    return rows


def print_table(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        print("  ".join(cell.ljust(w) if i in (0, len(row) - 1) else cell.rjust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def markdown(rows: list[list[str]], results: list[Result], info: dict[str, object], runs: int,
             date: str, load: tuple[tuple[float, ...], tuple[float, ...]] | None) -> str:
    lines = [f"Measured {date} with `bench/bench.py --runs {runs}` "
             f"(one warm-up round, then {runs} timed rounds, each running every case once; median, min–max wall time; "
             "peak RSS = `ru_maxrss` of the single process).", ""]
    lines.append("| " + " | ".join(rows[0]) + " |")
    lines.append("|" + "|".join(":--" if i == 0 or i == len(rows[0]) - 1 else "--:"
                                for i in range(len(rows[0]))) + "|")
    for row in rows[1:]:
        lines.append("| " + " | ".join(f"`{c}`" if i == 0 else c for i, c in enumerate(row)) + " |")
    lines += ["", "Commands (`TMP` is a fresh temporary folder for every run):", ""]
    for r in results:
        cmd = shlex.join(r.case.argv("python", Path("TMP")))
        lines.append(f"- `{r.case.name}`: `{cmd}` — {r.case.description}")
    versions = info["versions"]
    assert isinstance(versions, dict)
    lines += ["", "Machine:", "",
              f"- CPU: {info['cpu']}, {info['cpus']} logical CPUs",
              f"- Memory: {info['memory']}",
              f"- OS: {info['platform']}",
              f"- Python: {info['python']}",
              "- Packages: " + ", ".join(f"{k} {v}" for k, v in versions.items()),
              f"- Code: {info['code']}"]
    if load:
        lines.append(f"- Load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load[0])}; "
                     f"after: {', '.join(f'{x:.2f}' for x in load[1])}")
    env = info["environment"]
    if env:
        assert isinstance(env, dict)
        lines.append("- Environment: " + ", ".join(f"`{k}={v}`" for k, v in env.items()))
    for r in results:
        if r.failure:
            lines += ["", f"`{r.case.name}` failed:", "", "```", r.failure, "```"]
    return "\n".join(lines) + "\n"


# --- main ---------------------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.py", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7, metavar="N", help="timed runs per case (default 7)")
    parser.add_argument("--case", action="append", dest="cases", metavar="NAME",
                        help="run only this case (repeatable)")
    parser.add_argument("--python", default=sys.executable, metavar="PATH",
                        help="interpreter to benchmark (default: %(default)s)")
    parser.add_argument("--deck", default=DEFAULT_DECK, metavar="DIR",
                        help="deck folder relative to the repository root (default: %(default)s)")
    parser.add_argument("--tmp", type=Path, default=None, metavar="DIR",
                        help="parent of the per-run output folders (default: system temp folder)")
    parser.add_argument("--timeout", type=float, default=120.0, metavar="S",
                        help="kill a run after S seconds and report it as failed (default: %(default)g)")
    parser.add_argument("--markdown", type=Path, default=None, metavar="FILE",
                        help="also write the results as Markdown to FILE")
    args = parser.parse_args(argv)

    all_cases = {c.name: c for c in cases(args.deck)}
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    chosen = list(dict.fromkeys(args.cases or all_cases))
    unknown = [n for n in chosen if n not in all_cases]
    if unknown:
        parser.error(f"unknown case {', '.join(unknown)} (choose from {', '.join(all_cases)})")
    if FLOOR not in chosen:
        chosen.insert(0, FLOOR)  # the ratios need the floor
    if not (ROOT / args.deck).is_dir():
        parser.error(f"no deck folder {ROOT / args.deck}")
    if shutil.which(args.python) is None and not Path(args.python).is_file():
        parser.error(f"no interpreter {args.python}")
    if args.tmp is not None:
        args.tmp.mkdir(parents=True, exist_ok=True)

    date = _dt.datetime.now().astimezone().isoformat(timespec="minutes")
    info = machine(args.python)
    print(f"deckgen benchmark, {date}: {args.runs} rounds of every case after one warm-up round, "
          f"python {args.python}", file=sys.stderr)
    load_before = os.getloadavg()
    results = bench([all_cases[name] for name in chosen], args.python, args.runs, args.tmp, args.timeout)
    load_after = os.getloadavg()

    rows = table(results)
    print()
    print_table(rows)
    print()
    versions = info["versions"]
    assert isinstance(versions, dict)
    print(f"machine: {info['cpu']}, {info['cpus']} CPUs, {info['memory']}, {info['platform']}")
    print(f"python:  {info['python']}; " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"code:    {info['code']}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} on {info['cpus']} CPUs "
          "(a busy machine inflates times; compare the × columns across machines)")
    if info["environment"]:
        print(f"environment: {info['environment']}")
    for r in results:
        if r.failure:
            print(f"\nFAILED {r.case.name}: {r.failure}", file=sys.stderr)

    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(markdown(rows, results, info, args.runs, date,
                                          (load_before, load_after)), encoding="utf-8")
        print(f"wrote {args.markdown}")
    return 1 if any(r.failure for r in results) else 0


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # so the running child is killed and temporary folders removed


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    sys.exit(main())
