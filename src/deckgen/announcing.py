"""``deckgen announce``: load → localise → brand → announce → write.

For each deck and locale: the iCalendar file, a post per network, the e-mail and
the flyer, under ``OUT/<deck-id>/<locale>/announce/``.  As in :func:`deckgen.build.build`,
every output of every deck is rendered in memory before the first file is written,
and files are written with :func:`deckgen.build.write_atomic`; a bad deck, a post
too long or a flyer longer than a page stops the run with nothing written.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .announce import Layouts, NothingToAnnounce, announcement, calendar_bytes, email_bytes, flyer_html, posts
from .brand import Brand, load_brand
from .build import output_path, project_root, write_atomic
from .errors import DeckgenError, Location, Problem, RenderError, display_path
from .i18n import (
    CatalogTranslator,
    SourceTranslator,
    catalog_locales,
    fallback_warnings,
    load_translator,
    localise,
)
from .layouts import Phrases, Sandbox, environment, install, layout_path
from .load import LoadedDeck, load_decks
from .render_pdf import PdfRenderer

ANNOUNCE_DIR = "announce"
#: what is written for each deck and locale: kind -> file name after ``<deck>-<locale>``
FILES = {
    "calendar": ".ics",
    "twitter": "-twitter.txt",
    "linkedin": "-linkedin.txt",
    "facebook": "-facebook.txt",
    "email": ".eml",
    "flyer": "-flyer.pdf",
}
A4_POINTS = (595.28, 841.89)


@dataclass(frozen=True)
class AnnounceOptions:
    out: Path = Path("dist")
    locales: tuple[str, ...] = ()  # empty: every available locale
    brand: str | None = None  # override the decks' brand
    since: dt.date | None = None  # announce what comes on or after this date; None: today
    strict: bool = False
    fuzzy: bool = False


@dataclass(frozen=True)
class Announced:
    deck_id: str
    locale: str
    kind: str
    path: Path
    size: int


@dataclass
class AnnounceReport:
    outputs: list[Announced] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0


def announce_path(out: Path, deck_id: str, locale: str, kind: str, brand: str | None = None) -> Path:
    """``announce/`` beside the deck's build output, named as it is: ``OUT/<deck>/<locale>/announce/<deck>-<locale>.ics``."""
    deck_output = output_path(out, deck_id, locale, "pdf", brand)
    return deck_output.parent / ANNOUNCE_DIR / f"{deck_output.stem}{FILES[kind]}"


def render_flyer(html: str, sandbox: Sandbox, pdf: PdfRenderer) -> bytes:
    """The flyer's PDF: exactly one A4 page, fonts embedded, files read only from *sandbox*."""
    from .render_pdf import _Collect, _Fetcher, import_weasyprint

    import_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    if pdf.font_config is None:
        pdf.font_config = FontConfiguration()
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    old_propagate, logger.propagate = logger.propagate, False
    try:
        base = f"https://{next(iter(sandbox.roots))}/"
        doc = HTML(string=html, base_url=base, url_fetcher=_Fetcher.make(sandbox)).render(
            font_config=pdf.font_config, cache=pdf.cache)
        if len(doc.pages) != 1:
            raise RenderError(f"the flyer takes {len(doc.pages)} pages instead of one; shorten the events' "
                              "descriptions or the layout announce/flyer.html.j2")
        data = doc.write_pdf(uncompressed_pdf=False)
    except FatalURLFetchingError as exc:  # a BaseException: catch it by name
        raise RenderError(f"the flyer layout asked for a file it may not read: {exc}") from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = old_propagate
    if handler.messages:
        raise RenderError("WeasyPrint reported: " + "; ".join(dict.fromkeys(handler.messages)))
    return bytes(data)


@dataclass
class Announcer:
    """Renders the announcements of decks; shares brands and fonts between decks and locales."""

    options: AnnounceOptions
    progress: Callable[[str], None] = lambda message: None
    pdf: PdfRenderer = field(default_factory=PdfRenderer)
    _brands: dict[tuple[Path, str], Brand] = field(default_factory=dict)

    def brand(self, loaded: LoadedDeck, project: Path) -> Brand:
        brand_id = self.options.brand or loaded.deck.brand
        if (project, brand_id) not in self._brands:
            referrer = None if self.options.brand else loaded.location(("brand",))
            self._brands[(project, brand_id)] = load_brand(brand_id, project, referrer)
        return self._brands[(project, brand_id)]

    def locales(self, loaded: LoadedDeck) -> list[str]:
        """The source language and every locale with a catalog, filtered by ``--locale`` (as the build)."""
        available = [loaded.deck.language] + [c for c in catalog_locales(loaded.directory)
                                               if c != loaded.deck.language]
        wanted = self.options.locales
        missing = [loc for loc in wanted if loc not in available]
        if missing:
            raise DeckgenError(
                f"deck '{loaded.deck.id}' has no catalog for {', '.join(missing)} (available: "
                f"{', '.join(available)}); start one with 'deckgen i18n init {display_path(loaded.directory)} "
                f"{missing[0]}'", loaded.location(("language",)))
        return [loc for loc in available if not wanted or loc in wanted]

    def _one(self, loaded: LoadedDeck, project: Path, locale: str, since: dt.date
             ) -> tuple[list[tuple[str, bytes]], list[Problem]]:
        """Every output of one deck in one locale, in memory."""
        brand = self.brand(loaded, project)
        sandbox = Sandbox({"deck.invalid": loaded.directory, "project.invalid": project})
        search = layout_path(loaded.directory, project)
        env = environment(search, sandbox)
        translator = (SourceTranslator() if locale == loaded.deck.language
                      else load_translator(loaded.directory, locale, self.options.fuzzy))
        install(env, translator)
        deck = localise(loaded.deck, translator)
        ann = announcement(deck, brand, locale, Phrases(env), since)
        layouts = Layouts(env, translator, search)
        tag = f"{deck.id} [{locale}]"
        self.progress(f"announcing {tag}")
        out = [("calendar", calendar_bytes(deck, locale))]
        out += [(network, text.encode("utf-8")) for network, text in posts(ann, layouts).items()]
        out.append(("email", email_bytes(ann, layouts)))
        self.progress(f"rendering {tag} flyer")
        out.append(("flyer", render_flyer(flyer_html(ann, layouts), sandbox, self.pdf)))
        warnings = fallback_warnings(translator, loaded.deck) if isinstance(translator, CatalogTranslator) else []
        if ann.email is None:
            warnings.append(Problem(
                f"[{locale}] no e-mail address to send the announcement from; the e-mail says "
                "'organisers@example.invalid': give the brand an 'email' or the deck a channel with one",
                Location(display_path(brand.directory / "brand.yaml"))))
        return out, warnings

    def render(self, decks: list[LoadedDeck]) -> tuple[list[tuple[Path, bytes, Announced]], list[Problem]]:
        """Render every announcement in memory; raise one error listing every problem."""
        since = self.options.since or dt.date.today()
        results: list[tuple[Path, bytes, Announced]] = []
        warnings: list[Problem] = []
        problems: list[Problem] = []
        for loaded in decks:
            project = project_root(loaded.directory)
            try:
                locales = self.locales(loaded)
            except DeckgenError as exc:
                problems.extend(exc.problems)
                continue
            for locale in locales:
                try:
                    outputs, found = self._one(loaded, project, locale, since)
                except NothingToAnnounce as exc:  # the same in every locale: say it once
                    problems.extend(Problem(p.message, loaded.location(("events",))) for p in exc.problems)
                    break
                except DeckgenError as exc:
                    problems.extend(exc.problems)
                    continue
                warnings.extend(found)
                for kind, data in outputs:
                    path = announce_path(self.options.out, loaded.deck.id, locale, kind, self.options.brand)
                    results.append((path, data, Announced(loaded.deck.id, locale, kind, path, len(data))))
        if problems:
            raise DeckgenError(list(dict.fromkeys(problems)))
        return results, warnings


def announce(deck_dirs: list[Path], options: AnnounceOptions,
             progress: Callable[[str], None] = lambda message: None,
             written: Callable[[Announced], None] = lambda output: None) -> AnnounceReport:
    """Announce the events of *deck_dirs*; raise :class:`DeckgenError` before writing anything if one fails."""
    started = time.perf_counter()
    decks = load_decks(deck_dirs)
    results, warnings = Announcer(options, progress).render(decks)
    if options.strict and warnings:
        raise DeckgenError([Problem(f"{w.message} (--strict: warnings are errors)", w.location, w.slide)
                            for w in warnings])
    report = AnnounceReport(warnings=warnings)
    for path, data, output in results:
        write_atomic(path, data)
        report.outputs.append(output)
        written(output)
    report.seconds = time.perf_counter() - started
    return report
