"""Put files in place all or nothing, even if deckgen is killed half-way (issue 12, B17).

:func:`write_all` is the one way deckgen writes outputs and catalogs (``build.write_all``
delegates here):

1. **recover**: a journal left in *root* by a run killed while publishing is finished (its
   renames are rolled forward, or back if they cannot be), and staging files of interrupted
   runs (``.<name>.<pid>-<random>.tmp`` of a process that no longer runs) are removed;
2. **stage**: each file is written to a temporary file beside its target, flushed, synced
   and made mode 0644; a failure (a full disk, a read-only folder) removes them, and nothing
   else has changed;
3. **commit**, with Ctrl-C held back: the old version of each target is kept as a hard link,
   the journal ``<root>/.deckgen-journal.json`` lists every (staged, target, old) triple and
   is synced, each staged file is renamed over its target, the folders are synced, and only
   then are the journal and the old versions removed. A rename that fails puts the old
   versions back. A kill leaves the journal, which the next run finishes.

Standard library only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError, display_path
from .interrupts import check, deferred

JOURNAL = ".deckgen-journal.json"
#: a staging file (or the kept old version of a target) and the process that made it
_STAGED = re.compile(r"^\..+\.(?P<pid>\d+)-[A-Za-z0-9_]+(?:\.old)?\.tmp$")
#: how deep below *root* stale staging files are looked for (OUT/<deck>/<brand>/<locale>/announce)
_SWEEP_DEPTH = 5

_written = 0  # files this process has put in place


def written() -> int:
    """How many files this process has put in place so far (for the Ctrl-C message)."""
    return _written


Entry = tuple[Path, Path, "Path | None"]  # (staged file, target, hard link to the old target)


def write_all(files: list[tuple[Path, bytes]], root: Path | None = None) -> None:
    """Write every file or none: all are staged first, then put in place under a journal in *root*.

    *root* is the folder the journal goes in, the output folder of a build (default: the
    folder holding every target). A full disk or a read-only folder stops the run while only
    temporary files exist, and they are removed: the previous files stay as they were.
    """
    if not files:
        return
    root = Path(root) if root is not None else _common_folder(path for path, _ in files)
    recover(root)
    taken = [p for p, _ in files if p.exists() and not p.is_file()]
    if taken:
        raise OutputError(f"{display_path(taken[0])} exists and is not a file; move it away or choose "
                          "another folder with --out")
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            check()  # Ctrl-C while staging: the temporary files go, nothing else changed
            staged.append((_stage(path, data), path))
    except BaseException:  # an OutputError, or Ctrl-C while staging
        _discard(tmp for tmp, _ in staged)
        raise
    with deferred():  # from here on, Ctrl-C waits until every file is in place (or none is)
        _commit(staged, root)


def _common_folder(paths: Iterable[Path]) -> Path:
    return Path(os.path.commonpath([os.path.abspath(p.parent) for p in paths]))


def _temporary_name(path: Path, tail: str = "") -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}{tail}.tmp")


def _stage(path: Path, data: bytes) -> Path:
    """Write *data* to a temporary file beside *path*; return it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {display_path(path.parent)}: {exc.strerror}; "
                          "choose another folder with --out") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        _discard([Path(tmp)])
        raise OutputError(f"could not write {display_path(path)}: {exc.strerror}; "
                          "the previous file, if any, is unchanged") from None
    except BaseException:
        _discard([Path(tmp)])
        raise
    return Path(tmp)


def _keep_old(path: Path) -> Path | None:
    """A hard link to the current *path*, to put it back if the commit fails (None: nothing to keep)."""
    if not path.is_file():
        return None
    old = _temporary_name(path, ".old")
    try:
        os.link(path, old)
    except OSError:  # a file system without hard links: this file cannot be rolled back
        return None
    return old


def _commit(staged: list[tuple[Path, Path]], root: Path) -> None:
    global _written
    entries: list[Entry] = []
    try:
        entries = [(tmp, path, _keep_old(path)) for tmp, path in staged]
        journal = _write_journal(root, entries)
    except OSError as exc:
        _discard([tmp for tmp, _ in staged] + [old for _, _, old in entries if old is not None])
        raise OutputError(f"cannot write to {display_path(root)}: {exc.strerror}; "
                          "choose another folder with --out") from None
    done = 0
    try:
        for tmp, path, _ in entries:
            os.replace(tmp, path)
            done += 1
        _sync_folders({path.parent for _, path, _ in entries} | {root})
    except OSError as exc:
        failed = entries[min(done, len(entries) - 1)][1]
        _roll_back(entries)
        _discard([journal])
        raise OutputError(f"could not write {display_path(failed)}: {exc.strerror}; "
                          "the previous files are unchanged") from None
    _written += done
    _discard([old for _, _, old in entries if old is not None] + [journal])


def _write_journal(root: Path, entries: list[Entry]) -> Path:
    def rel(p: Path | None) -> str | None:
        return None if p is None else os.path.relpath(os.path.abspath(p), os.path.abspath(root))

    data = {"version": 1, "pid": os.getpid(),
            "files": [[rel(tmp), rel(path), rel(old)] for tmp, path, old in entries]}
    journal = root / JOURNAL
    tmp = _temporary_name(journal)
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, journal)
    _sync_folders([root])
    return journal


def _sync_folders(folders: Iterable[Path]) -> None:
    """Make the renames in *folders* durable (before the journal that describes them goes)."""
    for folder in folders:
        try:
            fd = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:  # some file systems cannot sync a folder
            pass
        finally:
            os.close(fd)


def _roll_back(entries: list[Entry]) -> None:
    """Put back the old version of every target (a target that had none is removed)."""
    for tmp, path, old in entries:
        try:
            if tmp.exists():  # never renamed: the target is still the old one
                tmp.unlink()
            elif old is not None:
                os.replace(old, path)
            else:
                path.unlink(missing_ok=True)
        except OSError:
            pass
    _discard(old for _, _, old in entries if old is not None)


def _roll_forward(entries: list[Entry]) -> bool:
    """Finish the renames of a journal; False if one fails."""
    try:
        for tmp, path, _ in entries:
            if tmp.exists():
                os.replace(tmp, path)
    except OSError:
        return False
    _discard(old for _, _, old in entries if old is not None)
    return True


def _discard(paths: Iterable[Path]) -> None:
    for p in paths:
        try:
            p.unlink()
        except OSError:
            pass


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has nothing staged when it recovers
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OSError:
        return False
    return True


def _read_journal(journal: Path, root: Path) -> tuple[int, list[Entry]] | None:
    """The process and entries of a journal, or None if it is not one deckgen wrote."""
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        pid, files = data["pid"], data["files"]
        entries = [(root / tmp, root / path, None if old is None else root / old) for tmp, path, old in files]
        if not isinstance(pid, int) or not all(isinstance(x, str) for f in files for x in f[:2]):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid, entries


def recover(root: Path) -> None:
    """Finish what a run killed while publishing into *root* left behind.

    The journal's renames are rolled forward (every staged file was complete before the
    first rename), or back to the old versions if that fails; staging files of processes that
    no longer run are removed. A journal of a process still running is left alone.
    """
    if not root.is_dir():
        return
    journal = root / JOURNAL
    with deferred():
        if journal.is_file():
            found = _read_journal(journal, root)
            if found is not None and _running(found[0]):
                return  # another deckgen is publishing into this folder right now
            if found is not None and not _roll_forward(found[1]):
                _roll_back(found[1])
            _discard([journal])
        _sweep(root)


def _sweep(root: Path) -> None:
    """Remove the staging files (and kept old versions) of processes that no longer run."""
    base = len(root.parts)
    for folder, dirs, names in os.walk(root):
        if len(Path(folder).parts) - base >= _SWEEP_DEPTH:
            dirs[:] = []
        for name in names:
            m = _STAGED.match(name)
            if m and not _running(int(m.group("pid"))):
                _discard([Path(folder) / name])
