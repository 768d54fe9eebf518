"""The built PPTX (``deckgen.render_pptx``), read back with python-pptx as PowerPoint would show it."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from conftest import EXAMPLE_DIR, EXAMPLE_SLIDES, EXAMPLE_TITLES, REPO, run_cli_ok
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from deckgen.load import load_deck

BRAND_FONTS = {"Noto Sans", "Noto Sans Display"}
HEADING_FONT = "Noto Sans Display"


@pytest.fixture(scope="module")
def prs(built):
    return Presentation(built.pptx)


@pytest.fixture(scope="module")
def slides(prs):
    return list(prs.slides)


def slide(slides, slide_id: str):
    return slides[[sid for sid, _, _ in EXAMPLE_SLIDES].index(slide_id)]


def texts(sld) -> list[str]:
    """The text of every text frame of a slide."""
    return [sh.text_frame.text for sh in sld.shapes if sh.has_text_frame]


def all_text(slides) -> str:
    return "\n".join(t for s in slides for t in texts(s))


def runs(slides):
    for sld in slides:
        for sh in sld.shapes:
            if sh.has_text_frame:
                for p in sh.text_frame.paragraphs:
                    yield from ((sh, p, r) for r in p.runs)


def paragraph(sld, starts_with: str):
    found = [p for sh in sld.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
             if p.text.startswith(starts_with)]
    assert len(found) == 1, f"{len(found)} paragraphs start with {starts_with!r}"
    return found[0]


# --- the presentation ------------------------------------------------------------------


def test_slides_are_16_by_9(prs):
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))


def test_one_slide_per_deck_slide(slides):
    assert len(slides) == len(EXAMPLE_SLIDES) == 15


@pytest.mark.parametrize("index, title", list(enumerate(EXAMPLE_TITLES)), ids=[s for s, _, _ in EXAMPLE_SLIDES])
def test_title_placeholder_holds_the_slide_title(slides, index, title):
    placeholder = slides[index].shapes.title
    assert placeholder is not None
    assert placeholder.text_frame.text == title


def test_titles_use_the_heading_font(slides):
    for sld in slides:
        assert {r.font.name for p in sld.shapes.title.text_frame.paragraphs for r in p.runs} == {HEADING_FONT}


def test_title_and_section_slides_use_their_layouts(slides):
    layouts = [s.slide_layout.name for s in slides]
    assert layouts[0] == "Title Slide"
    assert [layouts[i] for i, (_, kind, _) in enumerate(EXAMPLE_SLIDES) if kind == "section"] == [
        "Section Header", "Section Header"]
    assert {layouts[i] for i, (_, kind, _) in enumerate(EXAMPLE_SLIDES) if kind not in ("title", "section")} == {
        "Title Only"}


def test_no_empty_placeholders_are_left(slides):
    """PowerPoint shows an empty placeholder as 'Click to add text'."""
    for sld in slides:
        for ph in sld.placeholders:
            assert ph.text_frame.text.strip(), f"empty placeholder {ph.name} on slide {slides.index(sld) + 1}"


# --- text -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "#hcsmeu is in full bloom and growing into Something Big. Something that will be able "
    "to make people and things evolve.",
    "Silja Chouquet",
    "Andrew Spong",
    "hcsmeufr@gmail.com",
    "Healthcare Social Media in Europe",
    "a network of experts",
    "and finally, a further opening, helped by the language of Molière",
    "http://www.facebook.com/#!/hcsmeu?ref=ts",
    "And something tells us this is only the beginning!",
    "Everything connects through #hcsmeufr.",
])
def test_deck_texts_appear(slides, text):
    assert text in all_text(slides)


def test_quote_text_is_on_the_quote_slide(slides):
    assert any(t.startswith("#hcsmeu is in full bloom") for t in texts(slide(slides, "quote")))


def test_inline_markup_characters_are_not_shown(slides):
    text = all_text(slides)
    for mark in ("**", "^st^", "~fr~", "]("):
        assert mark not in text


def test_superscript_is_a_raised_run(slides):
    p = paragraph(slide(slides, "take-part"), "a tweetup every 1st Wednesday")
    st = [r for r in p.runs if r.text == "st"]
    assert len(st) == 1
    assert int(st[0]._r.rPr.get("baseline")) > 0


def test_subscript_is_a_lowered_run(slides):
    title = slide(slides, "french-chapter").shapes.title.text_frame.paragraphs[0]
    fr = [r for r in title.runs if r.text == "fr"]
    assert len(fr) == 1
    assert int(fr[0]._r.rPr.get("baseline")) < 0


def test_bullets_are_real_bullets(slides):
    body = [sh for sh in slide(slides, "identity").shapes if sh.has_text_frame and not sh.is_placeholder
            and sh.text_frame.text.startswith("a Twitter stream")][0]
    paragraphs = body.text_frame.paragraphs
    assert [p.text for p in paragraphs] == [
        "a Twitter stream and a weekly tweetup", "a network of experts", "a think tank", "an online community"]
    for p in paragraphs:
        assert p._p.pPr.find(qn("a:buChar")) is not None
        assert not p.text.startswith(("•", "-"))  # the bullet is not typed into the text


def test_imperatives_are_numbered(slides):
    sld = slide(slides, "imperatives")
    numbered = [p for sh in sld.shapes if sh.has_text_frame for p in sh.text_frame.paragraphs
                if p._p.pPr is not None and p._p.pPr.find(qn("a:buAutoNum")) is not None]
    assert [p.text.split()[0] for p in numbered] == ["gather", "exercise", "facilitate"]
    starts = [p._p.pPr.find(qn("a:buAutoNum")).get("startAt", "1") for p in numbered]
    assert starts == ["1", "2", "3"]
    assert paragraph(sld, "We intend to achieve")._p.pPr.find(qn("a:buAutoNum")) is None


def test_emphasis_is_bold(slides):
    p = paragraph(slide(slides, "beliefs"), "We believe that social media")
    bold = [r.text for r in p.runs if r.font.bold]
    assert bold == ["social media can revolutionise healthcare by refocusing its attention on the patient"]
    assert p.runs[0].text == "We believe that " and not p.runs[0].font.bold


def test_every_run_has_an_explicit_size_and_a_brand_font(slides):
    for shape, _, run in runs(slides):
        assert run.font.size is not None, f"{shape.name}: {run.text!r} has no size"
        assert run.font.name in BRAND_FONTS, f"{shape.name}: {run.text!r} is in {run.font.name!r}"


def test_runs_are_tagged_with_the_deck_language(slides):
    assert {r._r.rPr.get("lang") for _, _, r in runs(slides)} == {"en-US"}


# --- links ----------------------------------------------------------------------------------


def hyperlinks(slides) -> dict[str, str]:
    return {r.text: r.hyperlink.address for _, _, r in runs(slides) if r.hyperlink.address}


def test_bare_url_is_a_hyperlink(slides):
    assert hyperlinks(slides)["http://hcsmeufr.wikispaces.com/"] == "http://hcsmeufr.wikispaces.com/"


def test_email_is_a_mailto_hyperlink(slides):
    assert hyperlinks(slides)["hcsmeufr@gmail.com"] == "mailto:hcsmeufr@gmail.com"


def test_link_text_differs_from_its_address(slides):
    assert hyperlinks(slides)["the calendar"] == "http://is.gd/e5Gzg"


def test_facebook_url_is_linked_whole(slides):
    url = "http://www.facebook.com/#!/hcsmeu?ref=ts"
    assert hyperlinks(slides)[url] == url


def test_hashtags_and_handles_link_to_twitter(slides):
    links = hyperlinks(slides)
    assert links["#hcsmeufr"] == "https://twitter.com/hashtag/hcsmeufr"
    assert links["@whydotpharma"] == "https://twitter.com/whydotpharma"


def test_titles_have_no_links(slides):
    for sld in slides:
        assert not [r.text for p in sld.shapes.title.text_frame.paragraphs for r in p.runs if r.hyperlink.address]


# --- image, notes ---------------------------------------------------------------------------


def test_image_has_the_deck_alt_text(slides):
    alt = next(s.alt for s in load_deck(REPO / EXAMPLE_DIR).deck.slides if s.kind == "image")
    pictures = {sh.name: sh for sh in slide(slides, "ecosystem").shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE}
    assert set(pictures) == {"image", "logo"}  # the deck's image and the brand's logo
    assert pictures["image"]._element._nvXxPr.cNvPr.get("descr") == alt
    # the logo repeated on every content slide is decorative: no alt text (the cover's has it)
    assert pictures["logo"]._element._nvXxPr.cNvPr.get("descr") == ""
    assert "ecosystem.png" not in alt


def test_image_is_embedded_as_png(slides):
    picture = next(sh for sh in slide(slides, "ecosystem").shapes
                   if sh.shape_type == MSO_SHAPE_TYPE.PICTURE and sh.name == "image")
    assert picture.image.content_type == "image/png"


def test_each_image_file_is_stored_once(built, slides):
    logos = [sh for s in slides for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE and sh.name == "logo"]
    assert len(logos) >= 12  # on nearly every slide
    media = [n for n in zipfile.ZipFile(built.pptx).namelist() if n.startswith("ppt/media/")]
    assert len(media) == len({sh.image.sha1 for s in slides for sh in s.shapes
                              if sh.shape_type == MSO_SHAPE_TYPE.PICTURE}) == 3  # two logos and the diagram


def test_speaker_notes_of_the_cover(slides):
    cover = slide(slides, "cover")
    assert cover.has_notes_slide
    assert cover.notes_slide.notes_text_frame.text == "Welcome everyone to the first anniversary of #hcsmeu."


def test_only_slides_with_notes_have_notes(slides):
    assert [i for i, s in enumerate(slides) if s.has_notes_slide] == [0, 8]  # cover, french-chapter


# --- document properties ---------------------------------------------------------------------


def test_core_properties(prs):
    cp = prs.core_properties
    assert cp.title == "#hcsmeu: one year, and a French chapter"
    assert cp.author == "#hcsmeufr organisers"
    assert cp.subject == ("The first anniversary of Healthcare Social Media in Europe "
                          "and the launch of its French chapter")
    assert cp.keywords == "healthcare; social media; Europe; tweetup; community; #hcsmeu; #hcsmeufr"
    assert cp.language == "en-US"
    assert cp.last_modified_by == "deckgen"
    assert cp.created == dt.datetime(2010, 8, 6)
    assert cp.modified == dt.datetime(2010, 8, 6)


def test_no_python_pptx_template_leftovers(built):
    package = zipfile.ZipFile(built.pptx)
    core = package.read("docProps/core.xml").decode()
    assert "Steve Canny" not in core
    assert "generated using python-pptx" not in core
    assert "PowerPoint Presentation" not in core


def test_extended_properties_describe_the_deck(built):
    app = zipfile.ZipFile(built.pptx).read("docProps/app.xml").decode()
    assert "<Slides>15</Slides>" in app
    assert "4:3" not in app


def test_package_has_no_build_machine_paths_or_dates(built):
    package = zipfile.ZipFile(built.pptx)
    assert {info.date_time for info in package.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    needle = str(built.root).encode()
    for name in package.namelist():
        assert needle not in package.read(name), name


def test_two_builds_are_byte_identical(built, built_again):
    assert built.pptx.read_bytes() == built_again.pptx.read_bytes()


def test_pptx_zip_is_valid(built):
    assert zipfile.ZipFile(io.BytesIO(built.pptx.read_bytes())).testzip() is None


# --- small decks --------------------------------------------------------------------------------


def test_slide_without_title_keeps_its_title_above_the_slide(write_deck, project):
    """PowerPoint's accessibility checker and screen readers want a title on every slide: off the slide."""
    deck = write_deck("""
        id: t
        title: T
        author: me
        date: 2010-08-06
        slides:
          - kind: quote
            text: A quote without a title.
            author: Someone
        """)
    run_cli_ok("build", deck, "--out", "out", "--format", "pptx")
    only = Presentation(project / "out" / "t" / "en" / "t-en.pptx").slides[0]
    title = only.shapes.title
    assert title is not None and title.text == "A quote without a title."
    assert title.top + title.height <= 0  # above the slide: no program draws it
    assert only.shapes[0].shape_id == title.shape_id  # read first
    assert "A quote without a title." in texts(only)
