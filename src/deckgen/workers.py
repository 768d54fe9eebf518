"""PDF worker processes, started before anything heavy is imported.

Rendering a PDF costs far more than the rest of a build, and importing WeasyPrint
alone takes about as long as loading, composing and writing the PPTX of a deck.
So ``deckgen build`` starts its PDF workers first, in the background: while the
main process reads, validates and composes the decks and writes the PPTX files,
a fork server imports WeasyPrint once and warms it up with a small render, then
forks the workers, which inherit all of it instead of each importing WeasyPrint
again. Each worker renders the PDFs (or parts of PDFs) it is sent, reusing fonts
and decoded images between them.

This module imports only the standard library at import time.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .interrupts import check, children_ignore, deferred

if TYPE_CHECKING:  # pragma: no cover
    from .render_pdf import PdfInfo
    from .scene import DeckScene


def default_jobs() -> int:
    """The processors this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class PdfJob:
    """Everything a worker needs to render one deck (or a part of it) in one locale."""

    scene: DeckScene
    search: tuple[Path, ...]  # layout search path
    roots: tuple[tuple[str, Path], ...]  # sandbox hosts
    deck_dir: Path
    locale: str
    source_language: str
    fuzzy: bool
    tagged: bool = True  # a tagged PDF/UA-1


_RENDERER: Any = None

#: the module the fork server imports before forking the workers (it calls :func:`preload`)
PRELOAD_MODULE = "deckgen._pdf_preload"

_WARM_UP_HTML = ('<html lang="en"><body><p style="font-size: 20pt">Warm <b>up</b> <i>1<sup>er</sup></i> '
                 '<a href="https://deck.invalid/">link</a></p></body></html>')


_PRELOADED = False


def preload() -> None:
    """Import WeasyPrint and run one small render, in the fork server, before any worker is forked.

    The render pays WeasyPrint's first-use costs (its C declarations, Pango's font map, the
    PDF writer) once, for every worker. Nothing it does is kept but warmed-up code.
    """
    global _PRELOADED
    if _PRELOADED:
        return
    _PRELOADED = True
    from .render_pdf import _Html, import_weasyprint

    import_weasyprint()
    import weasyprint.pdf  # noqa: F401  (the PDF writer and its font subsetting)

    from . import layouts, scene  # noqa: F401  (a job holds a scene; the catalogs are read only if needed)

    try:
        layouts.precompile()  # the workers inherit the compiled slide layouts
    except Exception:  # noqa: BLE001 - a head start only: rendering reports a broken layout where it is used
        pass

    logger = logging.getLogger("weasyprint")
    old_disabled, logger.disabled = logger.disabled, True
    try:
        _Html.slides()(string=_WARM_UP_HTML, url_fetcher=_refuse).write_pdf()
    except Exception:  # noqa: BLE001 - a warm-up only: the real render reports real problems
        pass
    finally:
        logger.disabled = old_disabled
    gc.collect()
    gc.freeze()  # what the workers inherit is never scanned again (nor its pages copied by the scan)


def ignore_ctrl_c() -> None:
    """Leave Ctrl-C to the main process, which stops the workers (no traceback from each of them).

    For the fork server and the workers only. The fork server already starts with it ignored
    (:func:`start`); this also covers a pool started from another thread or forked directly.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the warm-up render reads nothing ({url})")


def _warm_up(tmp: str) -> None:
    """Get a worker ready to render (in the worker); its temporary files go under *tmp*.

    WeasyPrint copies the fonts of each document into a temporary folder that it removes
    when its font configuration is garbage-collected, which a stopped worker never does:
    the main process removes *tmp* instead.
    """
    tempfile.tempdir = tmp
    ignore_ctrl_c()
    try:
        preload()  # already done by the fork server: then this costs nothing
    except Exception:  # noqa: BLE001 - rendering will raise it again, where it is reported
        pass


class _LazyTranslator:
    """The job's translator, read from its catalog only if a layout asks for a translation.

    deckgen's own slide layouts never do (the words it writes itself are composed, and the
    catalog checked, in the main process); a deck's or project's layout override may.
    """

    def __init__(self, job: PdfJob) -> None:
        self._job = job
        self._translator: Any = None

    def _get(self) -> Any:
        if self._translator is None:
            from .i18n import SourceTranslator, load_translator
            from .phrasebook import translator_for

            job = self._job
            self._translator = translator_for(job.locale, SourceTranslator() if job.locale == job.source_language
                                              else load_translator(job.deck_dir, job.locale, job.fuzzy))
        return self._translator

    def gettext(self, message: str) -> str:
        return self._get().gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._get().ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self._get().pgettext(context, message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return self._get().npgettext(context, singular, plural, n)


_ENVS: dict[tuple[Any, ...], Any] = {}  # layout environments of this worker, by search path and sandbox


def render_job(job: PdfJob) -> tuple[bytes, PdfInfo]:
    """Render one PDF (of a deck or of a part of one) in a worker (or in this process)."""
    global _RENDERER
    from .layouts import Sandbox, environment, install
    from .render_pdf import PdfRenderer

    if _RENDERER is None:
        _RENDERER = PdfRenderer()
    key = (job.search, job.roots)
    if key not in _ENVS:  # keeps its compiled templates for the next locale
        sandbox = Sandbox(dict(job.roots))
        _ENVS[key] = (environment(list(job.search), sandbox), sandbox)
    env, sandbox = _ENVS[key]
    install(env, _LazyTranslator(job))
    _RENDERER.tagged = job.tagged
    data = _RENDERER.render(job.scene, env, sandbox)
    assert _RENDERER.last is not None
    return data, _RENDERER.last


class Workers:
    """A pool of PDF workers starting in the background.

    Starting the pool waits for the fork server to import WeasyPrint, so it happens in a
    thread while the main process reads and composes the decks; jobs sent before the pool
    is up wait in a list and are handed over as soon as it is.
    """

    def __init__(self, context: Any, jobs: int) -> None:
        _LIVE.add(self)  # first: stop_all() finds it even if the caller never gets it back
        self.tmp = tempfile.mkdtemp(prefix="deckgen-workers-")
        self._pool: Any = None
        self._error: BaseException | None = None
        self._closed = False
        self._waiting: list[_Waiting] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._start, args=(context, jobs), daemon=True,
                                        name="deckgen-pdf-workers")
        if context.get_start_method() == "fork":
            self._start(context, jobs)  # forking is quick, and must not happen from a thread
        else:
            self._thread.start()

    def _start(self, context: Any, jobs: int) -> None:
        try:
            pool = context.Pool(jobs, initializer=_warm_up, initargs=(self.tmp,))
        except BaseException as exc:  # reported to whoever waits for a result
            self._error = exc
            return
        with self._lock:
            self._pool = pool
            if self._closed:  # the build ended (or failed) before the pool was up
                self._stop(pool)
                return
            for job in self._waiting:
                job.result = pool.apply_async(job.func, job.args)
            self._waiting.clear()

    def apply_async(self, func: Any, args: tuple[Any, ...]) -> Any:
        """Send ``func(*args)`` to a worker; the returned object's ``get()`` gives its result."""
        with self._lock:
            if self._pool is not None:
                return self._pool.apply_async(func, args)
            job = _Waiting(self, func, args)
            self._waiting.append(job)
            return job

    def terminate(self) -> None:
        """Stop the workers and remove their temporary folder; calling it again does nothing.

        A pool still starting is waited for (it stops itself once up): returning earlier would
        let the program end while the pool is being made, leaving worker processes, a
        traceback from the fork server and the temporary folder behind (issue 12, B20).
        Ctrl-C waits until this is done (B18).
        """
        with deferred():
            with self._lock:
                if self._closed:
                    return
                self._closed = True
                pool = self._pool
            if pool is not None:
                self._stop(pool)
            elif self._thread.ident is not None:
                self._thread.join()  # _start sees _closed and stops the pool itself
            shutil.rmtree(self.tmp, ignore_errors=True)
            _LIVE.discard(self)

    def _stop(self, pool: Any) -> None:
        pool.terminate()
        pool.join()
        shutil.rmtree(self.tmp, ignore_errors=True)


_LIVE: set[Workers] = set()  # pools not yet terminated


def stop_all() -> None:
    """Terminate every pool of this process (the command's last word, whatever happened)."""
    for pool in list(_LIVE):
        pool.terminate()


@dataclass
class _Waiting:
    """A job sent before the pool was up."""

    owner: Workers
    func: Any
    args: tuple[Any, ...]
    result: Any = None

    def get(self, timeout: float | None = None) -> Any:
        thread = self.owner._thread
        if thread.ident is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise multiprocessing.TimeoutError  # still starting
        if self.result is None:
            raise RuntimeError(f"the PDF worker processes could not start: {self.owner._error}")
        return self.result.get(timeout)


def result(job: Any, timeout: float) -> Any:
    """What a job sent with :meth:`Workers.apply_async` returns, waiting at most *timeout* seconds.

    It waits a tenth of a second at a time, to notice Ctrl-C (:func:`deckgen.interrupts.check`).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return job.get(timeout=max(0.0, min(0.1, deadline - time.monotonic())))
        except multiprocessing.TimeoutError:
            check()
            if time.monotonic() >= deadline:
                raise


def _main_is_safe_to_reimport() -> bool:
    """Whether workers started by a fork server may run their start-up as multiprocessing does.

    Such a worker imports the program's main module again (as ``__mp_main__``). That is
    harmless for ``python -m deckgen``, for any ``python -m package`` (skipped), for the
    ``deckgen`` command and with no main file at all; for another script (one without an
    ``if __name__ == "__main__"`` guard, or read from standard input) the workers are
    forked from this process instead, which imports nothing again.
    """
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name:
        return name == "__main__" or name.endswith(".__main__")
    path = getattr(main, "__file__", None)
    return path is None or os.path.basename(path) in ("deckgen", "deckgen.exe")


def start(jobs: int) -> Workers | None:
    """A pool of *jobs* PDF workers starting in the background, or None to render in this process.

    Even one worker pays: it gets WeasyPrint ready while this process reads and composes.
    """
    if jobs < 1:
        return None
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods and _main_is_safe_to_reimport():
        from multiprocessing import forkserver

        from multiprocessing import resource_tracker

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([PRELOAD_MODULE])
        # the tracker protects itself from Ctrl-C, and unblocks SIGINT when it has: not inside the block
        resource_tracker.ensure_running()
        with children_ignore():  # the server and the workers it forks leave Ctrl-C to this process
            forkserver.ensure_running()  # now, from the main thread: the server starts importing at once
    elif "fork" in methods:  # pragma: no cover - no fork server on this platform
        context = multiprocessing.get_context("fork")
    else:  # pragma: no cover - Windows
        return None
    with deferred():  # Ctrl-C while the folder and the thread are made: after, stop_all() finds them
        return Workers(context, jobs)
