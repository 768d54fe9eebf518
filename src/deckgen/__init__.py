"""deckgen: one structured deck definition → on-brand, translated PPTX and PDF decks.

The public API is what this package exports: :func:`build`, :func:`load_deck`
and :data:`__version__`.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("deckgen")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from .build import BuildOptions, build  # noqa: E402
from .load import load_deck  # noqa: E402

__all__ = ["__version__", "build", "BuildOptions", "load_deck"]
