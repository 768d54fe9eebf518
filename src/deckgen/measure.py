"""Text measurement with the brand's real font files, for fitting text into boxes.

Both renderers draw text at the size chosen here, so the PPTX gets explicit sizes
(PowerPoint's autofit flag does nothing until someone edits the box) and the PDF
the same ones.  Widths come from the fonts' advance widths (HarfBuzz-free, via
fontTools' metrics scaled linearly), which is what LibreOffice and WeasyPrint use
for Latin and Greek text without kerning surprises large enough to matter; a
small safety margin covers the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

#: extra width allowed for differences between our measure and the renderers' shaping
WIDTH_SAFETY = 1.03
_WORD_RE = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class FontMetrics:
    """Advance widths of one font file, in units of the em."""

    path: str
    units_per_em: int
    advances: dict[int, int]
    default_advance: int
    cmap: frozenset[int]

    def width(self, text: str, size: float) -> float:
        """Width of *text* set at *size* points."""
        adv = self.advances
        total = sum(adv.get(ord(ch), self.default_advance) for ch in text)
        return total * size / self.units_per_em

    def missing(self, text: str) -> set[str]:
        """Characters of *text* the font has no glyph for (spaces and controls ignored)."""
        return {ch for ch in text if ord(ch) not in self.cmap and ch not in "\n\t\r" and ord(ch) >= 32}


@lru_cache(maxsize=32)
def load_metrics(path: str) -> FontMetrics:
    """Read the advance widths of the font at *path* (cached per process)."""
    with TTFont(Path(path), lazy=True) as font:
        cmap = font.getBestCmap()
        hmtx = font["hmtx"].metrics
        upem = font["head"].unitsPerEm
    advances = {cp: hmtx[name][0] for cp, name in cmap.items() if name in hmtx}
    default = hmtx[".notdef"][0] if ".notdef" in hmtx else upem // 2
    return FontMetrics(path, upem, advances, default, frozenset(cmap))


@dataclass(frozen=True)
class Piece:
    """A stretch of text in one font at one size (a run, or part of it)."""

    text: str
    metrics: FontMetrics
    size: float


def widest_word(pieces: list[Piece]) -> float:
    """Width of the widest unbreakable word, in points."""
    return max((p.metrics.width(t, p.size) * WIDTH_SAFETY for p in pieces
                for t in _WORD_RE.findall(p.text) if not t.isspace()), default=0.0)


def wrap_lines(pieces: list[Piece], width: float) -> int:
    """Number of lines the pieces take when word-wrapped greedily into *width* points.

    Words longer than a line are broken by characters, as both renderers do for
    overlong URLs (fitting avoids that where it can; see ``widest_word``).
    """
    lines = 1
    x = 0.0
    for piece in pieces:
        for token in _WORD_RE.findall(piece.text):
            if token.isspace():
                if "\n" in token:
                    lines += token.count("\n")
                    x = 0.0
                    continue
                x += piece.metrics.width(token, piece.size)
                continue
            w = piece.metrics.width(token, piece.size) * WIDTH_SAFETY
            if x > 0 and x + w > width:
                lines += 1
                x = 0.0
            while w > width:  # break an overlong word
                lines += 1
                w -= width
            x += w
    return lines
