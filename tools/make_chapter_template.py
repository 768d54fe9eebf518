"""Make the Swiss chapter's own PowerPoint template, assets/brands/ch/template.pptx.

It stands for a template a chapter already has: a 16:9 presentation whose layouts are named
in French ("Diapositive de titre", "Titre seul", …), as a French-language PowerPoint names
them. brand.yaml binds deckgen's slide kinds to those names. Rerun with
    .venv/bin/python tools/make_chapter_template.py
"""

from __future__ import annotations

import io
from pathlib import Path

from pptx import Presentation

from deckgen.render_pptx import normalize_zip, widescreen

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "brands" / "ch" / "template.pptx"
FRENCH_NAMES = {
    "Title Slide": "Diapositive de titre",
    "Title Only": "Titre seul",
    "Section Header": "En-tête de section",
    "Title and Content": "Titre et contenu",
    "Blank": "Vide",
}


def main() -> None:
    prs = widescreen(Presentation(), FRENCH_NAMES)
    master = prs.slide_master
    for layout in master.slide_layouts:
        layout.name = FRENCH_NAMES[layout.name]
    # a sample slide, as real templates have; deckgen drops it
    sample = prs.slides.add_slide(master.slide_layouts[0])
    sample.shapes.title.text = "Modèle #hcsmeuch"
    prs.core_properties.title = "Modèle #hcsmeu Suisse"
    prs.core_properties.author = "#hcsmeuch"
    prs.core_properties.last_modified_by = "#hcsmeuch"
    prs.core_properties.comments = ""
    buf = io.BytesIO()
    prs.save(buf)
    OUT.write_bytes(normalize_zip(buf.getvalue()))
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
