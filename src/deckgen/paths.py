"""Where things are, and where deckgen may go: a deck's project, the decks of a project, the
path of each output, and the one check of "is this path allowed" (:func:`confine`).

Standard library only: the incremental check uses these before anything heavy is imported.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DeckgenError, Location, display_path

DECK_FILE = "deck.yaml"
DECKS_DIR = "decks"


def find_project(start: Path) -> Path | None:
    """The nearest folder holding ``assets/brands`` at or above *start*.

    The path is walked as named, skipping symbolic links, so that a deck folder which is a
    link to another project's deck still belongs to *this* project, where :func:`confine_deck`
    refuses it. Only if that finds nothing is the path walked once resolved (a project reached
    through a link of its own).
    """
    named = Path(os.path.abspath(start))
    for candidate in [named, *named.parents]:
        if not candidate.is_symlink() and (candidate / "assets" / "brands").is_dir():
            return candidate
    real = _real(named)
    for candidate in [real, *real.parents] if real is not None else []:
        if (candidate / "assets" / "brands").is_dir():
            return candidate
    return None


def project_root(start: Path) -> Path:
    """The project a deck belongs to: the nearest folder above it holding ``assets/brands``."""
    return find_project(start) or Path.cwd()


# --- what deckgen may read and write ------------------------------------------------------------

def _real(path: Path) -> Path | None:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        return None


def not_relative(name: str) -> bool:
    """Whether a file name written in a deck is an address or an absolute path rather than a path
    relative to the deck folder (the only kind a deck may name)."""
    return "://" in name or name.startswith(("data:", "/", "\\")) or re.match(r"^[A-Za-z]:", name) is not None


def inside(path: Path | str, root: Path | str) -> bool:
    """Whether *path* lies in *root* (or is it) once ``..`` and symbolic links are followed."""
    real, real_root = _real(Path(path)), _real(Path(root))
    return real is not None and real_root is not None and (real == real_root or real.is_relative_to(real_root))


def _leading_out(path: Path, root: Path, real_root: Path) -> tuple[Path, str] | None:
    """The first symbolic link on the way from *root* down to *path* that leads out of *root*."""
    current = Path(os.path.abspath(root))
    try:
        rest = Path(os.path.abspath(path)).relative_to(current).parts
    except ValueError:
        return None
    for part in rest:
        current = current / part
        if current.is_symlink():
            real = _real(current)
            if real is None or not (real == real_root or real.is_relative_to(real_root)):
                return current, os.readlink(current)
    return None


def outside_message(path: Path | str, root: Path | str, root_name: str) -> str | None:
    """Why deckgen may not use *path* (it leads out of *root*, called *root_name*), or None if it may."""
    path, root = Path(path), Path(root)
    real_root = _real(root)
    if real_root is None:
        return f"{display_path(root)} cannot be resolved (a loop of symbolic links?); replace the links with folders"
    real = _real(path)
    if real is not None and (real == real_root or real.is_relative_to(real_root)):
        return None
    shown_root = display_path(root)
    outside = f"outside {root_name}" + (f" ({shown_root})" if shown_root != "." else "")
    link = _leading_out(path, root, real_root)
    if link is not None:
        resolved = _real(link[0])
        where = link[1] if resolved is None or str(resolved) == link[1] else f"{link[1]} ({resolved})"
        return (f"{display_path(link[0])} is a symbolic link to {where}, {outside}; "
                "deckgen does not follow links out of it: put the file itself there")
    if real is None:
        return f"{display_path(path)} cannot be resolved (a loop of symbolic links?); replace it with the file itself"
    return f"{display_path(path)} leads to {real}, {outside}; deckgen reads and writes only files inside it"


def confine(path: Path | str, root: Path | str, root_name: str, error: type[DeckgenError] = DeckgenError,
            location: Location | None = None) -> Path:
    """*path* with links followed, if it lies inside *root*; else raise *error* naming the link.

    The one check of "is this path allowed": the deck folder for a deck's inputs, the project
    for its layouts and brands, deckgen's package for its own layouts. It only looks at
    names and links, so a refused file is never opened.
    """
    message = outside_message(path, root, root_name)
    if message is not None:
        raise error(message, location or Location(display_path(path)))
    return Path(path).resolve()


def confine_deck(deck_dir: Path, error: type[DeckgenError] = DeckgenError) -> None:
    """Refuse a deck folder that lies in a project as named but leads out of it through a link."""
    project = find_project(deck_dir)
    if project is not None:
        confine(deck_dir, project, "the project", error)


def find_decks(project: Path) -> list[Path]:
    """Every deck folder under ``decks/`` of *project*, sorted."""
    root = project / DECKS_DIR
    return sorted(p.parent for p in root.glob(f"*/{DECK_FILE}")) if root.is_dir() else []


def output_path(out: Path, deck_id: str, locale: str, fmt: str, brand: str | None = None) -> Path:
    """``OUT/<deck>/<locale>/<deck>-<locale>.<fmt>`` in the deck's own brand;
    ``OUT/<deck>/<brand>/<locale>/<deck>-<brand>-<locale>.<fmt>`` in another brand, so builds of
    one deck in several chapters' looks never overwrite each other, even copied into one folder."""
    if brand:
        return out / deck_id / brand / locale / f"{deck_id}-{brand}-{locale}.{fmt}"
    return out / deck_id / locale / f"{deck_id}-{locale}.{fmt}"


def catalog_path(deck_dir: Path, locale: str) -> Path:
    """``decks/<deck>/locales/<locale>/LC_MESSAGES/deck.po``."""
    return deck_dir / "locales" / locale / "LC_MESSAGES" / "deck.po"


def catalog_locales(deck_dir: Path) -> list[str]:
    """Locales that have a catalog for this deck, sorted (listed by name only: nothing is opened)."""
    root = deck_dir / "locales"
    if not root.is_dir():
        return []
    return sorted(p.parent.parent.name for p in root.glob("*/LC_MESSAGES/deck.po"))
