"""Draw a :class:`~deckgen.scene.DeckScene` as HTML through Jinja2 layouts, then as PDF (WeasyPrint).

WeasyPrint may only read files of the deck and the project, through the
virtual ``https://*.invalid/`` addresses of :class:`~deckgen.layouts.Sandbox`:
nothing else on disk or on the network, and no absolute path ends up in the PDF.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, TemplateError

from .errors import RenderError
from .layouts import Sandbox
from .scene import DeckScene

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint.text.fonts import FontConfiguration

#: Slides per WeasyPrint document. WeasyPrint keeps every laid-out page of a document
#: until the PDF is written (about 0.7 MiB a slide), so a longer deck is rendered in
#: parts of at most this many slides, which are then joined: memory stays flat however
#: long the deck is. The split depends on the deck alone, never on the machine or
#: ``--jobs``, so the same deck always gives the same bytes.
PART_SLIDES = 50


def parts(count: int, size: int | None = None) -> list[tuple[int, int]]:
    """Split *count* slides into the fewest contiguous ``(start, end)`` ranges of at most *size*, evenly."""
    size = size or PART_SLIDES
    n = max(1, -(-count // size))
    bounds = [i * count // n for i in range(n + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(n)]


def part_of(scene: DeckScene, start: int, end: int) -> DeckScene:
    """The deck *scene* with only its slides ``start:end`` (the whole scene when that is all of it)."""
    if (start, end) == (0, len(scene.slides)):
        return scene
    return replace(scene, slides=scene.slides[start:end])


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF of the pages of *pdfs* in order, with their outlines and links.

    The document-level entries (metadata, ``/Lang``) come from the first part: every part
    of a deck is rendered from the same ``<head>``. Each part keeps its own font subsets.
    The result depends only on the parts' bytes.
    """
    if len(pdfs) == 1:
        return pdfs[0]
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    readers = [PdfReader(io.BytesIO(data)) for data in pdfs]
    writer = PdfWriter()
    for reader in readers:
        writer.append(reader, import_outline=True)
    first = readers[0]
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    lang = first.trailer["/Root"].get("/Lang")
    if lang is not None:
        writer._root_object[NameObject("/Lang")] = lang
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_html(scene: DeckScene, env: Environment) -> str:
    """The HTML of the whole deck."""
    try:
        return env.get_template("deck.html.j2").render(deck=scene)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "layout"
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}" if line else str(name)
        raise RenderError(f"{where}: layout error: {exc.message or exc}") from None


def _lib_dirs() -> list[str]:
    import sysconfig

    arch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else []
    return dirs + ["/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib"]


def _find_library_quickly(name: str) -> str | None:
    """``ctypes.util.find_library`` without its subprocesses, for the names WeasyPrint tries.

    WeasyPrint tries several names per native library; for each miss, cffi asks
    ``find_library``, which runs ``ldconfig``/``gcc`` — about 0.3 s of a 0.5 s import.
    Looking in the usual folders directly gives the same answer on Linux.
    """
    import glob

    stem = name if name.startswith("lib") else f"lib{name}"
    for folder in _lib_dirs():
        for found in sorted(glob.glob(f"{folder}/{glob.escape(stem)}.so*")):
            return found
    return None


def import_weasyprint() -> Any:
    """Import WeasyPrint, skipping the slow native-library probing on Linux."""
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint

        return weasyprint
    import ctypes.util

    original = ctypes.util.find_library
    ctypes.util.find_library = _find_library_quickly  # type: ignore[assignment]
    try:
        import weasyprint
    finally:
        ctypes.util.find_library = original
    return weasyprint


class _Fetcher:
    """Build the WeasyPrint URL fetcher lazily (importing WeasyPrint costs ~0.5 s)."""

    _cls: Any = None

    @classmethod
    def make(cls, sandbox: Sandbox) -> Any:
        if cls._cls is None:
            import_weasyprint()
            from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

            class SandboxFetcher(URLFetcher):  # type: ignore[misc,valid-type]
                def __init__(self, box: Sandbox) -> None:
                    super().__init__(allowed_protocols={"https", "data"}, allow_redirects=False)
                    self.box = box

                def fetch(self, url: str, headers: Any = None) -> Any:
                    if url.startswith("data:"):
                        return super().fetch(url, headers)
                    try:
                        body, ctype = self.box.read(url)
                    except PermissionError as exc:
                        raise FatalURLFetchingError(str(exc)) from None
                    return URLFetcherResponse(url, body, {"Content-Type": ctype})

            cls._cls = SandboxFetcher
        return cls._cls(sandbox)


#: The user-agent stylesheet of slide PDFs: the browser defaults a slide layout may rely on.
#: WeasyPrint's own (HTML5) sheet is written for documents and forms; matching its hundreds
#: of rules, many of them on attributes, against every element took about a tenth of the
#: render time. Every selector here is a plain element name. Flyers keep WeasyPrint's sheet.
SLIDES_UA_CSS = r"""
head, script, style, template, title, meta, link, base { display: none }
html, body, address, article, aside, blockquote, div, dl, dt, dd, figure, figcaption, footer, header,
h1, h2, h3, h4, h5, h6, hr, main, nav, ol, ul, p, pre, section { display: block }
li { display: list-item }
table { display: table; border-collapse: separate; box-sizing: border-box }
thead { display: table-header-group } tbody { display: table-row-group }
tfoot { display: table-footer-group } tr { display: table-row } td, th { display: table-cell }
b, strong, th { font-weight: bold }
i, em, cite, dfn, var { font-style: italic }
sup { vertical-align: super; font-size: smaller }
sub { vertical-align: sub; font-size: smaller }
pre { white-space: pre }
br::before { content: "\A"; white-space: pre-line }
ol { list-style-type: decimal }
ul { list-style-type: disc }
img, svg { overflow: hidden }
"""


class _Html:
    """WeasyPrint's ``HTML`` class for slides (with :data:`SLIDES_UA_CSS`), made on first use."""

    _slides: Any = None

    @classmethod
    def slides(cls) -> Any:
        if cls._slides is None:
            import_weasyprint()
            from weasyprint import CSS, HTML

            ua = CSS(string=SLIDES_UA_CSS)

            class SlidesHTML(HTML):  # type: ignore[misc,valid-type]
                def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                    return [ua]

            cls._slides = SlidesHTML
        return cls._slides


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class TooManyPages(Exception):
    """The document took more pages than allowed."""

    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages")
        self.pages = pages


@dataclass(frozen=True)
class PdfInfo:
    """What a rendered PDF holds, for checks: page sizes (CSS px) and embedded font families."""

    pages: tuple[tuple[float, float], ...]
    families: frozenset[str]

    @classmethod
    def join(cls, infos: list[PdfInfo]) -> PdfInfo:
        """What the parts *infos* hold together."""
        return cls(tuple(p for i in infos for p in i.pages), frozenset().union(*(i.families for i in infos)))


@dataclass
class PdfRenderer:
    """Renders decks to PDF, reusing fonts and images across the decks of one build."""

    font_config: FontConfiguration | None = None
    cache: dict[str, Any] = field(default_factory=dict)
    last: PdfInfo | None = None  # what the last render produced

    def close(self) -> None:
        """Let go of the fonts and images, and remove WeasyPrint's temporary copies of the fonts.

        WeasyPrint removes them when the font configuration is garbage-collected, which may
        be never: the ``deckgen`` command ends without a last collection (:func:`deckgen.cli.run`).
        """
        config, self.font_config = self.font_config, None
        self.cache.clear()
        if config is not None:
            config.__del__()  # WeasyPrint's own clean-up; harmless to run again at collection

    def render(self, scene: DeckScene, env: Environment, sandbox: Sandbox) -> bytes:
        """The PDF bytes of *scene* drawn through the layouts of *env*, part by part (:data:`PART_SLIDES`)."""
        pdfs, infos = [], []
        for start, end in parts(len(scene.slides)):
            pdfs.append(self.html_to_pdf(render_html(part_of(scene, start, end), env), sandbox, slides=True))
            assert self.last is not None
            infos.append(self.last)
        self.last = PdfInfo.join(infos)
        return join_pdfs(pdfs)

    def html_to_pdf(self, html: str, sandbox: Sandbox, max_pages: int | None = None, slides: bool = False) -> bytes:
        """PDF bytes of *html*, reading files only through *sandbox*; problems WeasyPrint logs are errors.

        With *max_pages*, a document that takes more pages raises :class:`TooManyPages`.
        *slides* uses the slim user-agent stylesheet of slides (:data:`SLIDES_UA_CSS`).
        """
        import_weasyprint()
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

        if self.font_config is None:
            self.font_config = FontConfiguration()
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        old_propagate = logger.propagate
        logger.propagate = False
        try:
            base = f"https://{next(iter(sandbox.roots))}/"
            cls = _Html.slides() if slides else HTML
            doc = cls(string=html, base_url=base, url_fetcher=_Fetcher.make(sandbox))
            document = doc.render(font_config=self.font_config, cache=self.cache)
            if max_pages is not None and len(document.pages) > max_pages:
                raise TooManyPages(len(document.pages))
            pdf = document.write_pdf()
            self.last = PdfInfo(tuple((p.width, p.height) for p in document.pages),
                                frozenset(f.family for f in document.fonts.values()))
        except FatalURLFetchingError as exc:  # a BaseException: catch it by name
            raise RenderError(f"the PDF layout asked for a file it may not read: {exc}") from None
        finally:
            logger.removeHandler(handler)
            logger.propagate = old_propagate
        if handler.messages:
            raise RenderError("WeasyPrint reported: " + "; ".join(dict.fromkeys(handler.messages)))
        return bytes(pdf)
