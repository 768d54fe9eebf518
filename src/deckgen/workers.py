"""PDF worker processes, started before anything heavy is imported.

Rendering a PDF costs far more than the rest of a build, and importing WeasyPrint
alone takes about as long as loading, composing and writing the PPTX of a deck.
So ``deckgen build`` forks its PDF workers first, while the process is still small:
they import WeasyPrint while the main process reads, validates and composes the
decks and writes the PPTX files; then each worker renders the PDFs it is sent,
reusing fonts and decoded images between the decks and locales it renders.

This module imports only the standard library at import time.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


_RENDERER: Any = None


def _warm_up() -> None:
    """Import what rendering needs, in the worker, while the main process works."""
    global _RENDERER
    from .render_pdf import PdfRenderer, import_weasyprint

    import_weasyprint()
    import weasyprint.pdf  # noqa: F401  (the PDF writer and its font subsetting)

    from . import i18n, layouts  # noqa: F401

    _RENDERER = PdfRenderer()


def render_job(job: PdfJob) -> tuple[bytes, PdfInfo]:
    """Render one PDF (of a deck or of a part of one) in a worker (or in this process)."""
    global _RENDERER
    from .i18n import SourceTranslator, load_translator
    from .layouts import Sandbox, environment, install
    from .render_pdf import PdfRenderer

    if _RENDERER is None:
        _RENDERER = PdfRenderer()
    sandbox = Sandbox(dict(job.roots))
    env = environment(list(job.search), sandbox)
    translator = (SourceTranslator() if job.locale == job.source_language
                  else load_translator(job.deck_dir, job.locale, job.fuzzy))
    install(env, translator)
    data = _RENDERER.render(job.scene, env, sandbox)
    assert _RENDERER.last is not None
    return data, _RENDERER.last


def start(jobs: int) -> Any | None:
    """A pool of *jobs* PDF workers warming up, or None to render in this process.

    Even one worker pays: it imports WeasyPrint while this process reads and composes.
    """
    if jobs < 1:
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # pragma: no cover - no fork (Windows)
        return None
    return context.Pool(jobs, initializer=_warm_up)
