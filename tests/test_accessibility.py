"""Accessible outputs (docs/accessibility.md): the tagged PDF read by an independent walker, the PPTX
as PowerPoint's accessibility checker reads it, and the package details (thumbnail, slide-number
fields, proofing languages)."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import EXAMPLE_DIR, EXAMPLE_SLIDES, REPO, run_cli_ok
from lxml import etree
from pdf_structure import read
from PIL import Image, ImageChops, ImageStat
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pypdf import PdfReader

from deckgen import render_pdf
from deckgen.load import load_deck

DECK = load_deck(REPO / EXAMPLE_DIR).deck
ECOSYSTEM_ALT = " ".join(next(s.alt for s in DECK.slides if s.kind == "image").split())
ADEC = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"
AHYP = "{http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor}hlinkClr"


# --- the tagged PDF ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def structure(built):
    return read(built.pdf)


def test_the_pdf_breaks_no_checked_pdf_ua_rule(structure):
    assert structure.problems == []


def test_language_and_title_are_shown(structure):
    assert structure.lang == "en-US"
    assert structure.title == "#hcsmeu: one year, and a French chapter"  # shown instead of the file name


def test_one_section_and_one_heading_per_slide(structure):
    assert len(structure.sections()) == len(EXAMPLE_SLIDES) == 15
    assert structure.counts["H1"] == 15
    assert not any(structure.counts[h] for h in ("H2", "H3", "H4", "H5", "H6"))


def test_figures_carry_their_alternative_text(structure):
    """The cover's logo and the ecosystem diagram; the logo repeated on content slides is an artifact."""
    alts = [f.alt for f in structure.figures()]
    assert alts == ["Healthcare Social Media Europe", ECOSYSTEM_ALT]
    assert [f.page for f in structure.figures()] == [0, 13]


def test_the_title_is_read_first_on_every_slide(structure):
    for number, sect in enumerate(structure.sections(), start=1):
        first = next(e for e in sect.walk() if e.type not in ("Sect", "Div"))
        assert first.type == "H1", f"slide {number} starts with {first.type}"


def test_lists_are_tagged_as_lists(structure):
    c = structure.counts
    # bullets: identity 4, why-french 4, take-part 5; numbered: imperatives 3; schedule dates 8
    assert c["LI"] == c["Lbl"] == c["LBody"] == 24
    for item in (e for e in structure.document.walk() if e.type == "LI"):
        assert [k.type for k in item.children] == ["Lbl", "LBody"]


def test_links_are_tagged_with_their_annotations(structure):
    links = [e for e in structure.document.walk() if e.type == "Link"]
    uris = [u for e in links for u in e.links]
    assert len(links) == len(uris) >= 20
    assert "http://hcsmeufr.wikispaces.com/" in uris and "mailto:hcsmeufr@gmail.com" in uris


def test_decoration_is_no_structure(structure):
    """Shapes, the big quotation mark, initials and footers are artifacts: no empty Div, no footer text."""
    for div in (e for e in structure.document.walk() if e.type == "Div"):
        assert div.children, "an empty Div (a shape drawn as structure)"
    assert structure.counts["Sect"] == 15


def test_a_deck_rendered_in_parts_keeps_one_structure_tree(built, project, monkeypatch):
    monkeypatch.setattr(render_pdf, "PART_SLIDES", 4)  # the example's 15 slides in 4 parts
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--format", "pdf", "--out", "parts", "-j", "1")
    joined = read(project / "parts" / "hcsmeu-anniversary" / "en" / "hcsmeu-anniversary-en.pdf")
    whole = read(built.pdf)
    assert joined.problems == []
    assert joined.counts == whole.counts
    assert [f.alt for f in joined.figures()] == [f.alt for f in whole.figures()]
    assert joined.lang == whole.lang and joined.title == whole.title


def test_no_tags_writes_an_untagged_pdf(project):
    run_cli_ok("build", EXAMPLE_DIR, "--locale", "en", "--format", "pdf", "--out", "plain", "--no-tags", "-j", "1")
    reader = PdfReader(project / "plain" / "hcsmeu-anniversary" / "en" / "hcsmeu-anniversary-en.pdf")
    assert "/StructTreeRoot" not in reader.trailer["/Root"]
    assert "/MarkInfo" not in reader.trailer["/Root"]


def test_urls_never_break_after_the_scheme(built):
    text = PdfReader(built.pdf).pages[10].extract_text()  # take-part: the wiki's address at a line's end
    for line in text.splitlines():
        assert not re.search(r"https?://\W*$", line), line


# --- the PPTX as a screen reader reads it ------------------------------------------------------------


@pytest.fixture(scope="module")
def slides(built):
    return list(Presentation(built.pptx).slides)


def _decorative(shape) -> bool:
    return shape._element.find(f".//{ADEC}") is not None


def test_every_slide_has_a_title_read_first(slides):
    for sld in slides:
        readable = [sh for sh in sld.shapes if not _decorative(sh)]
        assert sld.shapes.title is not None and sld.shapes.title.text
        assert readable[0].shape_id == sld.shapes.title.shape_id, [sh.name for sh in readable]


def test_shapes_ornaments_and_repeated_logos_are_decorative(slides):
    for number, sld in enumerate(slides, start=1):
        for sh in sld.shapes:
            if sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:  # rules, cards, discs, bands
                expected = True
            elif sh.shape_type == MSO_SHAPE_TYPE.PICTURE:
                expected = sh.name == "logo" and number != 1  # the cover's logo says whose deck it is
            else:  # text: only the large quotation mark and the initials on avatars decorate
                expected = sh.name == "quote-mark" or sh.name.endswith("-initials")
            assert _decorative(sh) == expected, f"slide {number}: {sh.name}"


def test_every_picture_that_is_not_decorative_has_alt_text(slides):
    pictures = [sh for sld in slides for sh in sld.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE]
    described = {sh._element._nvXxPr.cNvPr.get("descr") for sh in pictures if not _decorative(sh)}
    assert described == {"Healthcare Social Media Europe", ECOSYSTEM_ALT}


def test_no_shape_takes_the_theme_shadow(built):
    with zipfile.ZipFile(built.pptx) as z:
        for name in (n for n in z.namelist() if n.startswith("ppt/slides/slide")):
            for ref in etree.fromstring(z.read(name)).iter(qn("a:effectRef")):
                assert ref.get("idx") == "0", name


def test_links_look_as_in_the_pdf(slides):
    """Hashtags and handles plain, addresses underlined, all in the run's own (link) colour."""
    seen = set()
    for sld in slides:
        for sh in sld.shapes:
            if not sh.has_text_frame:
                continue
            for p in sh.text_frame.paragraphs:
                for r in p.runs:
                    click = r._r.find(f"{qn('a:rPr')}/{qn('a:hlinkClick')}")
                    if click is None:
                        continue
                    kind = "tag" if r.text.startswith(("#", "@")) else "address"
                    seen.add(kind)
                    assert r._r.rPr.get("u") == ("none" if kind == "tag" else "sng"), r.text
                    assert click.find(f".//{AHYP}").get("val") == "tx"
                    assert str(r.font.color.rgb) in {"0B6E99", "FFFFFF"}, r.text
    assert seen == {"tag", "address"}


def test_list_numbers_have_the_paragraphs_font_and_weight(built, slides):
    """PowerPoint draws a number in the first run's weight: the PDF does the same."""
    sld = slides[4]  # imperatives
    numbered = [p for sh in sld.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
                if p._p.find(f"{qn('a:pPr')}/{qn('a:buAutoNum')}") is not None]
    assert len(numbered) == 3
    for p in numbered:
        assert p._p.pPr.find(qn("a:buFont")).get("typeface") == p.runs[0].font.name == "Noto Sans"
        assert not p.runs[0].font.bold
    # the PDF's number is regular Noto Sans too: the page's only bold text is the emphasis
    page = PdfReader(built.pdf).pages[4]
    assert "1." in page.extract_text() and "gather" in page.extract_text()
    bold = []
    page.extract_text(visitor_text=lambda text, cm, tm, font, size: bold.append(text)
                      if font and "Bold" in str(font.get("/BaseFont")) and text.strip() else None)
    assert not any(re.fullmatch(r"\s*\d\.\s*", t) for t in bold), bold


def test_slide_numbers_are_fields(slides):
    for number, sld in enumerate(slides, start=1):
        fields = [f for sh in sld.shapes if sh.name == "page-number" for f in sh._element.iter(qn("a:fld"))]
        if number == 1:  # the cover has no footer
            assert fields == []
            continue
        assert len(fields) == 1 and fields[0].get("type") == "slidenum"
        assert fields[0].find(qn("a:t")).text == str(number)
        shown = next(sh for sh in sld.shapes if sh.name == "page-number").text_frame.text
        assert shown == f"{number} / 15"


def test_the_thumbnail_is_the_first_slide(built, tmp_path):
    with zipfile.ZipFile(built.pptx) as z:
        data = z.read("docProps/thumbnail.jpeg")
        rels = z.read("_rels/.rels").decode()
    assert "metadata/thumbnail" in rels and "docProps/thumbnail.jpeg" in rels
    thumb = Image.open(io.BytesIO(data))
    assert thumb.format == "JPEG" and thumb.size == (256, 144)
    # the same picture as the PDF's first page, scaled alike
    pages = []
    for number in (1, 2):
        subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-scale-to-x", "256", "-scale-to-y", "144",
                        "-png", "-singlefile", str(built.pdf), str(tmp_path / f"p{number}")], check=True)
        pages.append(Image.open(tmp_path / f"p{number}.png").convert("L"))

    def diff(page: Image.Image) -> float:
        return ImageStat.Stat(ImageChops.difference(thumb.convert("L"), page)).mean[0]

    # close to the first page (text drawn by Pillow, not Pango), far from any other
    assert diff(pages[0]) < 10 < 3 * diff(pages[0]) < diff(pages[1])


def test_proofing_language_of_the_uk_chapter_is_british(project):
    run_cli_ok("build", EXAMPLE_DIR, "--chapter", "uk", "--format", "pptx", "--out", "uk")
    pptx = project / "uk" / "hcsmeu-anniversary" / "uk" / "en" / "hcsmeu-anniversary-uk-en.pptx"
    with zipfile.ZipFile(pptx) as z:
        tags = {t for n in z.namelist() if n.startswith("ppt/slides/slide")
                for t in re.findall(r'lang="([^"]+)"', z.read(n).decode())}
        core = z.read("docProps/core.xml").decode()
    assert tags == {"en-GB"}
    assert "<dc:language>en-GB</dc:language>" in core


def test_proofing_language_of_the_swiss_chapter(project):
    run_cli_ok("build", EXAMPLE_DIR, "--chapter", "ch", "--format", "pptx", "--out", "ch")
    for locale in ("fr", "de"):
        pptx = project / "ch" / "hcsmeu-anniversary" / "ch" / locale / f"hcsmeu-anniversary-ch-{locale}.pptx"
        assert Presentation(pptx).core_properties.language == f"{locale}-CH"


def test_a_chapter_template_takes_the_brand_theme(project):
    run_cli_ok("build", EXAMPLE_DIR, "--brand", "ch", "--locale", "fr", "--format", "pptx", "--out", "ch")
    pptx = project / "ch" / "hcsmeu-anniversary" / "ch" / "fr" / "hcsmeu-anniversary-ch-fr.pptx"
    with zipfile.ZipFile(pptx) as z:
        theme = etree.fromstring(z.read("ppt/theme/theme1.xml"))
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    color = {el.tag[len(a):]: el[0].get("val") for el in theme.find(f".//{a}clrScheme")}
    assert color["hlink"] == color["folHlink"] == "B3121F"  # the Swiss brand's link colour
    assert color["accent1"] == "D52B1E" and color["dk2"] == "D52B1E"
    assert theme.find(f".//{a}majorFont/{a}latin").get("typeface") == "Noto Sans Display"
    assert theme.find(f".//{a}minorFont/{a}latin").get("typeface") == "Noto Sans"


# --- an image without alt text, through the real program ------------------------------------------------------


def _deckgen(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("deckgen")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "NO_COLOR": "1"})


@pytest.mark.slow
def test_an_image_without_alt_is_a_warning_and_an_error_when_strict(write_deck, project):
    (project / "decks" / "t").mkdir(parents=True, exist_ok=True)
    (project / "decks" / "t" / "ecosystem.png").write_bytes((REPO / EXAMPLE_DIR / "ecosystem.png").read_bytes())
    deck = write_deck("""
        id: t
        title: T
        author: me
        date: 2010-08-06
        slides:
          - kind: image
            title: Our tools
            file: ecosystem.png
        """)
    ok = _deckgen("build", str(deck), "--out", "out", cwd=project)
    assert ok.returncode == 0, ok.stderr
    assert ("Warning: decks/t/deck.yaml:6:5: slide our-tools [en]: the image of slide 'our-tools' has no "
            "alternative text") in ok.stderr
    pdf = read(project / "out" / "t" / "en" / "t-en.pdf")
    assert pdf.problems == [] and pdf.figures() == []  # no Figure without /Alt: an artifact
    strict = _deckgen("build", str(deck), "--out", "out", "--strict", "--force", cwd=project)
    assert strict.returncode == 1
    assert "Error: decks/t/deck.yaml:6:5" in strict.stderr and "Traceback" not in strict.stderr


# --- the yearly report: tables, QR codes, a background picture (issue 16) ----------------------------


def test_the_yearly_report_is_tagged_without_a_problem(project):
    import shutil

    shutil.copytree(REPO / "decks/hcsmeu-yearly-report", project / "decks/hcsmeu-yearly-report")
    run_cli_ok("build", "decks/hcsmeu-yearly-report", "--locale", "en", "--format", "pdf", "--out", "out")
    structure = read(project / "out/hcsmeu-yearly-report/en/hcsmeu-yearly-report-en.pdf")
    assert structure.problems == []
    # the table: a Table with its header row of TH (7 rows of 3 cells after it)
    assert structure.counts["Table"] == 1 and structure.counts["TH"] == 3 and structure.counts["TD"] == 21
    # the QR codes are figures whose alternative text is their address; the background is decoration
    alts = [f.alt for f in structure.figures()]
    assert alts.count("http://hcsmeu.com") == 2
    assert "" not in alts and None not in alts
