"""Imported by the PDF workers' fork server before it forks them (see :mod:`deckgen.workers`)."""

from .workers import ignore_ctrl_c, preload

ignore_ctrl_c()  # Ctrl-C is the main process's to handle
preload()
