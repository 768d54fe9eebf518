"""Draw a :class:`~deckgen.scene.DeckScene` as HTML through Jinja2 layouts, then as PDF (WeasyPrint).

WeasyPrint may only read files of the deck and the project, through the
virtual ``https://*.invalid/`` addresses of :class:`~deckgen.layouts.Sandbox`:
nothing else on disk or on the network, and no absolute path ends up in the PDF.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, TemplateError

from .errors import RenderError
from .layouts import Sandbox
from .scene import DeckScene

if TYPE_CHECKING:  # pragma: no cover
    from weasyprint.text.fonts import FontConfiguration

def render_html(scene: DeckScene, env: Environment) -> str:
    """The HTML of the whole deck."""
    try:
        return env.get_template("deck.html.j2").render(deck=scene)
    except TemplateError as exc:
        name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "layout"
        line = getattr(exc, "lineno", None)
        where = f"{name}:{line}" if line else str(name)
        raise RenderError(f"{where}: layout error: {exc.message or exc}") from None


class _Fetcher:
    """Build the WeasyPrint URL fetcher lazily (importing WeasyPrint costs ~0.5 s)."""

    _cls: Any = None

    @classmethod
    def make(cls, sandbox: Sandbox) -> Any:
        if cls._cls is None:
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


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@dataclass
class PdfRenderer:
    """Renders decks to PDF, reusing fonts and images across the decks of one build."""

    font_config: FontConfiguration | None = None
    cache: dict[str, Any] = field(default_factory=dict)

    def render(self, scene: DeckScene, env: Environment, sandbox: Sandbox) -> bytes:
        """The PDF bytes of *scene*; problems WeasyPrint logs are errors."""
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

        if self.font_config is None:
            self.font_config = FontConfiguration()
        html = render_html(scene, env)
        handler = _Collect()
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        old_propagate = logger.propagate
        logger.propagate = False
        try:
            base = f"https://{next(iter(sandbox.roots))}/"
            doc = HTML(string=html, base_url=base, url_fetcher=_Fetcher.make(sandbox))
            pdf = doc.write_pdf(font_config=self.font_config, cache=self.cache, uncompressed_pdf=False)
        except FatalURLFetchingError as exc:  # a BaseException: catch it by name
            raise RenderError(f"the PDF layout asked for a file it may not read: {exc}") from None
        finally:
            logger.removeHandler(handler)
            logger.propagate = old_propagate
        if handler.messages:
            raise RenderError("WeasyPrint reported: " + "; ".join(dict.fromkeys(handler.messages)))
        return pdf
