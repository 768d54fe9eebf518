"""Ctrl-C: where it may stop deckgen, and where it must wait.

In the ``deckgen`` command, Ctrl-C (SIGINT) only takes note (:func:`install`, the first
thing the program does); the build stops at the next safe point, where :func:`check` raises
:class:`Interrupted`: between decks, units, PPTX files, PDF parts and staged files, and every
tenth of a second while it waits for the PDF workers. It unwinds like an error, so
``finally`` blocks stop the workers and remove temporary files, and the command prints one
line and exits with code 130. Raising at once, as Python's ``KeyboardInterrupt`` does, would
land anywhere, also inside a library that swallows the exception and goes on with a wrong
result (pydantic's validators did: the deck then had "invalid" country codes). A few steps
must not stop half-way even for callers with Python's usual handler (stopping the workers,
putting the staged outputs in place): they run under :class:`deferred`.

Standard library only, and cheap to import: the program installs the handler before
importing anything else, so the moment a Ctrl-C would still print a traceback is as short as
Python's own start-up.
"""

from __future__ import annotations

try:
    import _signal as _sig  # the C module: `signal` itself first imports `enum`, which takes a while
except ImportError:  # pragma: no cover - another interpreter
    import signal as _sig  # type: ignore[no-redef]

#: the exit code of a command stopped by Ctrl-C, as shells report it (128 + SIGINT)
EXIT_CODE = 130

_pending = False  # Ctrl-C was pressed; the next check() stops the command


class Interrupted(BaseException):
    """Ctrl-C in the ``deckgen`` command; not an ``Exception``, so no ``except Exception`` swallows it."""


def _take_note(signum: int, frame: object) -> None:
    global _pending
    _pending = True


def install() -> None:
    """Make Ctrl-C stop this process at its next :func:`check` (from the main thread)."""
    _sig.signal(_sig.SIGINT, _take_note)


def pending() -> bool:
    """Whether Ctrl-C was pressed since :func:`install`."""
    return _pending


def forget() -> None:
    """Ctrl-C was the expected way to end (``deckgen serve``): the command ends normally."""
    global _pending
    _pending = False


def check() -> None:
    """A safe point: raise :class:`Interrupted` if Ctrl-C was pressed."""
    if _pending:
        raise Interrupted


def ignore() -> None:
    """Ignore Ctrl-C from now on: the process is ending, and its exit handlers must all run."""
    if _in_main_thread():
        _sig.signal(_sig.SIGINT, _sig.SIG_IGN)


def _in_main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


class deferred:  # noqa: N801 - used like a function: ``with deferred():``
    """Hold Ctrl-C back until the block has run; then act on it as the handler before would have.

    Python runs signal handlers in the main thread only, so elsewhere this does nothing
    (and needs nothing).
    """

    def __enter__(self) -> None:
        self._received: list[int] = []
        self._previous: object = None
        if _in_main_thread():
            self._previous = _sig.signal(_sig.SIGINT, lambda signum, frame: self._received.append(signum))

    def __exit__(self, *exc: object) -> None:
        if self._previous is None:
            return
        _sig.signal(_sig.SIGINT, self._previous)
        if self._received:
            if callable(self._previous):
                self._previous(_sig.SIGINT, None)  # Python's handler raises KeyboardInterrupt here
            elif self._previous == _sig.SIG_DFL:
                import os

                os.kill(os.getpid(), _sig.SIGINT)


class children_ignore:  # noqa: N801 - used like a function
    """Start processes in the block that ignore Ctrl-C (the PDF workers' fork server).

    Ctrl-C in a terminal reaches every process of the command; only the main process acts on
    it (and stops the others), so the others must not print a traceback each. An ignored
    signal stays ignored across ``exec``, and a Python process that starts with SIGINT ignored
    never turns it into ``KeyboardInterrupt``. A Ctrl-C while the block runs is blocked, not
    lost: it reaches the handler once the block ends (the block must not unblock SIGINT
    itself, which multiprocessing's resource tracker does when it starts: start it before).
    """

    def __enter__(self) -> None:
        self._previous: object = None
        if _in_main_thread() and hasattr(_sig, "pthread_sigmask"):
            _sig.pthread_sigmask(_sig.SIG_BLOCK, {_sig.SIGINT})
            self._previous = _sig.signal(_sig.SIGINT, _sig.SIG_IGN)

    def __exit__(self, *exc: object) -> None:
        if self._previous is not None:
            _sig.signal(_sig.SIGINT, self._previous)
            _sig.pthread_sigmask(_sig.SIG_UNBLOCK, {_sig.SIGINT})
