"""Errors a user can act on.

Every problem in a user's files is a :class:`DeckgenError` carrying a
:class:`Location` (``decks/x/deck.yaml:12:5``) and, when known, the slide it is
about.  Only ``cli.py`` turns these into exit codes and ``Error:`` lines; the core
never imports click.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and, when known, a 1-based line and column."""

    file: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)


def display_path(path: Path | str) -> str:
    """Return *path* relative to the working directory when it lies below it.

    Messages then read ``decks/x/deck.yaml`` rather than an absolute path that
    differs from one checkout to the next. The path is shown as named, a symbolic link
    as the link (not where it points), so a message names the file the user can see.
    """
    absolute, cwd = os.path.abspath(path), os.getcwd()
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return os.path.relpath(absolute, cwd)
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a user's file."""

    message: str
    location: Location | None = None
    slide: str | None = None

    def __str__(self) -> str:
        prefix = f"{self.location}: " if self.location else ""
        slide = f"slide {self.slide}: " if self.slide else ""
        return f"{prefix}{slide}{self.message}"


class DeckgenError(Exception):
    """A problem in the user's input; reported without a traceback, exit code 1."""

    def __init__(self, problems: list[Problem] | str, location: Location | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems, location)]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # keep the located problems when sent back from a worker process
        return (type(self), (self.problems,))


class DeckError(DeckgenError):
    """The deck definition is invalid (syntax, schema, references)."""


class BrandError(DeckgenError):
    """A brand definition is invalid."""


class TranslationError(DeckgenError):
    """A catalog or a translation is invalid."""


class RenderError(DeckgenError):
    """A renderer could not produce its output from otherwise valid input."""


class OutputError(DeckgenError):
    """An output could not be written."""
