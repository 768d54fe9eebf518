"""deckgen's version (read by pyproject.toml, so there is one place to change it)."""

__version__ = "0.1.0"
