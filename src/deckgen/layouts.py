"""Jinja2 layouts: the search path, the environment, the sandbox of files they may use, and phrases.

Layouts are looked up along a search path (the deck's ``layouts/``, the
project's ``layouts/``, deckgen's defaults); the first match wins, so a chapter
can override one template without copying the rest.  HTML layouts autoescape,
and every layout fails loudly on a missing variable.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from jinja2 import (BytecodeCache, ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError,
                    TemplateNotFound, select_autoescape)
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from .errors import RenderError, display_path
from .paths import confine
from .placeholders import literal_percents

PACKAGE_LAYOUTS = Path(__file__).parent / "layouts"
#: the packaged layouts a slide PDF is drawn with (the fork server compiles them for its workers)
SLIDE_LAYOUTS = ("deck.html.j2", "deck.css.j2", "slide.html.j2", "frames.html.j2")


def layout_path(deck_dir: Path | None, project: Path | None) -> list[Path]:
    """The layout search path, first match wins.

    A deck's ``layouts/`` must stay inside the deck folder and the project's inside the
    project, links followed (issue 12, B16).
    """
    dirs = []
    if deck_dir is not None:
        dirs.append((deck_dir / "layouts", deck_dir, "the deck folder"))
    if project is not None:
        dirs.append((project / "layouts", project, "the project"))
    found = []
    for folder, root, name in dirs:
        if folder.is_dir():
            confine(folder, root, name, RenderError)
            found.append(folder)
    return found + [PACKAGE_LAYOUTS]


class ConfinedLoader(FileSystemLoader):
    """Templates of one folder; one that leads out of it (a symbolic link) is refused, never read."""

    def __init__(self, folder: Path) -> None:
        super().__init__(str(folder))
        self.folder = folder

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Any]:
        path = self.folder.joinpath(*split_template_path(template))
        if not path.is_file():
            raise TemplateNotFound(template)
        confine(path, self.folder, f"the layout folder {self.folder.name}/", RenderError)
        return super().get_source(environment, template)


@dataclass
class Sandbox:
    """Maps virtual hosts to folders; the only files WeasyPrint may read."""

    roots: dict[str, Path] = field(default_factory=dict)

    def url(self, path: str | Path) -> str:
        p = Path(path).resolve()
        for host, root in self.roots.items():
            try:
                rel = p.relative_to(root.resolve())
            except ValueError:
                continue
            return f"https://{host}/{quote(rel.as_posix())}"
        raise RenderError(f"file {path} is outside the deck and the project; copy it into the deck folder")

    def read(self, url: str) -> tuple[bytes, str]:
        parts = urlsplit(url)
        root = self.roots.get(parts.netloc) if parts.scheme == "https" else None
        if root is None:
            raise PermissionError(f"blocked address {url}")
        root = root.resolve()
        path = (root / PurePosixPath(unquote(parts.path)).relative_to("/")).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise PermissionError(f"not a project file: {url}")
        return path.read_bytes(), mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class CompiledLayouts(BytecodeCache):
    """The compiled code of every layout this process has compiled, shared by all its environments.

    Each deck (and each PDF worker) has its own environment, with its own search path and
    sandbox, and Jinja compiles a template once per environment: the same packaged layouts
    were compiled again for every deck of a build and in every worker. A template's code
    depends only on its source, name and file and on the environment's settings, which are
    the same for every environment :func:`environment` makes; so the code is kept here under
    Jinja's key for the name and file and the checksum of the source (a changed file is
    compiled again). Each environment still makes its own template objects from the code.
    Workers forked from the fork server inherit what it compiled (:func:`precompile`).
    """

    def __init__(self) -> None:
        self.code: dict[tuple[str, str], Any] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.code.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[(bucket.key, bucket.checksum)] = bucket.code

    def clear(self) -> None:
        self.code.clear()


#: the one cache of compiled layouts of this process (see :class:`CompiledLayouts`)
COMPILED = CompiledLayouts()


def precompile() -> None:
    """Compile the packaged slide layouts now (in the fork server, before it forks the workers)."""
    env = environment([PACKAGE_LAYOUTS], Sandbox())
    for name in SLIDE_LAYOUTS:
        env.get_template(name)


def environment(search: list[Path], sandbox: Sandbox) -> Environment:
    """A strict, sandboxed Jinja environment over *search* (HTML layouts autoescape).

    Every environment has the same settings, so they share compiled layouts (:data:`COMPILED`).
    """
    # Sandboxed: a layout (a deck's own included) can format what it is given, but cannot
    # reach Python internals, files or processes through it.
    env = SandboxedEnvironment(
        loader=ChoiceLoader([ConfinedLoader(d) for d in search]),
        autoescape=select_autoescape(["html.j2", "html", "xml"], default_for_string=False, default=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.do", "jinja2.ext.i18n"],
        keep_trailing_newline=True,
        bytecode_cache=COMPILED,
    )
    env.filters["asset_url"] = sandbox.url
    env.filters["break_url"] = break_url
    env.filters["chart_svg"] = _chart_svg
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


_URL_HEAD = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?[^/]*/?")
_URL_BREAKS = re.compile(r"(?<=/)(?!/)|(?=[.-])")
ZWSP, WORD_JOINER = "\u200b", "\u2060"


def break_url(text: str) -> str:
    """*text*, a web address, with line breaks allowed only after ``/`` and before ``.`` and ``-`` of its path.

    Pango would break right after the scheme (``https://`` alone at the end of a line) and
    after any hyphen. The scheme and host stay whole, as LibreOffice and PowerPoint keep them
    (so the PPTX and the PDF wrap alike); a zero-width space marks each break allowed in the
    path, and word joiners hold the pieces together. Both are invisible and not read aloud; the
    link's target is unchanged.

    >>> [p.replace(WORD_JOINER, "") for p in break_url("https://hcsmeu.com/join-us/now.html").split(ZWSP)]
    ['https://hcsmeu.com/', 'join', '-us/', 'now', '.html']
    """
    head = _URL_HEAD.match(text).group(0)  # type: ignore[union-attr]
    pieces = [_glued(head)] + [_glued(p) for p in _URL_BREAKS.split(text[len(head):]) if p]
    return ZWSP.join(pieces)


def _glued(piece: str) -> str:
    """*piece* with a word joiner after each ``/`` and ``-`` inside it, where Pango would break."""
    return re.sub(r"([/-])(?=.)", "\\1" + WORD_JOINER, piece)


def layout_error(exc: TemplateError) -> RenderError:
    """A layout's error as a :class:`RenderError` naming the template and line."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "layout"
    line = getattr(exc, "lineno", None)
    if line is None:  # an error while rendering: Jinja's traceback goes through the templates' lines
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.endswith(".j2"):
                name, line = display_path(tb.tb_frame.f_code.co_filename), tb.tb_lineno
            tb = tb.tb_next
    if "/" in str(name):
        name = display_path(name)
    where = f"{name}:{line}" if line else str(name)
    return RenderError(f"{where}: layout error: {exc.message or exc}")


def builtin_layouts_only(env: Environment) -> bool:
    """Whether every layout *env* has loaded is one of deckgen's own (no deck or project override)."""
    for template in env.cache.values() if env.cache is not None else ():
        filename = template.filename
        if filename is None or not Path(filename).is_relative_to(PACKAGE_LAYOUTS):
            return False
    return True


def install(env: Environment, translator: Any) -> None:
    """Make the layouts speak *translator*'s language (gettext, pgettext and plural forms).

    Jinja %-formats what these return with the phrase's values. A translation's placeholders
    are checked against its source's (``i18n.check_catalog``); any other ``%`` in it (``100%``,
    ``{% … %}``) is made a literal percent sign, so it is shown as typed, never formatted.
    """
    def gettext(message: str) -> str:
        return _formattable(translator.gettext(message), message)

    def ngettext(singular: str, plural: str, n: int) -> str:
        return _formattable(translator.ngettext(singular, plural, n), singular, plural)

    def pgettext(context: str, message: str) -> str:
        return _formattable(translator.pgettext(context, message), message)

    def npgettext(context: str, singular: str, plural: str, n: int) -> str:
        return _formattable(translator.npgettext(context, singular, plural, n), singular, plural)

    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext)


def _formattable(text: str, *sources: str) -> str:
    """A translation ready for %-formatting (the layout's own source text is used as written)."""
    return text if text in sources else literal_percents(text)


def _chart_svg(frame: Any) -> Markup:
    """A chart frame as inline SVG (:mod:`deckgen.chart_svg`, imported when a deck has a chart)."""
    from .chart_svg import chart_svg

    return chart_svg(frame)


class Phrases:
    """The words deckgen writes itself (``phrases.j2``), in the language installed in *env*."""

    def __init__(self, env: Environment) -> None:
        self._module = env.get_template("phrases.j2").make_module()

    def __getattr__(self, name: str) -> Any:
        macro = getattr(self._module, name)

        def call(*args: Any) -> str:
            out = macro(*args)
            return out.unescape() if isinstance(out, Markup) else str(out)

        return call



