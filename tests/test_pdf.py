"""The built PDF (``deckgen.render_pdf``), read back with pypdf and poppler's tools."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXAMPLE, EXAMPLE_DIR, EXAMPLE_LOCALE, EXAMPLE_SLIDES, EXAMPLE_TITLES, PDF_NAME, REPO, run_cli_ok
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject

from deckgen import render_pdf
from deckgen.render_pdf import parts

BRAND_FAMILIES = {"Noto Sans", "Noto Sans Display"}


def poppler(tool: str, *args: str | Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is not installed")
    proc = subprocess.run([tool, *map(str, args)], capture_output=True, check=True, timeout=60)
    return proc.stdout.decode("utf-8")


def normalise(text: str) -> str:
    """Collapse all whitespace (including thin and no-break spaces) into single spaces."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def reader(built) -> PdfReader:
    return PdfReader(built.pdf)


@pytest.fixture(scope="module")
def page_texts(built) -> list[str]:
    """Each page's text as pdftotext lays it out, whitespace normalised."""
    pages = poppler("pdftotext", "-layout", "-enc", "UTF-8", built.pdf, "-").split("\f")
    return [normalise(p) for p in pages if p.strip()]


# --- pages -------------------------------------------------------------------------------


def test_one_page_per_slide(reader):
    assert len(reader.pages) == 15


def test_pages_are_960_by_540_landscape(reader):
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.width), float(box.height)) == (960, 540)
        assert page.get("/Rotate", 0) == 0


@pytest.mark.parametrize("index, title", list(enumerate(EXAMPLE_TITLES)), ids=[s for s, _, _ in EXAMPLE_SLIDES])
def test_each_page_shows_its_slide_title(page_texts, index, title):
    assert len(page_texts) == 15
    assert title in page_texts[index]


def test_page_numbers_in_the_footer(page_texts):
    for number, text in enumerate(page_texts[1:], start=2):  # the cover has no footer
        assert f"{number} / 15" in text


@pytest.mark.parametrize("text", [
    "language of Molière",
    "#hcsmeu, 1 year…",
    "#hcsmeu · hcsmeu.com",
    "Celebrating our 1st anniversary",
    "Silja Chouquet",
    "hcsmeufr@gmail.com",
    "http://www.facebook.com/#!/hcsmeu?ref=ts",
])
def test_text_is_intact(page_texts, text):
    assert text in " ".join(page_texts)


def test_pypdf_extracts_the_same_accents(reader):
    assert "Molière" in reader.pages[9].extract_text()


def test_schedule_lists_the_tweetup_dates(page_texts):
    when = page_texts[11]
    for date in ("September 1, 2010", "October 6, 2010", "November 3, 2010", "December 1, 2010"):
        assert date in when
    assert "January 5, 2011" not in when  # show: 4


# --- fonts --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fonts(built) -> list[dict[str, str]]:
    """pdffonts' table as dicts (name, type, emb, ...)."""
    lines = poppler("pdffonts", built.pdf).splitlines()
    assert lines[0].split()[:2] == ["name", "type"]
    rows = []
    for line in lines[2:]:
        cols = line.split()
        # name, type (1-2 words), encoding, emb, sub, uni, object id, generation
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def family(font_name: str) -> str:
    """'NROGTA+Noto-Sans-Display-Bold' -> 'Noto Sans Display'."""
    name = font_name.split("+", 1)[-1].replace("-", " ")
    return re.sub(r"( (Regular|Bold|Italic|Oblique))+$", "", name)


def test_only_brand_fonts_are_used(fonts):
    assert {family(f["name"]) for f in fonts} == BRAND_FAMILIES


def test_every_font_is_embedded(fonts):
    assert fonts
    assert [f["name"] for f in fonts if f["emb"] != "yes"] == []


def test_every_font_maps_to_unicode(fonts):
    """Without a ToUnicode map, copied text comes out as garbage."""
    assert [f["name"] for f in fonts if f["uni"] != "yes"] == []


# --- metadata, language, outline, links -------------------------------------------------


def test_document_metadata(reader):
    meta = reader.metadata
    assert meta["/Title"] == "#hcsmeu: one year, and a French chapter"
    assert meta["/Author"] == "#hcsmeufr organisers"
    assert meta["/Subject"] == ("The first anniversary of Healthcare Social Media in Europe "
                                "and the launch of its French chapter")
    assert meta["/Keywords"] == "healthcare, social media, Europe, tweetup, community, #hcsmeu, #hcsmeufr"
    assert meta["/CreationDate"].startswith("D:20100806")


def test_document_language(reader):
    assert reader.trailer["/Root"]["/Lang"] == "en-US"


def test_outline_lists_every_slide_title(reader):
    outline = reader.outline
    assert not any(isinstance(item, list) for item in outline)  # one level
    assert [item.title for item in outline] == EXAMPLE_TITLES
    assert [reader.get_destination_page_number(item) for item in outline] == list(range(15))


def link_uris(reader) -> list[list[str]]:
    out = []
    for page in reader.pages:
        uris = []
        for annot in page.get("/Annots", []):
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/A" in annot:
                uris.append(str(annot["/A"].get_object().get("/URI")))
        out.append(uris)
    return out


@pytest.mark.parametrize("uri", [
    "http://hcsmeufr.wikispaces.com/",
    "mailto:hcsmeufr@gmail.com",
    "http://www.facebook.com/#!/hcsmeu?ref=ts",
    "http://is.gd/e5Gzg",
    "https://twitter.com/hashtag/hcsmeufr",
    "https://twitter.com/whydotpharma",
])
def test_links_are_clickable(reader, uri):
    assert uri in {u for page in link_uris(reader) for u in page}


def test_links_are_on_the_right_pages(reader):
    uris = link_uris(reader)
    assert "mailto:hcsmeufr@gmail.com" in uris[12]  # where?
    assert "http://hcsmeufr.wikispaces.com/" in uris[10]  # how to take part?
    assert uris[0] == []  # the cover's hashtag is a word, not a link


def test_every_link_uses_a_safe_scheme(reader):
    for uri in (u for page in link_uris(reader) for u in page):
        assert uri.startswith(("http://", "https://", "mailto:")), uri


# --- reproducibility, privacy -------------------------------------------------------------


def test_two_builds_are_byte_identical(built, built_again):
    assert built.pdf.read_bytes() == built_again.pdf.read_bytes()


def pdf_contents(path: Path) -> bytes:
    """The file's bytes followed by every stream decompressed (object streams hold most dictionaries)."""
    data = path.read_bytes()
    reader = PdfReader(path)
    chunks = [data]
    for number in range(1, int(reader.trailer["/Size"])):
        try:
            obj = IndirectObject(number, 0, reader).get_object()
        except Exception:  # free entries of the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            chunks.append(obj.get_data())
        elif obj is not None:
            chunks.append(repr(obj).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def test_no_absolute_path_of_the_build_machine(built):
    contents = pdf_contents(built.pdf)
    assert b"mailto:hcsmeufr@gmail.com" in contents  # the search does reach the link annotations
    for path in {built.root, built.root.resolve(), REPO, Path.home()}:
        assert str(path).encode() not in contents, path
    assert b"file://" not in contents


# --- long decks: rendered in parts, joined ---------------------------------------------------


@pytest.mark.parametrize("count, size", [(0, 50), (1, 50), (15, 50), (50, 50), (51, 50), (1500, 50), (15, 4)])
def test_parts_cover_every_slide_evenly(count, size):
    ranges = parts(count, size)
    assert ranges[0][0] == 0 and ranges[-1][1] == count
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))  # contiguous, in order
    lengths = [end - start for start, end in ranges]
    assert max(lengths) <= size and max(lengths) - min(lengths) <= 1
    assert len(ranges) == max(1, -(-count // size))  # as few as possible


@pytest.fixture(scope="module")
def split(built, tmp_path_factory) -> dict[str, Path]:
    """The example deck rendered in parts of 4 slides: in this process (-j 1) and by two workers."""
    root = built.root
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(render_pdf, "PART_SLIDES", 4)
        mp.chdir(root)
        for jobs in ("1", "2"):
            dest = tmp_path_factory.mktemp(f"split-{jobs}")
            run_cli_ok("build", EXAMPLE_DIR, *EXAMPLE_LOCALE, "--format", "pdf", "--out", dest, "--jobs", jobs)
            out[jobs] = dest / EXAMPLE / "en" / PDF_NAME
    return out


def test_a_deck_in_parts_reads_like_one_document(built, split, reader, page_texts):
    assert split["1"].read_bytes() != built.pdf.read_bytes()  # it was split: each part has its own fonts
    joined = PdfReader(split["1"])
    assert len(joined.pages) == 15
    texts = [normalise(p) for p in poppler("pdftotext", "-layout", "-enc", "UTF-8", split["1"], "-").split("\f")
             if p.strip()]
    assert texts == page_texts
    assert [i.title for i in joined.outline] == EXAMPLE_TITLES
    assert [joined.get_destination_page_number(i) for i in joined.outline] == list(range(15))
    assert dict(joined.metadata) == dict(reader.metadata)
    assert joined.trailer["/Root"]["/Lang"] == "en-US"
    assert sorted(joined.named_destinations) == sorted(reader.named_destinations)
    assert link_uris(joined) == link_uris(reader)
    for font in [line.split() for line in poppler("pdffonts", split["1"]).splitlines()[2:]]:
        assert family(font[0]) in BRAND_FAMILIES and font[-5] == "yes", font  # embedded brand fonts only


def test_parts_give_the_same_bytes_whatever_the_number_of_workers(split):
    assert split["1"].read_bytes() == split["2"].read_bytes()
