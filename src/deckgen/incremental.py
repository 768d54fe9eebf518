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

            parts = [__version__, _digest_tree(PACKAGE), _digest_tree(project / "layouts"),
                     _digest_tree(project / "assets")]
            self._shared[project] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._shared[project]

    def _deck(self, deck_dir: Path) -> str:
        if deck_dir not in self._decks:
            self._decks[deck_dir] = _digest_tree(deck_dir, exclude=("locales/",))
        return self._decks[deck_dir]

    def of(self, project: Path, deck_dir: Path, locale: str, catalog: Path | None, fmt: str,
           brand: str | None, fuzzy: bool) -> str:
        """The fingerprint of one output's inputs."""
        h = hashlib.sha256()
        for part in (self._project(project.resolve()), self._deck(deck_dir.resolve()), locale, fmt,
                     brand or "", str(fuzzy)):
            h.update(part.encode() + b"\0")
        if catalog is not None and catalog.is_file():
            h.update(hashlib.sha256(catalog.read_bytes()).digest())
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


@dataclass
class Manifest:
    """What was built into one output folder, and from what."""

    path: Path
    outputs: dict[str, dict] = field(default_factory=dict)  # output path (relative to OUT) -> record
    decks: dict[str, dict] = field(default_factory=dict)  # deck folder -> {"id", "language"}

    @classmethod
    def load(cls, out: Path) -> Manifest:
        path = out / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == 1:
                return cls(path, dict(data.get("outputs", {})), dict(data.get("decks", {})))
        except (OSError, ValueError, AttributeError):
            pass
        return cls(path)

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
