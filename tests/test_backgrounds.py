"""Background pictures under a brand scrim, and image credits (issue 16)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from conftest import EXAMPLE_DIR, run_cli, run_cli_ok
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

DECK = """\
id: t
title: Backgrounds
author: A
date: 2011-08-03
slides:
  - {{id: cover, kind: title, title: Cover, event: Our first year, background: wide.png}}
  - {{id: part, kind: section, title: Part one, background: wide.png}}
  - {{id: words, kind: statement, title: Words, paragraphs: [A statement.], background: wide.png}}
  - id: picture
    kind: image
    title: A picture
    file: wide.png
    alt: A wide picture
    caption: The caption
    credit: "Picture: the organisers, CC0 1.0"
"""


def _deck(project: Path, write_deck, text: str = DECK) -> Path:
    deck = write_deck(text.format())
    Image.new("RGB", (400, 100), (200, 40, 40)).save(project / deck / "wide.png")  # 4:1, wider than a slide
    return deck


def test_the_picture_covers_the_slide_under_a_translucent_scrim(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck)
    run_cli_ok("build", deck, "--out", "out")
    prs = Presentation(str(project / "out/t/en/t-en.pptx"))
    for slide in list(prs.slides)[:3]:
        shapes = list(slide.shapes)
        names = [s.name for s in shapes]
        picture, scrim = shapes[names.index("background")], shapes[names.index("scrim")]
        assert names.index("background") < names.index("scrim") < names.index("Title 1")
        assert (picture.left, picture.top, picture.width, picture.height) == (0, 0, prs.slide_width, prs.slide_height)
        # 4:1 on 16:9: cropped left and right, proportions kept
        assert abs(picture.crop_left - (1 - (16 / 9) / 4) / 2) < 1e-3 and picture.crop_top == 0
        assert "decorative" in picture._element.xml
        assert re.search(r'<a:srgbClr val="[0-9A-F]{6}">\s*<a:alpha val="90000"/>', scrim._element.xml)
    names = [s.name for s in prs.slides[0].shapes]
    assert "disc" not in names  # the picture replaces the brand's circles
    pdf = PdfReader(project / "out/t/en/t-en.pdf")
    assert "Our first year" in pdf.pages[0].extract_text()


def test_an_image_slide_has_caption_and_credit(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck)
    run_cli_ok("build", deck, "--out", "out")
    slide = Presentation(str(project / "out/t/en/t-en.pptx")).slides[3]
    texts = {s.name: s.text_frame.text for s in slide.shapes if s.has_text_frame}
    assert texts["caption"] == "The caption" and texts["credit"] == "Picture: the organisers, CC0 1.0"
    assert "CC0 1.0" in PdfReader(project / "out/t/en/t-en.pdf").pages[3].extract_text()


def test_the_contrast_check_takes_the_scrim_over_any_picture(project: Path, write_deck) -> None:
    brand = project / "assets/brands/hcsmeu/brand.yaml"
    text = brand.read_text(encoding="utf-8")
    brand.write_text(text.replace("scrim_opacity: 0.9", "scrim_opacity: 0.5"), encoding="utf-8")
    deck = _deck(project, write_deck)
    result = run_cli("build", deck, "--out", "out", "--strict")
    assert result.exit_code == 1
    assert re.search(r"slide cover \[en\]: large text in colors\.accent #F4A259 on #[0-9A-F]{6} \(the scrim #0B4F6C at "
                     r"scrim_opacity 0\.5 over a light background picture\) .*has a contrast "
                     r"of [0-9.]+:1, below the 3:1", result.stderr), result.stderr


def test_a_background_outside_the_deck_is_a_located_error(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck, DECK.replace("background: wide.png}}\n  - {{id: part",
                                                   "background: ../x.png}}\n  - {{id: part"))
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:6:\d+: slide cover: '\.\./x\.png' points outside the deck folder", result.stderr), \
        result.stderr
