"""Rebuild only what changed: input fingerprints and the build manifest.

Every output records, in ``OUT/.deckgen-manifest.json``, a fingerprint of
everything it was made from — the deck folder (deck file, images, the deck's
layouts, the locale's catalog), the project's ``layouts/`` and ``assets/``
(brands, logos, fonts, templates), deckgen's own code and layouts, the options
that change the output — and the SHA-256 of the file written.  An output whose
fingerprint and file are unchanged is not rebuilt; ``--force`` rebuilds anyway.

This module imports only the standard library, so a build where nothing changed
answers without loading python-pptx, WeasyPrint or even the deck schema.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .paths import find_project, inside, outside_message

MANIFEST = ".deckgen-manifest.json"
PACKAGE = Path(__file__).resolve().parent
_SKIP_DIRS = {"__pycache__", ".git", ".hypothesis", ".pytest_cache"}


def _files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    out = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        out.extend(Path(folder) / n for n in sorted(names) if not n.endswith((".pyc", ".tmp")))
    return out


def _digest_tree(root: Path, exclude: tuple[str, ...] = ()) -> str:
    """Hash a folder's regular files; a symbolic link counts by where it points (it is never
    followed: the loader refuses links out of the deck, and a FIFO would block the read)."""
    import stat

    h = hashlib.sha256()
    for f in _files(root):
        rel = f.relative_to(root).as_posix()
        if rel.startswith(exclude):
            continue
        try:
            st = f.lstat()
            if stat.S_ISLNK(st.st_mode):
                content = b"link:" + os.readlink(f).encode()
            elif stat.S_ISREG(st.st_mode):
                content = f.read_bytes()
            else:
                content = b"special"
        except OSError:
            content = b"unreadable"
        h.update(rel.encode() + b"\0" + hashlib.sha256(content).digest())
    return h.hexdigest()


def _digest_inside(folder: Path, root: Path) -> str:
    """:func:`_digest_tree` of *folder*, unless it is a link out of *root* (then it is not read)."""
    return _digest_tree(folder) if inside(folder, root) else "outside"


class Fingerprints:
    """Fingerprints of outputs' inputs; what several outputs share is hashed once per instance
    (one build), never remembered across builds."""

    def __init__(self) -> None:
        self._shared: dict[Path, str] = {}
        self._decks: dict[Path, str] = {}

    def _project(self, project: Path) -> str:
        """What every deck of a project depends on: its layouts and assets, and deckgen itself."""
        if project not in self._shared:
            from ._version import __version__

            parts = [__version__, _digest_tree(PACKAGE), _digest_inside(project / "layouts", project),
                     _digest_inside(project / "assets", project)]
            self._shared[project] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._shared[project]

    def _deck(self, deck_dir: Path) -> str:
        if deck_dir not in self._decks:
            if outside_message(deck_dir, find_project(deck_dir) or deck_dir, "the project") is not None:
                self._decks[deck_dir] = "outside"  # a link out of the project: the build refuses it
            else:
                self._decks[deck_dir] = _digest_tree(deck_dir, exclude=("locales/",))
        return self._decks[deck_dir]

    def of(self, project: Path, deck_dir: Path, locale: str, catalog: Path | None, fmt: str,
           brand: str | None, fuzzy: bool) -> str:
        """The fingerprint of one output's inputs (nothing outside the deck folder or project is read)."""
        h = hashlib.sha256()
        for part in (self._project(project.resolve()), self._deck(deck_dir), locale, fmt,
                     brand or "", str(fuzzy)):
            h.update(part.encode() + b"\0")
        if catalog is not None and catalog.is_file():
            h.update(hashlib.sha256(catalog.read_bytes()).digest() if inside(catalog, deck_dir) else b"outside")
        return h.hexdigest()


def format_key(fmt: str, formats: tuple[str, ...]) -> str:
    """What an output of format *fmt* depends on among the requested *formats*.

    An HTML deck links to the PDF beside it only when the same build makes the PDF.
    """
    return "html+pdf" if fmt == "html" and "pdf" in formats else fmt


def file_digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _shape_problem(data: object) -> str | None:
    """What makes *data* not a manifest deckgen wrote (version 1), or None."""
    if not isinstance(data, dict) or data.get("version") != 1:
        return "it is not a version 1 deckgen manifest"
    outputs, decks = data.get("outputs", {}), data.get("decks", {})
    if not isinstance(outputs, dict) or not isinstance(decks, dict):
        return "'outputs' and 'decks' must be mappings"
    for key, rec in outputs.items():
        if not (isinstance(rec, dict) and isinstance(rec.get("inputs"), str) and isinstance(rec.get("sha256"), str)
                and isinstance(rec.get("warnings", []), list)
                and all(isinstance(w, str) for w in rec.get("warnings", []))):
            return f"the record of output '{key}' is not an object with 'inputs', 'sha256' and 'warnings'"
    for key, rec in decks.items():
        if not (isinstance(rec, dict) and isinstance(rec.get("id"), str) and isinstance(rec.get("language"), str)):
            return f"the record of deck '{key}' is not an object with 'id' and 'language'"
    return None


@dataclass
class Manifest:
    """What was built into one output folder, and from what."""

    path: Path
    outputs: dict[str, dict] = field(default_factory=dict)  # output path (relative to OUT) -> record
    decks: dict[str, dict] = field(default_factory=dict)  # deck folder -> {"id", "language"}
    problems: list[str] = field(default_factory=list)  # why the file on disk was ignored

    @classmethod
    def load(cls, out: Path) -> Manifest:
        """The manifest of *out*; one that cannot be read or has another shape is ignored (everything
        is rebuilt and it is written again), with a note in :attr:`problems` (issue 12, B19)."""
        path = out / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path)
        except (OSError, ValueError) as exc:
            return cls(path, problems=[f"the build manifest cannot be read ({type(exc).__name__}); "
                                       "it is ignored and every output is built again"])
        why = _shape_problem(data)
        if why is not None:
            return cls(path, problems=[f"the build manifest is ignored ({why}); every output is built again "
                                       "and the manifest written anew"])
        return cls(path, dict(data.get("outputs", {})), dict(data.get("decks", {})))

    def key(self, output: Path) -> str:
        return output.relative_to(self.path.parent).as_posix() if output.is_relative_to(self.path.parent) \
            else output.as_posix()

    def fresh(self, output: Path, inputs: str) -> bool:
        """True when *output* exists as written from the same inputs."""
        rec = self.outputs.get(self.key(output))
        return bool(rec) and rec.get("inputs") == inputs and file_digest(output) == rec.get("sha256")

    def warnings(self, output: Path) -> list[str]:
        rec = self.outputs.get(self.key(output)) or {}
        return list(rec.get("warnings", []))

    def record(self, output: Path, inputs: str, data: bytes, warnings: list[str]) -> None:
        self.outputs[self.key(output)] = {"inputs": inputs, "sha256": hashlib.sha256(data).hexdigest(),
                                          "warnings": warnings}

    def to_bytes(self) -> bytes:
        return (json.dumps({"version": 1, "decks": self.decks, "outputs": self.outputs}, indent=1,
                           sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def unchanged(deck_dirs: list[Path], out: Path, formats: tuple[str, ...], locales: tuple[str, ...],
              brand: str | None, fuzzy: bool) -> list[tuple[Path, list[str]]] | None:
    """Every output of these decks, with its recorded warnings, if all are up to date; else None.

    Only what the manifest and the files on disk say is used: the decks are not even parsed.
    """
    from .paths import catalog_locales, catalog_path, output_path, project_root

    manifest = Manifest.load(out)
    prints = Fingerprints()
    found: list[tuple[Path, list[str]]] = []
    for d in deck_dirs:
        d = d if d.is_dir() else d.parent
        rec = manifest.decks.get(str(d.resolve()))
        if not rec:
            return None
        project = project_root(d)
        language = rec["language"]
        available = [language] + [c for c in catalog_locales(d) if c != language]
        wanted = [loc for loc in available if loc in locales] if locales else available
        if locales and len(wanted) != len(set(locales)):
            return None  # an unknown locale: the full build explains it
        for loc in wanted:
            catalog = None if loc == language else catalog_path(d, loc)
            for fmt in formats:
                path = output_path(out, rec["id"], loc, fmt, brand)
                key = format_key(fmt, formats)
                if not manifest.fresh(path, prints.of(project, d, loc, catalog, key, brand, fuzzy)):
                    return None
                found.append((path, manifest.warnings(path)))
    return found
