"""``deckgen preview``: every slide as a PNG and one contact sheet, to look at a deck at a glance.

The PDF is rendered in memory and rasterised with poppler's ``pdftoppm``; the
contact sheet puts all slides on one image with their numbers, so an organiser
(or a reviewer of a translation) sees the whole deck without opening PowerPoint.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw

from .build import BuildOptions, Builder, write_all
from .errors import DeckgenError
from .interrupts import check
from .load import load_decks

SHEET_COLUMNS = 4
GAP = 16


def _rasterise(pdf: bytes, dpi: int) -> list[bytes]:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise DeckgenError("preview needs pdftoppm: install it with 'apt-get install poppler-utils' "
                           "(scripts/setup does)")
    with tempfile.TemporaryDirectory(prefix="deckgen-preview-") as tmp:
        src = Path(tmp) / "deck.pdf"
        src.write_bytes(pdf)
        subprocess.run([exe, "-r", str(dpi), "-png", str(src), str(Path(tmp) / "slide")],
                       check=True, capture_output=True, timeout=600)
        return [p.read_bytes() for p in sorted(Path(tmp).glob("slide-*.png"))]


def contact_sheet(pages: list[bytes], title: str) -> bytes:
    """All slides on one PNG, numbered, in rows of four."""
    images = [Image.open(io.BytesIO(p)).convert("RGB") for p in pages]
    w, h = images[0].size
    cols = min(SHEET_COLUMNS, len(images))
    rows = -(-len(images) // cols)
    head = 40
    sheet = Image.new("RGB", (GAP + cols * (w + GAP), head + rows * (h + GAP + 18) + GAP), "#E9ECEF")
    draw = ImageDraw.Draw(sheet)
    draw.text((GAP, 12), title, fill="#1F2933")
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        x, y = GAP + c * (w + GAP), head + r * (h + GAP + 18)
        sheet.paste(im, (x, y))
        draw.rectangle([x - 1, y - 1, x + w, y + h], outline="#ADB5BD")
        draw.text((x, y + h + 3), str(i + 1), fill="#52606D")
    out = io.BytesIO()
    sheet.save(out, "PNG", optimize=True)
    return out.getvalue()


def preview(deck_dirs: list[Path], options: BuildOptions, dpi: int = 48) -> list[Path]:
    """Write ``OUT/<deck>/<locale>/preview/slide-NN.png`` and ``contact-sheet.png``; return their paths."""
    decks = load_decks(deck_dirs)
    builder = Builder(replace(options, formats=("pdf",)))
    results, _ = builder.render(decks)
    files: list[tuple[Path, bytes]] = []
    for path, data, output in results:
        check()  # a safe point for Ctrl-C
        folder = path.parent / "preview"
        pages = _rasterise(data, dpi)
        files += [(folder / f"slide-{n:02d}.png", png) for n, png in enumerate(pages, start=1)]
        files.append((folder / "contact-sheet.png",
                      contact_sheet(pages, f"{output.deck_id} [{output.locale}] - {len(pages)} slides")))
    write_all(files, options.out)
    return [p for p, _ in files]
