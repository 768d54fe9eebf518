"""deckgen: one structured deck definition → on-brand, translated PPTX and PDF decks.

The public API is what this package exports: :func:`build`, :func:`load_deck`
and :data:`__version__`.
"""

from __future__ import annotations

from ._version import __version__

__all__ = ["__version__", "build", "BuildOptions", "load_deck"]


def __getattr__(name: str) -> object:
    # imported on first use, so 'deckgen --help' does not pay for python-pptx and WeasyPrint
    if name in ("build", "BuildOptions"):
        from .build import BuildOptions, build

        # importing the submodule 'deckgen.build' set the attribute to the module: rebind it
        globals().update(build=build, BuildOptions=BuildOptions)
        return globals()[name]
    if name == "load_deck":
        from .load import load_deck

        return load_deck
    raise AttributeError(name)
