"""Imported by the PDF workers' fork server before it forks them (see :mod:`deckgen.workers`)."""

from .workers import preload

preload()
