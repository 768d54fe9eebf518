"""Draw a :class:`~deckgen.scene.DeckScene` as HTML through Jinja2 layouts, then as PDF (WeasyPrint).

WeasyPrint may only read files of the deck and the project, through the
virtual ``https://*.invalid/`` addresses of :class:`~deckgen.layouts.Sandbox`:
nothing else on disk or on the network, and no absolute path ends up in the PDF.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, TemplateError

from .errors import RenderError
from .interrupts import check
from .layouts import Sandbox, builtin_layouts_only, layout_error
from .pdf_tags import PDF_VARIANT, join_structure
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

    The document-level entries (metadata, XMP, ``/Lang``) come from the first part: every part
    of a deck is rendered from the same ``<head>``. Each part keeps its own font subsets.
    Tagged parts give one structure tree (:func:`deckgen.pdf_tags.join_structure`).
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
    xmp = first.trailer["/Root"].get("/Metadata")
    if xmp is not None:  # PDF/UA's identification and the title (XMP)
        writer._root_object[NameObject("/Metadata")] = xmp.clone(writer).indirect_reference
    join_structure(writer, readers)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_html(scene: DeckScene, env: Environment) -> str:
    """The HTML of the whole deck."""
    try:
        return env.get_template("deck.html.j2").render(deck=scene)
    except TemplateError as exc:
        raise layout_error(exc) from None


def _lib_dirs() -> list[str]:
    import sysconfig

    arch = sysconfig.get_config_var("MULTIARCH") or ""
    dirs = [f"/usr/lib/{arch}", f"/lib/{arch}"] if arch else []
    return dirs + ["/usr/lib64", "/lib64", "/usr/lib", "/lib", "/usr/local/lib"]


_LIBRARY_FILES: list[tuple[str, list[str]]] | None = None


def _library_files() -> list[tuple[str, list[str]]]:
    """Each of the usual library folders with its file names, sorted; listed once per process."""
    global _LIBRARY_FILES
    if _LIBRARY_FILES is None:
        import os

        found = []
        for folder in _lib_dirs():
            try:
                found.append((folder, sorted(os.listdir(folder))))
            except OSError:  # no such folder
                continue
        _LIBRARY_FILES = found
    return _LIBRARY_FILES


def _find_library_quickly(name: str) -> str | None:
    """``ctypes.util.find_library`` without its subprocesses, for the names WeasyPrint tries.

    WeasyPrint tries several names per native library; for each miss, cffi asks
    ``find_library``, which runs ``ldconfig``/``gcc`` — about 0.3 s of a 0.5 s import.
    Looking in the usual folders directly gives the same answer on Linux: the first file, in
    sorted order, of the first folder that has a ``lib<name>.so*``. Each folder is listed
    once (it holds over a thousand files, and WeasyPrint asks about 20 names).
    """
    import bisect

    stem = name if name.startswith("lib") else f"lib{name}"
    prefix = f"{stem}.so"
    for folder, names in _library_files():
        i = bisect.bisect_left(names, prefix)
        if i < len(names) and names[i].startswith(prefix):
            return f"{folder}/{names[i]}"
    return None


def import_weasyprint() -> Any:
    """Import WeasyPrint, skipping the slow native-library probing on Linux and, once prepared
    (:mod:`deckgen.weasyprint_ffi`), the parsing of its C declarations."""
    import sys

    if "weasyprint" not in sys.modules:
        from . import weasyprint_ffi

        weasyprint_ffi.install()  # WeasyPrint's C declarations prepared at setup, when they match
    if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
        import ctypes.util

        original = ctypes.util.find_library
        ctypes.util.find_library = _find_library_quickly  # type: ignore[assignment]
        try:
            import weasyprint  # noqa: F401
        finally:
            ctypes.util.find_library = original
    import weasyprint

    _encode_images_once()
    from . import pdf_tags

    pdf_tags.install()
    return weasyprint


def _copy_stream(stream: Any) -> Any:
    """A new PDF stream object with the same contents as *stream* (and a copy of its mask)."""
    import pydyf

    extra = pydyf.Dictionary(stream.extra)
    if isinstance(extra.get("SMask"), pydyf.Stream):
        extra["SMask"] = _copy_stream(extra["SMask"])
    return pydyf.Stream(list(stream.stream), extra, stream.compress)


def _encode_images_once() -> None:
    """Encode each raster image for the PDF once per process, not once per document.

    For every document, WeasyPrint decodes a PNG again and re-encodes it, with its alpha
    channel split out (``RasterImage.get_x_object``): for the example deck's diagram, about
    a tenth of the time of its PDF. An image object is shared by the documents of one
    :class:`PdfRenderer` (its cache), so the encoded stream is kept on it; each document gets
    its own stream object, because writing a PDF numbers the objects it holds and replaces
    the mask by a reference. The streams hold the same bytes as WeasyPrint's own.
    """
    from weasyprint.images import RasterImage

    original = RasterImage.get_x_object
    if getattr(original, "encodes_once", False):
        return

    def get_x_object(self: Any, interpolate: bool, dpi_ratio: float) -> Any:
        encoded = self.__dict__.setdefault("_deckgen_encoded", {})
        key = (interpolate, dpi_ratio)
        if key not in encoded:
            encoded[key] = original(self, interpolate, dpi_ratio)
        return _copy_stream(encoded[key])

    get_x_object.encodes_once = True  # type: ignore[attr-defined]
    RasterImage.get_x_object = get_x_object


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
colgroup { display: table-column-group } col { display: table-column }
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

                @classmethod
                def from_tree(cls, root: Any, base_url: str, url_fetcher: Any) -> Any:
                    """The document of an already parsed tree (what ``HTML.__init__`` does after parsing)."""
                    import cssselect2
                    from weasyprint import _find_base_url

                    doc = cls.__new__(cls)
                    doc.base_url = _find_base_url(root, base_url)
                    doc.url_fetcher = url_fetcher
                    doc.media_type = "print"
                    doc.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
                    doc.etree_element = doc.wrapper_element.etree_element
                    return doc

            cls._slides = SlidesHTML
        return cls._slides


#: What makes an XML parser read a document differently from an HTML parser, even when it
#: is well-formed: comments, CDATA and processing instructions (kept or dropped differently),
#: and tabs or line breaks in an attribute value (turned into spaces by XML only).
_NOT_XML_SAFE = re.compile(r'<!--|<!\[|<\?|="[^"<]*[\t\n\r]')
_RAW_TEXT = re.compile(r"<(style|script)\b[^>]*>(.*?)</\1>", re.S)


def share_styles(root: Any) -> None:
    """Turn the ``style`` attributes of the tree *root* into one style sheet rule per distinct style.

    WeasyPrint parses each ``style`` attribute on its own, and an element with one never
    shares its computed style with a sibling styled alike (it shares only what it gets from
    selectors): every paragraph computed its styles afresh. As rules, each distinct style is
    parsed once, and alike siblings (and their children) share their computed style.

    The rules go last, with three times the same class (specificity 0,3,0), so they win
    over every rule of deckgen's style sheet as the attributes did: its selectors have at
    most two classes and no id. Only for deckgen's own layouts (see :func:`xhtml_tree`).
    """
    head = root.find("head")
    if head is None:
        return
    names: dict[str, str] = {}
    for element in root.iter():
        style = element.attrib.pop("style", None)
        if style:
            name = names.setdefault(style, f"deckgen-s{len(names)}")
            classes = element.get("class")
            element.set("class", f"{classes} {name}" if classes else name)
    if names:
        sheet = head.makeelement("style", {})
        sheet.text = "".join(f".{n}.{n}.{n} {{ {style} }}\n" for style, n in names.items())
        head.append(sheet)


def xhtml_tree(html: str) -> Any | None:
    """The tree an HTML parser builds of *html*, built by Python's XML parser; None when they could differ.

    WeasyPrint parses HTML with a pure-Python HTML5 parser, about a tenth of the time of a
    slide PDF. deckgen's own layouts write HTML that is also well-formed XML, with every
    text escaped, in a structure the HTML5 rules leave as it is; for such a document the
    C XML parser builds the same tree, in a fraction of the time. Anything the two could
    read differently (see :data:`_NOT_XML_SAFE`, an ``&`` in a style sheet, a character
    XML forbids, any syntax error) gives None, and the HTML parser is used. Only for HTML
    from deckgen's own layouts (:func:`builtin_layouts_only`): a layout of a deck or a
    project may be any HTML.
    """
    import xml.etree.ElementTree as ElementTree

    if _NOT_XML_SAFE.search(html) or any("&" in m.group(2) for m in _RAW_TEXT.finditer(html)):
        return None
    try:
        root = ElementTree.fromstring(html)
    except (ElementTree.ParseError, ValueError):
        return None
    body = root.find("body")
    if root.tag != "html" or body is None or root[-1] is not body:
        return None
    # The HTML5 rules for white space around the document's structure: ignored before
    # <head>, appended to the body after </body> and after </html>.
    if root.text is not None and not root.text.strip(" \t\n\f\r"):
        root.text = None
    after = (body.tail or "") + html[html.rfind("</html>") + len("</html>"):]
    body.tail = None
    if after:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + after
        else:
            body.text = (body.text or "") + after
    return root


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
    #: slide PDFs are tagged PDF/UA-1 (:mod:`deckgen.pdf_tags`); ``--no-tags`` turns it off
    tagged: bool = True

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
            check()  # a safe point for Ctrl-C between parts (when rendering in this process)
            html = render_html(part_of(scene, start, end), env)
            pdfs.append(self.html_to_pdf(html, sandbox, slides=True, xhtml=builtin_layouts_only(env),
                                         tagged=self.tagged))
            assert self.last is not None
            infos.append(self.last)
        self.last = PdfInfo.join(infos)
        return join_pdfs(pdfs)

    def html_to_pdf(self, html: str, sandbox: Sandbox, max_pages: int | None = None, slides: bool = False,
                    xhtml: bool = False, tagged: bool = False) -> bytes:
        """PDF bytes of *html*, reading files only through *sandbox*; problems WeasyPrint logs are errors.

        With *max_pages*, a document that takes more pages raises :class:`TooManyPages`.
        *slides* uses the slim user-agent stylesheet of slides (:data:`SLIDES_UA_CSS`);
        *xhtml* says that *html* comes from deckgen's own layouts, so that it may be read
        with the XML parser when that gives the same tree (:func:`xhtml_tree`); *tagged*
        writes a tagged PDF/UA-1 (:mod:`deckgen.pdf_tags`).
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
            tree = xhtml_tree(html) if slides and xhtml else None
            if tree is not None:
                share_styles(tree)
                doc = cls.from_tree(tree, base, _Fetcher.make(sandbox))
            else:
                doc = cls(string=html, base_url=base, url_fetcher=_Fetcher.make(sandbox))
            document = doc.render(font_config=self.font_config, cache=self.cache)
            if max_pages is not None and len(document.pages) > max_pages:
                raise TooManyPages(len(document.pages))
            pdf = document.write_pdf(pdf_variant=PDF_VARIANT) if tagged else document.write_pdf()
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
