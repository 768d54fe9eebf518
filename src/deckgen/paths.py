"""Where things are: a deck's project, the decks of a project, the path of each output.

Standard library only: the incremental check uses these before anything heavy is imported.
"""

from __future__ import annotations

from pathlib import Path

DECK_FILE = "deck.yaml"
DECKS_DIR = "decks"


def project_root(start: Path) -> Path:
    """The project a deck belongs to: the nearest folder above it holding ``assets/brands``."""
    start = start.resolve()
    for candidate in [start, *start.parents]:
        if (candidate / "assets" / "brands").is_dir():
            return candidate
    return Path.cwd().resolve()


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
    """Locales that have a catalog for this deck, sorted."""
    root = deck_dir / "locales"
    if not root.is_dir():
        return []
    return sorted(p.parent.parent.name for p in root.glob("*/LC_MESSAGES/deck.po"))
