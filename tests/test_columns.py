"""The columns kind (issue 16): two columns of text, or text beside an image."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from babel.messages.pofile import read_po
from conftest import EXAMPLE_DIR, run_cli, run_cli_ok
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

DECK = """\
id: t
title: Columns
author: A
date: 2011-08-03
slides:
  - id: sides
    kind: columns
    title: Two sides
    split: {split}
    left: {left}
    right: {right}
"""
TEXT = "{heading: Before, paragraphs: ['One **bold** paragraph.'], items: [first, {text: second, items: [nested]}]}"
IMAGE = "{image: ecosystem.png, alt: The ecosystem, caption: Under the image}"


def _deck(project: Path, write_deck, left: str, right: str, split: int = 50) -> Path:
    deck = write_deck(DECK.format(left=left, right=right, split=split))
    shutil.copy(project / EXAMPLE_DIR / "ecosystem.png", project / deck / "ecosystem.png")
    return deck


def test_text_beside_an_image(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck, TEXT, IMAGE, split=40)
    run_cli_ok("build", deck, "--out", "out")
    slide = Presentation(str(project / "out/t/en/t-en.pptx")).slides[0]
    shapes = {s.name: s for s in slide.shapes}
    left, image = shapes["left"], shapes["right-image"]
    assert left.text_frame.text.splitlines() == ["Before", "One bold paragraph.", "first", "second", "nested"]
    assert image._element.nvPicPr.cNvPr.get("descr") == "The ecosystem"
    assert shapes["right-caption"].text_frame.text == "Under the image"
    assert Emu(left.left).pt < Emu(image.left).pt  # text on the left, the picture on the right
    assert abs(Emu(left.width).pt - (848 - 32) * 0.4) < 2  # split: 40 %
    pdf = PdfReader(project / "out/t/en/t-en.pdf").pages[0].extract_text()
    assert "One bold paragraph." in pdf and "Under the image" in pdf


def test_an_image_beside_text_and_text_beside_text(project: Path, write_deck) -> None:
    for left, right in ((IMAGE, TEXT), (TEXT, "{paragraphs: [Right side]}")):
        deck = _deck(project, write_deck, left, right)
        run_cli_ok("build", deck, "--out", "out", "--force")
        names = [s.name for s in Presentation(str(project / "out/t/en/t-en.pptx")).slides[0].shapes]
        assert ("left-image" in names) == (left == IMAGE) and "right" in names


def test_a_column_with_text_and_an_image_is_an_error(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck, "{heading: H, image: ecosystem.png}", TEXT)
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:\d+.*a column holds text \(heading, paragraphs, items\) or an image, not both",
                     result.stderr), result.stderr


def test_an_image_outside_the_deck_is_an_error_naming_its_line(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck, TEXT, "{image: ../../assets/x.png, alt: x}")
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:11:\d+: slide sides: '\.\./\.\./assets/x\.png' points outside the deck folder",
                     result.stderr), result.stderr


def test_both_sides_are_translatable(project: Path, write_deck) -> None:
    deck = _deck(project, write_deck, TEXT, IMAGE)
    run_cli_ok("i18n", "extract", deck)
    with (project / deck / "locales/deck.pot").open("rb") as fh:
        contexts = {m.context for m in read_po(fh) if m.id}
    assert {"sides.left.heading", "sides.left.paragraphs", "sides.left.items.text", "sides.left.items.items.text",
            "sides.right.alt", "sides.right.caption"} <= contexts
