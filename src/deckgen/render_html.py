"""Draw a :class:`~deckgen.scene.DeckScene` for the browser: each slide's own HTML, in a web page.

A slide here is exactly the HTML the PDF is made from: ``slide.html.j2`` (or
``slides/<kind>.html.j2``) with its frames, styled by ``deck.css.j2``, the brand's fonts
declared with ``@font-face``.  A browser therefore draws the same boxes at the same positions
and sizes, in the same fonts, as WeasyPrint.  Only the addresses of files differ, through the
layouts' ``asset_url`` filter (:class:`AssetUrls`):

* the HTML export (``deckgen build --format html``) inlines them as ``data:`` URIs, so each
  locale is one file a chapter can put on its website; fonts are cut down to the characters
  the deck draws, as the PDF embeds them;
* ``deckgen serve`` (:mod:`deckgen.serve`) gives ``/asset/deck/…`` and ``/asset/project/…``
  addresses, which it answers only for the files the layouts asked for.

The page around the slides (``web/``: navigation, the editor) is deckgen's own, not a layout.
Like every renderer this one knows frames, not slide kinds.
"""

from __future__ import annotations

import base64
import io
import json
import mimetypes
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateError
from markupsafe import Markup

from .layouts import Sandbox, environment, install, layout_error
from .scene import DeckScene, SlideScene

WEB_DIR = Path(__file__).parent / "web"
#: one slide, drawn the way ``deck.html.j2`` draws each slide of the PDF
SLIDE_TEMPLATE = '{% include ["slides/" ~ slide.kind ~ ".html.j2", "slide.html.j2"] %}'
FONT_SUFFIXES = (".ttf", ".otf")
#: the characters an inlined font keeps besides those the slides draw
ALWAYS_KEPT = " 0123456789"


class AssetUrls:
    """The ``asset_url`` filter of web layouts: where the page finds a file of the deck or the project.

    Like the PDF's, it refuses a file outside the deck and the project
    (:meth:`~deckgen.layouts.Sandbox.url`).
    """

    def __init__(self, sandbox: Sandbox, inline: bool, fonts: FontSubsets, served: dict[str, Path]) -> None:
        self.sandbox = sandbox
        self.inline = inline
        self.fonts = fonts
        #: the characters inlined fonts must draw (set before the style sheet is drawn)
        self.text = ""
        #: served addresses (decoded) and the files they stand for: all the server answers
        self.served = served

    def __call__(self, path: str | Path) -> str:
        url = self.sandbox.url(path)  # https://deck.invalid/<quoted path>; a RenderError outside
        host, _, quoted = url.removeprefix("https://").partition("/")
        file = Path(path).resolve()
        if self.inline:
            return self._data_uri(file)
        address = f"/asset/{host.split('.')[0]}/{quoted}"
        self.served[unquote(address)] = file
        try:  # a new address when the file changes, so the browser does not keep the old one
            version = file.stat().st_mtime_ns
        except OSError:
            version = 0
        return f"{address}?v={version}"

    def _data_uri(self, file: Path) -> str:
        if file.suffix.lower() in FONT_SUFFIXES:
            return self.fonts.data_uri(file, self.text)
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return f"data:{ctype};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


@dataclass
class FontSubsets:
    """Fonts cut down to the characters a page draws (WOFF), kept for the pages of one build."""

    _done: dict[tuple[Path, str], str] = field(default_factory=dict)

    def data_uri(self, file: Path, text: str) -> str:
        """A ``data:`` URI of *file* with only the glyphs of *text* (and of digits and space)."""
        chars = "".join(sorted(set(text + ALWAYS_KEPT)))
        key = (file, chars)
        if key not in self._done:
            self._done[key] = "data:font/woff;base64," + base64.b64encode(_subset(file, chars)).decode("ascii")
        return self._done[key]


def _subset(file: Path, chars: str) -> bytes:
    """The font *file* with only what drawing *chars* needs, as WOFF.

    Hinting is dropped, as WeasyPrint drops it from the PDF's fonts; layout features
    (kerning, ligatures, marks) are kept, so the text is shaped as in the PDF.
    """
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff"
    options.hinting = False
    out = io.BytesIO()
    with subset.load_font(str(file), options) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        subset.save_font(font, out, options)
    return out.getvalue()


class _Text(HTMLParser):
    """Collects the characters an HTML fragment draws (its text, not its markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chars: set[str] = set()

    def handle_data(self, data: str) -> None:
        self.chars.update(data)


def drawn_text(fragments: list[str]) -> str:
    """Every character the HTML *fragments* draw, once, sorted."""
    parser = _Text()
    for fragment in fragments:
        parser.feed(fragment)
    parser.close()
    return "".join(sorted(parser.chars))


def _raw_text(text: str) -> Markup:
    """*text* (CSS or JavaScript) made safe inside a ``<style>`` or ``<script>`` element.

    Only ``</`` can end such an element early; ``<\\/`` means the same in CSS strings and in
    JavaScript.
    """
    return Markup(text.replace("</", "<\\/"))


def json_for_script(data: Any) -> Markup:
    """*data* as JSON that can sit in a ``<script type="application/json">`` element as it is."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@lru_cache(maxsize=1)
def pages() -> Environment:
    """The templates of deckgen's own web pages (``web/``; not overridable, autoescaped)."""
    return Environment(loader=FileSystemLoader(str(WEB_DIR)), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True)


def web_file(name: str) -> str:
    """The text of one of the page's own files in ``web/``."""
    return (WEB_DIR / name).read_text(encoding="utf-8")


@dataclass
class HtmlRenderer:
    """Draws slides as HTML through the layouts; keeps one layout environment per deck folder.

    *inline*: files become ``data:`` URIs (the HTML export); otherwise server addresses.
    """

    inline: bool = True
    _envs: dict[tuple[Any, ...], tuple[Environment, AssetUrls]] = field(default_factory=dict)
    _slide_templates: dict[int, Template] = field(default_factory=dict)
    _fonts: FontSubsets = field(default_factory=FontSubsets)
    #: every address the drawn slides and style sheets have used, and its file (server addresses only)
    served: dict[str, Path] = field(default_factory=dict)

    def forget(self) -> None:
        """Read the layouts again on next use (they, the fonts or the brand changed); keep the addresses served."""
        self._envs.clear()
        self._slide_templates.clear()

    def environment(self, search: list[Path], sandbox: Sandbox) -> tuple[Environment, AssetUrls]:
        """The layouts of *search*, with the ``asset_url`` filter of web pages, and that filter."""
        key = (tuple(search), tuple(sandbox.roots.items()))
        if key not in self._envs:
            env = environment(search, sandbox)
            urls = AssetUrls(sandbox, self.inline, self._fonts, self.served)
            env.filters["asset_url"] = urls  # before any layout is loaded: imported macros keep it
            self._envs[key] = (env, urls)
        return self._envs[key]

    def slide(self, env: Environment, deck: DeckScene, slide: SlideScene) -> str:
        """The HTML of one slide (its ``<section>``), as the PDF's layouts draw it."""
        template = self._slide_templates.get(id(env))
        try:
            if template is None:
                template = self._slide_templates[id(env)] = env.from_string(SLIDE_TEMPLATE)
            return template.render(deck=deck, slide=slide).strip()
        except TemplateError as exc:
            raise layout_error(exc) from None

    def css(self, env: Environment, deck: DeckScene) -> str:
        """The deck's style sheet (``deck.css.j2``): page geometry, brand colours and fonts."""
        try:
            return env.get_template("deck.css.j2").render(deck=deck)
        except TemplateError as exc:
            raise layout_error(exc) from None

    def export(self, scene: DeckScene, search: list[Path], sandbox: Sandbox, translator: Any,
               pdf: str | None = None) -> bytes:
        """One self-contained HTML page of the whole deck: slides, fonts and images inlined.

        *pdf* is the file name of the deck's PDF beside the page, linked from it when given.
        """
        env, urls = self.environment(search, sandbox)
        install(env, translator)
        slides = [self.slide(env, scene, s) for s in scene.slides]
        urls.text = drawn_text(slides)
        css = self.css(env, scene)
        words = {
            # Translators: name of the navigation bar of a deck's web page, read out by screen readers
            "slides": translator.pgettext("export.nav", "Slides"),
            # Translators: what a screen reader calls one page of a deck's web page
            "slide": translator.pgettext("export.slide", "slide"),
            # Translators: the button that goes back one slide on a deck's web page
            "previous": translator.pgettext("export.previous", "Previous slide"),
            # Translators: the button that goes on one slide on a deck's web page
            "next": translator.pgettext("export.next", "Next slide"),
        }
        html = pages().get_template("export.html.j2").render(words=words,
            deck=scene, slides=[(s, Markup(h)) for s, h in zip(scene.slides, slides)],
            deck_css=_raw_text(css),
            page_css=_raw_text(web_file("slides.css") + web_file("export.css")),
            script=_raw_text(web_file("export.js")), pdf=pdf)
        return html.encode("utf-8")
