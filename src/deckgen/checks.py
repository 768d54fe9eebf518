"""``deckgen check``: everything a build would complain about, and Slideshare readiness, writing nothing.

It runs the whole build in memory (schema, brand, template bindings, catalogs,
fitting, rendering) and then looks at what would be published: glyphs the brand
fonts lack for a locale's text (WeasyPrint would fall back to a system font),
a first slide whose title is unreadable as Slideshare's 170-pixel thumbnail,
and files too large to upload.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from .brand import Brand
from .build import BuildOptions, Builder, Output
from .render_pdf import PdfInfo
from .errors import DeckgenError, Problem
from .load import load_decks
from .scene import PAGE_W, DeckScene, TextFrame

THUMBNAIL_WIDTH_PX = 170  # Slideshare's listing thumbnail
MIN_THUMBNAIL_CAP_PX = 7.0  # capital letters at least this tall stay readable there
CAP_HEIGHT = 0.714  # of the font size, for Noto Sans and most sans-serif faces
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # LinkedIn's documented limit; Slideshare's is not published


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # "deck [locale]" labels


def thumbnail_legibility(scene: DeckScene) -> list[Problem]:
    """The first slide's title must stay readable in Slideshare's 170-pixel-wide thumbnail."""
    if not scene.slides:
        return []
    first = scene.slides[0]
    titles = [f for f in first.frames if isinstance(f, TextFrame) and f.role == "title" and f.paragraphs]
    if not titles:
        return [Problem("the first slide has no title; Slideshare shows the first slide as the deck's thumbnail",
                        slide=f"{first.id} [{scene.locale}]")]
    size = max(titles[0].size(p) for p in titles[0].paragraphs)
    cap_px = size * CAP_HEIGHT * THUMBNAIL_WIDTH_PX / PAGE_W
    if cap_px < MIN_THUMBNAIL_CAP_PX:
        need = math.ceil(MIN_THUMBNAIL_CAP_PX / (CAP_HEIGHT * THUMBNAIL_WIDTH_PX / PAGE_W))
        return [Problem(f"title is {size:g} pt: its capitals are {cap_px:.1f} px tall in Slideshare's "
                        f"{THUMBNAIL_WIDTH_PX}-px thumbnail; use a shorter title so it stays at least "
                        f"{need} pt", slide=f"{first.id} [{scene.locale}]")]
    return []


def pdf_problems(output: Output, info: PdfInfo, brand: Brand | None) -> list[Problem]:
    """Landscape 16:9 pages (Slideshare files portrait PDFs as documents) and only the brand's fonts."""
    out = []
    where = f"{output.deck_id} [{output.locale}]"
    for number, (w, h) in enumerate(info.pages, start=1):
        if not (w > h and abs(w / h - 16 / 9) < 0.01):
            out.append(Problem(f"page {number} is {w * 0.75:.0f} × {h * 0.75:.0f} pt, not 16:9 landscape; "
                               "Slideshare files portrait PDFs as documents: check the layouts' @page size",
                               slide=where))
    if brand is not None:
        allowed = {brand.heading.family, brand.body.family}
        extra = sorted(info.families - allowed)
        if extra:
            out.append(Problem(f"the PDF embeds fonts the brand does not name: {', '.join(extra)} "
                               f"(brand fonts: {', '.join(sorted(allowed))}); some text needs glyphs the "
                               "brand fonts lack", slide=where))
    return out


def check(deck_dirs: list[Path], options: BuildOptions) -> CheckReport:
    """Check decks as a build would, without writing any file."""
    report = CheckReport()
    try:
        decks = load_decks(deck_dirs)
    except DeckgenError as exc:
        report.problems.extend(exc.problems)
        return report
    builder = Builder(options)
    scenes: list[tuple[DeckScene, Brand]] = []
    pdfs: list[tuple[Output, PdfInfo]] = []
    builder.on_scene = lambda scene, brand: scenes.append((scene, brand))
    builder.on_pdf = lambda output, info: pdfs.append((output, info))
    try:
        results, warnings = builder.render(decks)
    except DeckgenError as exc:
        report.problems.extend(exc.problems)
        report.checked = [d.deck.id for d in decks]
        return report
    report.problems.extend(warnings)
    for scene, _ in scenes:
        report.checked.append(f"{scene.deck_id} [{scene.locale}]")
        report.problems.extend(thumbnail_legibility(scene))
    brands = {(s.deck_id, s.locale): b for s, b in scenes}
    for output, info in pdfs:
        report.problems.extend(pdf_problems(output, info, brands.get((output.deck_id, output.locale))))
    for _, data, output in results:
        report.outputs.append(output)
        if output.format == "pdf" and len(data) > MAX_UPLOAD_BYTES:
            report.problems.append(Problem(
                f"{output.path.name} is {len(data) / 2**20:.0f} MiB, over the {MAX_UPLOAD_BYTES // 2**20} MiB "
                "upload limit; use smaller images"))
    return report
