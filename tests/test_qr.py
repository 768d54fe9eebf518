"""QR codes (issue 16): vector in both formats, the quiet zone kept, and they decode to their address."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli, run_cli_ok
from lxml import etree
from pptx import Presentation

URL = "https://hcsmeu.com/chapters?lang=fr&x=1"
DECK = f"""\
id: t
title: Codes
author: A
date: 2011-08-03
slides:
  - id: site
    kind: qr
    title: Our site
    url: "{URL}"
    text: Scan to visit
  - id: find-us
    kind: channels
    title: Where to find us
    channels:
      - {{network: On Twitter, handles: ["#hcsmeu"]}}
    qr: "{URL}"
"""
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}


def _need(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is missing: scripts/setup --test installs it")
    return exe


def decode(pdf: Path, page: int, tmp: Path) -> list[str]:
    """What zbarimg reads on *page* of *pdf*, rendered at 100 dpi."""
    prefix = tmp / f"{pdf.stem}-{page}"
    subprocess.run([_need("pdftoppm"), "-r", "100", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(prefix)], check=True)
    out = subprocess.run([_need("zbarimg"), "-q", "--raw", f"{prefix}.png"], capture_output=True, text=True)
    return out.stdout.splitlines()


@pytest.fixture
def built(project: Path, write_deck) -> Path:
    deck = write_deck(DECK)
    run_cli_ok("build", deck, "--out", "out")
    return project / "out/t/en"


def test_the_pptx_code_is_one_vector_group_with_the_quiet_zone(built: Path) -> None:
    for slide in Presentation(str(built / "t-en.pptx")).slides:
        group = next(s for s in slide.shapes if s.name == "qr")
        assert group.shape_type == 6  # a group: the plate and the modules
        assert group._element.find("p:nvGrpSpPr/p:cNvPr", NS).get("descr") == URL
        assert group.width == group.height
        path = group._element.find(".//a:custGeom/a:pathLst/a:path", NS)
        size = int(path.get("w"))
        points = [(int(pt.get("x")), int(pt.get("y"))) for pt in path.iter(f"{{{NS['a']}}}pt")]
        assert points and min(min(p) for p in points) == 4 and max(max(p) for p in points) == size - 4
        assert not group._element.findall(".//p:pic", NS)  # no picture: shapes only
        fills = [e.get("val") for e in group._element.iter(f"{{{NS['a']}}}srgbClr")]
        assert fills == ["FFFFFF", "0B4F6C"]  # a light plate, the brand's dark blue


def test_the_pdf_code_is_vector_and_decodes(built: Path, tmp_path: Path) -> None:
    pdf = built / "t-en.pdf"
    from pypdf import PdfReader

    page = PdfReader(pdf).pages[0]
    assert len(page.images) <= 1  # at most the brand's logo: the code is paths, not a picture
    assert decode(pdf, 1, tmp_path) == [URL]
    assert decode(pdf, 2, tmp_path) == [URL]


@pytest.mark.slow
def test_the_pptx_code_decodes_as_libreoffice_draws_it(built: Path, tmp_path: Path) -> None:
    subprocess.run([_need("soffice"), "--headless", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(built / "t-en.pptx")],
                   check=True, capture_output=True, env=dict(os.environ), timeout=600)
    assert decode(tmp_path / "t-en.pdf", 1, tmp_path) == [URL]
    assert decode(tmp_path / "t-en.pdf", 2, tmp_path) == [URL]


def test_an_address_that_is_not_a_web_address_is_a_located_error(project: Path, write_deck) -> None:
    deck = write_deck(DECK.replace(f'url: "{URL}"', 'url: "javascript:alert(1)"'))
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1
    assert re.search(r"deck\.yaml:9:\d+", result.stderr) and "url" in result.stderr, result.stderr


def test_an_address_too_long_for_a_scannable_code_is_a_located_error(project: Path, write_deck) -> None:
    long = "https://hcsmeu.com/" + "x" * 5000
    deck = write_deck(DECK.replace(f'url: "{URL}"', f'url: "{long}"'))
    result = run_cli("build", deck, "--out", "out")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert re.search(r"deck\.yaml:9:\d+: .*at most 300 characters", result.stderr), result.stderr


def test_the_pptx_thumbnail_draws_codes_and_tables_too(project: Path, write_deck, tmp_path: Path) -> None:
    from test_table import TABLE_DECK, compose_source

    from deckgen.thumbnail import draw_slide

    scene = compose_source(project, write_deck(DECK))
    draw_slide(scene.slides[0], scene, width=1280).save(tmp_path / "qr.png")
    out = subprocess.run([_need("zbarimg"), "-q", "--raw", str(tmp_path / "qr.png")], capture_output=True, text=True)
    assert out.stdout.splitlines() == [URL]
    table = compose_source(project, write_deck(TABLE_DECK, name="tables"))
    image = draw_slide(table.slides[0], table, width=480)
    header = image.getpixel((40, 76))  # the header row, in the brand's primary colour
    assert sum(abs(a - b) for a, b in zip(header, (11, 79, 108))) < 12, header
