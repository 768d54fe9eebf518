"""Branding (``deckgen.brand``, chapter builds, templates, ``check`` and ``preview``), read back as a user would.

Brands are resolved from the copied project's ``assets/brands``; builds go through the
CLI and their PPTX, PDF and PNG outputs are reopened with python-pptx, poppler and Pillow.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import Result
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from ruamel.yaml import YAML

from conftest import ALL_KINDS, EXAMPLE, EXAMPLE_DIR, EXAMPLE_SLIDES, EXAMPLE_TITLES, copy_project, run_cli, run_cli_ok
from deckgen.brand import load_brand
from deckgen.errors import DeckgenError
from deckgen.build import BuildOptions, Builder, missing_glyphs, output_path
from deckgen.checks import thumbnail_legibility
from deckgen.errors import BrandError
from deckgen.load import load_decks
from deckgen.markup import Run
from deckgen.scene import Box, DeckScene, Paragraph, SlideScene, TextFrame

SHIPPED_BRANDS = ["ch", "de", "es", "fr", "gr", "hcsmeu", "nl", "uk"]
#: two chapters whose looks are compared; each maps to the other
OTHER = {"fr": "de", "de": "fr"}
#: a bullet far longer than its box holds even at the smallest allowed size (~4000 characters)
ENORMOUS_ITEM = "una rete di esperti " * 200
#: the Swiss template's layout per slide kind (assets/brands/ch/brand.yaml)
SWISS_LAYOUTS = {"title": "Diapositive de titre", "section": "En-tête de section"}
SWISS_DEFAULT_LAYOUT = "Titre seul"
SWISS_TEMPLATE_LAYOUTS = ["Diapositive de titre", "Titre et contenu", "En-tête de section", "Titre seul", "Vide"]
COLOUR_TOLERANCE = 8  # per channel, for anti-aliasing and colour management in the rasterised PDF


# --- helpers -------------------------------------------------------------------------------


def brand_yaml(root: Path, brand_id: str) -> dict:
    """The brand's own ``brand.yaml`` as written (without what it inherits)."""
    return YAML(typ="safe").load((root / "assets" / "brands" / brand_id / "brand.yaml").read_text(encoding="utf-8"))


def write_brand(root: Path, brand_id: str, text: str) -> Path:
    """Write ``assets/brands/<id>/brand.yaml`` from a (dedented) string."""
    folder = root / "assets" / "brands" / brand_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "brand.yaml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder / "brand.yaml"


def bind_swiss_layout(root: Path, kind: str, layout: str) -> None:
    """Rebind one slide kind of the Swiss brand to another layout of its template."""
    file = root / "assets" / "brands" / "ch" / "brand.yaml"
    text, n = re.subn(rf"(?m)^    {kind}: .*$", f"    {kind}: {layout}", file.read_text(encoding="utf-8"))
    assert n == 1
    file.write_text(text, encoding="utf-8")


def brand_error(brand_id: str, root: Path) -> str:
    """The message of the :class:`BrandError` that loading *brand_id* raises."""
    with pytest.raises(BrandError) as info:
        load_brand(brand_id, root)
    return str(info.value)


def wrote(result: Result) -> list[str]:
    """The paths the CLI reports as written, in order."""
    return [m.group(1) for m in re.finditer(r"^wrote (\S+) \(", result.output, re.MULTILINE)]


def files_under(root: Path) -> list[str]:
    """Every file below *root*, relative and sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def sha1(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def rgb(hex_color: str) -> tuple[int, int, int]:
    h = hex_color.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def close(pixel: tuple[int, ...], hex_color: str) -> bool:
    return all(abs(a - b) <= COLOUR_TOLERANCE for a, b in zip(pixel[:3], rgb(hex_color)))


def poppler(tool: str, *args: str | Path) -> str:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} (poppler-utils) is not installed")
    return subprocess.run([tool, *map(str, args)], capture_output=True, check=True, timeout=120).stdout.decode()


def png_size(png: Path) -> tuple[int, int]:
    with Image.open(png) as im:
        return im.size


def png_pixel(png: Path, xy: tuple[int, int] = (5, 5)) -> tuple[int, ...]:
    with Image.open(png) as im:
        return im.convert("RGB").getpixel(xy)


def first_page_pixel(pdf: Path, tmp: Path, xy: tuple[int, int] = (5, 5)) -> tuple[int, ...]:
    """The colour of one pixel of page 1, rasterised at 20 dpi."""
    poppler("pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", pdf, tmp / "page")
    (png,) = tmp.glob("page-*1.png")
    return png_pixel(png, xy)


def pdf_families(pdf: Path) -> dict[str, bool]:
    """Each font family pdffonts lists ('ABCDEF+Noto-Sans-Bold' -> 'Noto Sans') and whether all its faces are embedded."""
    families: dict[str, bool] = {}
    for line in poppler("pdffonts", pdf).splitlines()[2:]:
        cols = line.split()  # name, type (1-2 words), encoding, emb, sub, uni, object id, generation
        name = cols[0].split("+", 1)[-1].replace("-", " ")
        family = re.sub(r"( (Regular|Bold|Italic|Oblique))+$", "", name)
        families[family] = families.get(family, True) and cols[-5] == "yes"
    return families


def theme_colour(prs, slot: str) -> str:
    """The ``#RRGGBB`` of a colour slot (accent1, hlink, …) of the slide master's theme."""
    root = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    return "#" + root.find(f".//a:clrScheme/a:{slot}/a:srgbClr", ns).get("val")


def slide_titles(prs) -> list[str | None]:
    """The text of each slide's title placeholder (None where a slide has none)."""
    return [s.shapes.title.text_frame.text if s.shapes.title is not None else None for s in prs.slides]


def picture_hashes(slide) -> set[str]:
    """The sha1 of every picture's image on *slide*."""
    return {sha1(sh.image.blob) for sh in slide.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE}


def logo_hash(root: Path, brand_id: str) -> str:
    """The sha1 of the brand's PNG logo file (the one the PPTX uses)."""
    return sha1((root / "assets" / "brands" / brand_id / "logo.png").read_bytes())


def po_path(locale: str) -> Path:
    return EXAMPLE_DIR / "locales" / locale / "LC_MESSAGES" / "deck.po"


def translate_as_source(locale: str, overrides: dict[tuple[str, str], str] | None = None) -> None:
    """Start the example deck's *locale* catalog and translate every message as its source text,
    except the ``(msgctxt, msgid)`` pairs of *overrides*."""
    run_cli_ok("i18n", "init", EXAMPLE_DIR, locale)
    with po_path(locale).open("rb") as fh:
        catalog = read_po(fh)
    for msg in catalog:
        if not msg.id:
            continue
        if isinstance(msg.id, tuple):
            msg.string = tuple(msg.id[min(i, 1)] for i in range(catalog.num_plurals))
        else:
            msg.string = msg.id
        msg.flags.discard("fuzzy")
    for (context, msgid), text in (overrides or {}).items():
        msg = catalog.get(msgid, context=context)
        assert msg is not None, f"no message {msgid!r} in context {context!r}"
        msg.string = text
    with po_path(locale).open("wb") as fh:
        write_po(fh, catalog, width=78)


def title_scene(size: float) -> DeckScene:
    """A one-slide deck whose cover title is drawn at *size* points."""
    title = TextFrame("title", Box(60, 200, 840, 140),
                      (Paragraph((Run("HCSMEU"),), size, "#FFFFFF", font="heading", bold=True),),
                      role="title", field="title")
    cover = SlideScene("cover", "title", "HCSMEU", "#0B4F6C", (title,))
    return DeckScene("t", "en", "en-GB", "T", "", "me", (), "2010-08-06", (cover,))


class Studio:
    """A project copy shared by a module's build tests; each distinct build runs once."""

    def __init__(self, root: Path):
        self.root = root
        self._results: dict[tuple[str, ...], Result] = {}

    def build(self, *args: str) -> Result:
        """``deckgen build decks/hcsmeu-anniversary ARGS --out out`` in the shared project."""
        if args not in self._results:
            with pytest.MonkeyPatch.context() as mp:
                mp.chdir(self.root)
                self._results[args] = run_cli_ok("build", EXAMPLE_DIR, *args, "--out", "out")
        return self._results[args]

    def pptx(self, brand: str | None, locale: str):
        return Presentation(self.root / output_path(Path("out"), EXAMPLE, locale, "pptx", brand))

    def pdf(self, brand: str | None, locale: str) -> Path:
        return self.root / output_path(Path("out"), EXAMPLE, locale, "pdf", brand)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Studio:
    return Studio(copy_project(tmp_path_factory.mktemp("branding") / "project"))


@pytest.fixture(scope="module")
def in_chapter_look(studio: Studio) -> Studio:
    """The example deck built in English in the fr and in the de chapter's look."""
    for brand in OTHER:
        studio.build("--brand", brand, "--locale", "en")
    return studio


@pytest.fixture(scope="module")
def french_look_pdfs(studio: Studio) -> Studio:
    """The example deck's PDF in every locale, in the fr chapter's look (serif headings)."""
    studio.build("--brand", "fr", "--format", "pdf")
    return studio


# --- 1. brand resolution ------------------------------------------------------------------


@pytest.mark.parametrize("key", ["primary", "secondary", "accent", "link"])
def test_chapter_overrides_the_colours_it_sets(project, key):
    de, community = load_brand("de", project), load_brand("hcsmeu", project)
    assert de.color(key) == brand_yaml(project, "de")["colors"][key]
    assert de.color(key) != community.color(key)


@pytest.mark.parametrize("key", ["text", "muted", "background"])
def test_chapter_keeps_the_colours_it_does_not_set(project, key):
    assert key not in brand_yaml(project, "de")["colors"]
    assert load_brand("de", project).color(key) == load_brand("hcsmeu", project).color(key)


def test_chapter_keeps_the_community_website_in_its_footer(project):
    de = load_brand("de", project)
    assert (de.spec.website, de.footer_text()) == ("hcsmeu.com", "#hcsmeude · hcsmeu.com")


def test_chapter_overrides_one_font_family_and_keeps_the_other(project):
    fr, community = load_brand("fr", project), load_brand("hcsmeu", project)
    assert fr.heading.family == "Noto Serif Display"
    assert fr.heading.file(bold=True).name == "NotoSerifDisplay-Bold.ttf"
    assert fr.body == community.body


def test_chapter_lists_replace_the_parents(project):
    assert load_brand("ch", project).spec.languages == ["fr", "de"]
    assert load_brand("hcsmeu", project).spec.languages == []


def test_chapter_resolves_along_its_chain(project):
    assert load_brand("de", project).chain == ("de", "hcsmeu")


def test_unknown_parent_is_located_and_lists_the_known_brands(project):
    write_brand(project, "orphan", """
        # a chapter whose parent does not exist
        extends: nope
        name: Orphan
        """)
    message = brand_error("orphan", project)
    assert message.startswith("assets/brands/orphan/brand.yaml:2:10: unknown brand 'nope'; ")
    assert message.endswith(", ".join(sorted(SHIPPED_BRANDS + ["orphan"])))


def test_cycle_is_located_and_shows_the_chain(project):
    write_brand(project, "a", """
        name: A
        extends: b
        """)
    write_brand(project, "b", """
        # b closes the loop
        name: B
        extends: a
        """)
    message = brand_error("a", project)
    assert message.startswith("assets/brands/b/brand.yaml:3:10: 'extends' makes a cycle: a → b → a")


def test_bad_colour_is_located(project):
    write_brand(project, "bad", """
        extends: hcsmeu
        name: Bad
        colors:
          primary: red
        """)
    message = brand_error("bad", project)
    assert message.startswith("assets/brands/bad/brand.yaml:4:12: 'red' is not a valid primary")


def test_bad_colour_message_names_the_expected_format(project):
    write_brand(project, "bad", """
        extends: hcsmeu
        name: Bad
        colors:
          primary: red
        """)
    assert "#RRGGBB" in brand_error("bad", project)


def test_missing_font_file_is_located(project):
    write_brand(project, "nofont", """
        extends: hcsmeu
        name: No font
        fonts:
          body:
            family: Noto Sans
            regular: noto/NotoSans-Missing.ttf
        """)
    assert brand_error("nofont", project) == (
        "assets/brands/nofont/brand.yaml:6:14: font file 'noto/NotoSans-Missing.ttf' for body regular "
        "not found in assets/fonts/; add the file or fix the path")


def test_missing_logo_file_is_located(project):
    write_brand(project, "nologo", """
        extends: hcsmeu
        name: No logo
        logo:
          png: missing.png
        """)
    assert brand_error("nologo", project) == (
        "assets/brands/nologo/brand.yaml:4:8: logo file 'missing.png' not found beside brand.yaml")


def test_template_that_is_not_pptx_is_located(project):
    write_brand(project, "potx", """
        extends: hcsmeu
        name: Template
        template:
          file: template.potx
        """)
    message = brand_error("potx", project)
    assert message.startswith("assets/brands/potx/brand.yaml:4:9: template.file must be a .pptx file")


def test_unknown_language_is_reported(project):
    write_brand(project, "lang", """
        extends: hcsmeu
        name: Language
        languages: [fr, xx]
        """)
    message = brand_error("lang", project)
    assert message.startswith("assets/brands/lang/brand.yaml:3:")
    assert "unknown language 'xx'" in message


def test_unknown_language_is_located_at_its_item(project):
    write_brand(project, "lang", """
        extends: hcsmeu
        name: Language
        languages:
          - fr
          - xx
        """)
    assert brand_error("lang", project).startswith("assets/brands/lang/brand.yaml:5:5: unknown language 'xx'")


def test_broken_brand_stops_the_build_with_nothing_written(project):
    write_brand(project, "bad", """
        extends: hcsmeu
        name: Bad
        colors:
          primary: red
        """)
    result = run_cli("build", EXAMPLE_DIR, "--brand", "bad", "--locale", "en", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: assets/brands/bad/brand.yaml:4:12: ")
    assert not (project / "out").exists()


# --- 2. any deck in any chapter's look -----------------------------------------------------


def test_output_paths_of_brands_and_locales_never_collide():
    paths = [output_path(Path("out"), EXAMPLE, locale, fmt, brand)
             for brand in [None, *SHIPPED_BRANDS] for locale in ("en", "de", "fr", "el") for fmt in ("pptx", "pdf")]
    assert len(set(paths)) == len(paths)
    assert len({p.name for p in paths}) == len(paths)  # not even when gathered in one folder


@pytest.mark.slow
def test_build_in_a_brand_writes_under_the_brand(studio):
    result = studio.build("--brand", "de", "--locale", "en")
    assert wrote(result) == ["out/hcsmeu-anniversary/de/en/hcsmeu-anniversary-de-en.pptx",
                             "out/hcsmeu-anniversary/de/en/hcsmeu-anniversary-de-en.pdf"]


@pytest.mark.slow
@pytest.mark.parametrize("brand", list(OTHER))
def test_pptx_cover_background_is_the_brand_primary(in_chapter_look, brand):
    cover = in_chapter_look.pptx(brand, "en").slides[0]
    assert f"#{cover.background.fill.fore_color.rgb}" == brand_yaml(in_chapter_look.root, brand)["colors"]["primary"]


@pytest.mark.slow
@pytest.mark.parametrize("brand", list(OTHER))
def test_pptx_theme_carries_the_brand_colours(in_chapter_look, brand):
    prs = in_chapter_look.pptx(brand, "en")
    colours = brand_yaml(in_chapter_look.root, brand)["colors"]
    assert theme_colour(prs, "accent1") == colours["primary"]
    assert theme_colour(prs, "hlink") == colours["link"]
    assert theme_colour(prs, "accent1") != brand_yaml(in_chapter_look.root, OTHER[brand])["colors"]["primary"]


@pytest.mark.slow
@pytest.mark.parametrize("brand", list(OTHER))
def test_pptx_cover_shows_the_brand_logo(in_chapter_look, brand):
    shown = picture_hashes(in_chapter_look.pptx(brand, "en").slides[0])
    assert logo_hash(in_chapter_look.root, brand) in shown
    assert logo_hash(in_chapter_look.root, OTHER[brand]) not in shown


@pytest.mark.slow
@pytest.mark.parametrize("brand", list(OTHER))
def test_pdf_cover_is_painted_in_the_brand_primary(in_chapter_look, brand, tmp_path):
    pixel = first_page_pixel(in_chapter_look.pdf(brand, "en"), tmp_path)
    assert close(pixel, brand_yaml(in_chapter_look.root, brand)["colors"]["primary"]), pixel
    assert not close(pixel, brand_yaml(in_chapter_look.root, OTHER[brand])["colors"]["primary"]), pixel


@pytest.mark.slow
def test_chapter_builds_only_its_languages(studio):
    result = studio.build("--chapter", "de")
    assert wrote(result) == ["out/hcsmeu-anniversary/de/de/hcsmeu-anniversary-de-de.pptx",
                             "out/hcsmeu-anniversary/de/de/hcsmeu-anniversary-de-de.pdf"]


@pytest.mark.slow
def test_swiss_chapter_builds_french_and_german(studio):
    result = studio.build("--chapter", "ch")
    assert sorted(wrote(result)) == [f"out/hcsmeu-anniversary/ch/{loc}/hcsmeu-anniversary-ch-{loc}.{fmt}"
                                     for loc in ("de", "fr") for fmt in ("pdf", "pptx")]


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["fr", "de"])
def test_swiss_chapter_slides_use_the_template_layouts(studio, locale):
    studio.build("--chapter", "ch")
    prs = studio.pptx("ch", locale)
    assert [lay.name for lay in prs.slide_layouts] == SWISS_TEMPLATE_LAYOUTS
    assert [s.slide_layout.name for s in prs.slides] == [
        SWISS_LAYOUTS.get(kind, SWISS_DEFAULT_LAYOUT) for _, kind, _ in EXAMPLE_SLIDES]


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["fr", "de"])
def test_swiss_chapter_every_slide_has_a_filled_title_placeholder(studio, locale):
    studio.build("--chapter", "ch")
    titles = slide_titles(studio.pptx("ch", locale))
    assert len(titles) == len(EXAMPLE_SLIDES)  # the template's own sample slide is dropped
    assert all(titles), titles


@pytest.mark.slow
def test_swiss_template_title_placeholders_hold_the_slide_titles(studio):
    studio.build("--brand", "ch", "--locale", "en")
    assert slide_titles(studio.pptx("ch", "en")) == EXAMPLE_TITLES


@pytest.mark.slow
def test_two_chapters_outputs_do_not_collide(studio):
    paths = wrote(studio.build("--chapter", "ch")) + wrote(studio.build("--chapter", "de"))
    assert len(set(paths)) == len(paths) == 6
    assert len({Path(p).name for p in paths}) == 6
    german = [studio.root / p for p in paths if p.endswith("-de.pptx")]
    assert len(german) == 2 and german[0].read_bytes() != german[1].read_bytes()


# --- 3. a chapter's own PowerPoint template -------------------------------------------------


def test_template_missing_a_layout_stops_the_build(project):
    bind_swiss_layout(project, "section", "Section")
    result = run_cli("build", EXAMPLE_DIR, "--chapter", "ch", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: assets/brands/ch/brand.yaml:17:9: slide kind 'section' is bound to layout 'Section', "
        "which the template template.pptx does not have; its layouts are: ")
    for name in SWISS_TEMPLATE_LAYOUTS:
        assert f"'{name}' (" in result.stderr
    assert not (project / "out").exists()


def test_template_layout_without_title_placeholder_stops_the_build(project):
    bind_swiss_layout(project, "default", "Vide")
    result = run_cli("build", EXAMPLE_DIR, "--chapter", "ch", "--out", "out")
    assert result.exit_code == 1
    others = len(ALL_KINDS) - 2  # every kind but title and section, which have their own layouts
    assert f"Error: assets/brands/ch/brand.yaml:17:9: layout 'Vide' (for {others} kinds) has no title " \
           "placeholder" in result.stderr
    assert result.stderr.count("Error:") == 1  # one message for the layout, not one per slide kind
    assert not (project / "out").exists()


def test_template_that_is_not_16_by_9_stops_the_build(project):
    write_brand(project, "square", """
        extends: hcsmeu
        name: Square
        template:
          file: template.pptx
        """)
    Presentation().save(project / "assets" / "brands" / "square" / "template.pptx")  # python-pptx's 4:3 default
    result = run_cli("build", EXAMPLE_DIR, "--brand", "square", "--locale", "en", "--out", "out")
    assert result.exit_code == 1
    assert result.stderr == ("Error: assets/brands/square/brand.yaml:4:9: the template template.pptx is "
                             "10.00 × 7.50 in; deckgen needs a 16:9 template of 13.333 × 7.5 in "
                             "(Design → Slide Size → Widescreen)\n")
    assert not (project / "out").exists()


# --- 4. the PDF embeds only the brand fonts ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["en", "de", "el", "es", "fr", "nl"])
def test_pdf_embeds_only_the_french_brand_fonts(french_look_pdfs, locale):
    assert pdf_families(french_look_pdfs.pdf("fr", locale)) == {"Noto Serif Display": True, "Noto Sans": True}


@pytest.mark.slow
def test_greek_pdf_embeds_only_the_community_brand_fonts(studio):
    studio.build("--locale", "el", "--format", "pdf")
    assert pdf_families(studio.pdf(None, "el")) == {"Noto Sans Display": True, "Noto Sans": True}


# --- 5. deckgen check ---------------------------------------------------------------------


@pytest.mark.slow
def test_check_passes_the_example_deck_and_writes_nothing(project):
    before = files_under(project)
    result = run_cli_ok("check", EXAMPLE_DIR)
    assert result.stderr == ""
    assert result.output.startswith("ok: hcsmeu-anniversary [en], hcsmeu-anniversary [de], ")
    assert "hcsmeu-anniversary [el]" in result.output
    assert files_under(project) == before


@pytest.mark.slow
def test_check_reports_an_overlong_translation_with_slide_field_and_locale(project):
    translate_as_source("it", {("identity.items.text", "a network of experts"): ENORMOUS_ITEM})
    result = run_cli("check", EXAMPLE_DIR, "--locale", "it")
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(problems) == 1
    assert re.match(r"Error: slide identity \[it\]: items is \d+% too long for its box", problems[0])


@pytest.mark.slow
def test_check_names_a_glyph_the_brand_fonts_lack_and_its_slide(project):
    translate_as_source("it", {("identity.items.text", "a network of experts"): "una rete di esperti 中"})
    result = run_cli("check", EXAMPLE_DIR, "--locale", "it")
    assert result.exit_code == 1
    assert re.search(r"^Error: slide identity \[it\]: items: .*'中' \(U\+4E2D\)", result.stderr, re.MULTILINE)


def test_missing_glyphs_names_the_character_and_its_slide(project):
    translate_as_source("it", {("identity.items.text", "a network of experts"): "una rete di esperti 中"})
    scenes = []
    builder = Builder(BuildOptions(locales=("it",), formats=("pptx",)),
                      on_scene=lambda scene, brand: scenes.append((scene, brand)))
    with pytest.raises(DeckgenError) as raised:  # the build stops: the PDF would use another font
        builder.render(load_decks([EXAMPLE_DIR]))
    (scene, brand), = scenes
    problems = missing_glyphs(scene, brand)
    assert [(p.slide, "U+4E2D" in p.message) for p in problems] == [("identity [it]", True)]
    assert raised.value.problems == problems


@pytest.mark.slow
def test_check_reports_a_cover_title_far_too_long(project, write_deck):
    deck = write_deck(f"""
        id: t
        title: T
        author: me
        date: 2010-08-06
        slides:
          - id: cover
            kind: title
            title: "{("Healthcare social media in Europe " * 6)[:200]}"
          - id: a
            kind: bullets
            title: A
            items: [one]
        """)
    result = run_cli("check", deck)
    assert result.exit_code == 1
    assert re.search(r"^Error: slide cover \[en\]: title is .*(too long for its box|thumbnail)",
                     result.stderr, re.MULTILINE)


def test_thumbnail_legibility_accepts_a_large_cover_title():
    assert thumbnail_legibility(title_scene(60)) == []


def test_thumbnail_legibility_flags_a_small_cover_title():
    (problem,) = thumbnail_legibility(title_scene(40))
    assert problem.slide == "cover [en]"
    assert problem.message.startswith("title is 40 pt: its capitals are 5.1 px tall in Slideshare's 170-px thumbnail")


def test_thumbnail_legibility_advises_a_size_above_the_current_one():
    (problem,) = thumbnail_legibility(title_scene(55))
    advised = int(re.search(r"at least (\d+) pt", problem.message).group(1))
    assert advised > 55


# --- 6. deckgen preview --------------------------------------------------------------------


@pytest.mark.slow
def test_preview_writes_one_png_per_slide_and_a_contact_sheet(project):
    run_cli_ok("preview", EXAMPLE_DIR, "--locale", "en", "--out", "out")
    folder = project / "out" / EXAMPLE / "en" / "preview"
    expected = [f"slide-{n:02d}.png" for n in range(1, 16)] + ["contact-sheet.png"]
    assert files_under(project / "out") == sorted(f"{EXAMPLE}/en/preview/{name}" for name in expected)
    slide, sheet = png_size(folder / "slide-01.png"), png_size(folder / "contact-sheet.png")
    for name in expected[:-1]:
        w, h = png_size(folder / name)
        assert w / h == pytest.approx(16 / 9, abs=0.01)
    assert sheet[0] > slide[0] and sheet[1] > slide[1]


@pytest.mark.slow
def test_preview_in_a_brand_draws_the_brand_cover(project):
    run_cli_ok("preview", EXAMPLE_DIR, "--locale", "en", "--brand", "de", "--out", "out")
    pixel = png_pixel(project / "out" / EXAMPLE / "de" / "en" / "preview" / "slide-01.png")
    assert close(pixel, brand_yaml(project, "de")["colors"]["primary"]), pixel
