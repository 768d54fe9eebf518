"""``deckgen build --format html``: one self-contained web page per locale, drawn from the PDF's layouts."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import EXAMPLE, EXAMPLE_DIR, EXAMPLE_SLIDES, run_cli_ok

OUT = Path("out") / EXAMPLE


def page(locale: str) -> Path:
    return OUT / locale / f"{EXAMPLE}-{locale}.html"


class Page(HTMLParser):
    """What a user (or a search engine) reads of the page: language, title, slides, images, links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self.slides: list[dict[str, str]] = []
        self.sections: list[str] = []
        self.images: list[dict[str, str]] = []
        self.links: list[str] = []
        self.sources: list[str] = []
        self.controls: dict[str, dict[str, str]] = {}  # the navigation bar and its buttons, by class
        self._in_title = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        self._in_title = tag == "title"
        if "dg-slide" in a.get("class", "").split():
            self.slides.append(a)
        if tag == "section":
            self.sections.append(a.get("id", ""))
        for name in ("dg-nav", "dg-prev", "dg-next"):
            if name in a.get("class", "").split():
                self.controls[name] = a
        if tag == "img":
            self.images.append(a)
        if tag == "a":
            self.links.append(a.get("href", ""))
        for name in ("src", "href"):
            if name in a and tag in ("img", "script", "link", "iframe", "source"):
                self.sources.append(a[name])

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example deck built as HTML and PDF in English and French, by the real command."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("html") / "project")
    subprocess.run([sys.executable, "-m", "deckgen", "build", str(EXAMPLE_DIR), "-f", "html", "-f", "pdf",
                    "-l", "en", "-l", "fr", "--out", "out"], cwd=root, check=True, capture_output=True)
    return root


def test_one_page_per_locale_with_every_slide(exported: Path) -> None:
    html = (exported / page("fr")).read_text(encoding="utf-8")
    p = Page(html)
    assert p.lang == "fr-FR"
    assert p.title == "#hcsmeu – un an et un chapitre français"
    assert len(p.slides) == len(EXAMPLE_SLIDES)
    assert p.sections == [s[0] for s in EXAMPLE_SLIDES]
    assert p.slides[1]["aria-label"] == "2 / 15: #hcsmeu – une identité multiple"
    assert f"{EXAMPLE}-fr.pdf" in p.links  # the PDF beside it


def test_the_page_speaks_the_decks_language(exported: Path) -> None:
    """What a screen reader says of the navigation is in the deck's language, not in English."""
    fr = Page((exported / page("fr")).read_text(encoding="utf-8"))
    assert {s["aria-roledescription"] for s in fr.slides} == {"diapositive"}
    assert fr.controls["dg-nav"]["aria-label"] == "Diapositives"
    assert "lang" not in fr.controls["dg-nav"]  # the page's own language applies
    assert fr.controls["dg-prev"]["aria-label"] == "Diapositive précédente"
    assert fr.controls["dg-next"]["aria-label"] == "Diapositive suivante"
    en = Page((exported / page("en")).read_text(encoding="utf-8"))
    assert en.controls["dg-next"]["aria-label"] == "Next slide"


def test_everything_is_inside_the_file(exported: Path) -> None:
    html = (exported / page("en")).read_text(encoding="utf-8")
    p = Page(html)
    assert p.sources and all(s.startswith("data:") for s in p.sources)
    assert all(u.startswith("data:") for u in re.findall(r'url\("?([^")]*)', html))
    assert "deck.invalid" not in html and "project.invalid" not in html and str(exported) not in html


def test_images_keep_their_alt_text(exported: Path) -> None:
    p = Page((exported / page("en")).read_text(encoding="utf-8"))
    alts = {img.get("alt") for img in p.images}
    assert "Healthcare Social Media Europe" in alts  # the logo: the brand's name
    assert any(a and a.startswith("The #hcsmeufr digital ecosystem") for a in alts), alts


def test_fonts_are_cut_down_to_the_characters_drawn(exported: Path) -> None:
    html = (exported / page("fr")).read_text(encoding="utf-8")
    fonts = re.findall(r"data:font/woff;base64,([A-Za-z0-9+/=]+)", html)
    assert len(fonts) == 6  # every face the brand declares
    for data in fonts:
        font = TTFont(io.BytesIO(base64.b64decode(data)))
        cmap = font.getBestCmap()
        assert ord("é") in cmap and ord("ç") in cmap  # French text
        assert ord("Ω") not in cmap and len(cmap) < 150  # not the whole font
        assert "fpgm" not in font  # no hinting, as in the PDF


def test_the_same_deck_gives_the_same_bytes(exported: Path, tmp_path: Path) -> None:
    from conftest import copy_project

    root = copy_project(tmp_path / "again")
    subprocess.run([sys.executable, "-m", "deckgen", "build", str(EXAMPLE_DIR), "-f", "html", "-l", "en",
                    "--out", "out"], cwd=root, check=True, capture_output=True)
    first = (exported / page("en")).read_text(encoding="utf-8")
    second = (root / page("en")).read_text(encoding="utf-8")
    # the only difference allowed: the link to the PDF, which the second build did not make
    assert second == first.replace(f'\n<a class="dg-pdf" href="{EXAMPLE}-en.pdf" type="application/pdf">PDF</a>', "")


def test_the_pdf_link_follows_the_formats_built(project: Path) -> None:
    run_cli_ok("build", EXAMPLE_DIR, "-f", "html", "-l", "en", "--out", "out")
    assert f"{EXAMPLE}-en.pdf" not in Page(page("en").read_text(encoding="utf-8")).links
    result = run_cli_ok("build", EXAMPLE_DIR, "-f", "html", "-f", "pdf", "-l", "en", "--out", "out")
    assert "hcsmeu-anniversary-en.html" in result.output  # rebuilt: it now links the PDF
    assert f"{EXAMPLE}-en.pdf" in Page(page("en").read_text(encoding="utf-8")).links
    again = run_cli_ok("build", EXAMPLE_DIR, "-f", "html", "-f", "pdf", "-l", "en", "--out", "out")
    assert "nothing to do: 2 files up to date" in again.output


def test_deck_text_is_escaped(project: Path, write_deck) -> None:
    deck = write_deck("""
        id: t
        title: "<script>alert(1)</script> & co"
        language: en
        brand: hcsmeu
        author: "<b>me</b>"
        date: 2024-01-01
        slides:
          - kind: bullets
            title: "<img src=x onerror=alert(1)>"
            items: ["</style><script>alert(2)</script>"]
    """)
    run_cli_ok("build", deck, "-f", "html", "--out", "out")
    html = (Path("out") / "t" / "en" / "t-en.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>me</b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count("<script>") == 1  # the page's own


def test_a_layout_error_names_the_layout(project: Path) -> None:
    (project / "layouts").mkdir(exist_ok=True)
    (project / "layouts" / "slide.html.j2").write_text("<section>{{ slide.nothing_here }}</section>\n", "utf-8")
    result = subprocess.run([sys.executable, "-m", "deckgen", "build", str(EXAMPLE_DIR), "-f", "html", "-l", "en",
                             "--out", "out"], capture_output=True, text=True)
    assert result.returncode == 1
    assert "layouts/slide.html.j2:1: layout error:" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "out").exists()
