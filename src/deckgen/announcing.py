"""``deckgen announce``: load → localise → brand → announce → write.

For each deck and locale: the iCalendar file, a post per network, the e-mail and
the flyer, under ``OUT/<deck-id>/<locale>/announce/``.  As in :func:`deckgen.build.build`,
every output of every deck is rendered in memory before the first file is written,
and files are written with :func:`deckgen.build.write_all` (all or none); a bad deck, a post
too long or a flyer longer than a page stops the run with nothing written.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .announce import (
    FLYER_COMPACT_LEVELS,
    Announcement,
    Layouts,
    NothingToAnnounce,
    announcement,
    calendar_bytes,
    email_bytes,
    flyer_html,
    posts,
)
from .brand import Brand
from .build import BuildOptions, Builder, output_path, project_root, write_all
from .errors import DeckgenError, Location, Problem, RenderError, display_path
from .interrupts import check
from .i18n import (
    CatalogTranslator,
    SourceTranslator,
    fallback_warnings,
    load_translator,
    localise,
)
from .layouts import Phrases, Sandbox, environment, install, layout_path
from .load import LoadedDeck, load_decks
from .phrasebook import own_words_location, translator_for
from .render_pdf import PdfRenderer, TooManyPages

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


class _TooLong(Exception):
    def __init__(self, pages: int) -> None:
        self.pages = pages


def render_flyer(ann: Announcement, layouts: Layouts, sandbox: Sandbox, pdf: PdfRenderer
                 ) -> tuple[bytes, list[str]]:
    """The flyer's PDF (exactly one A4 page, fonts embedded, files read only from *sandbox*), and the
    channels it had to leave out.

    A flyer longer than a page is laid out again more compactly (fewer dates, smaller
    type), still with every channel; then, in the most compact layout, without the last
    channels, one at a time, which the caller reports. One that still does not fit is an
    error.
    """
    pages = 0
    for compact in range(FLYER_COMPACT_LEVELS):
        try:
            return _pdf(flyer_html(ann, layouts, compact), sandbox, pdf), []
        except _TooLong as exc:
            pages = exc.pages
    for shown in range(len(ann.channels) - 1, 0, -1):
        try:
            data = _pdf(flyer_html(ann, layouts, FLYER_COMPACT_LEVELS - 1, shown), sandbox, pdf)
        except _TooLong as exc:
            pages = exc.pages
            continue
        return data, [str(ch.network) for ch in ann.channels[shown:]]
    raise RenderError(f"deck '{ann.deck_id}' [{ann.locale}]: the flyer takes {pages} pages instead of one, even "
                      "with fewer dates and smaller type; shorten the event's title or description in this "
                      "language, or the layout announce/flyer.html.j2")


def _pdf(html: str, sandbox: Sandbox, pdf: PdfRenderer) -> bytes:
    """One page of *html* as PDF bytes; raise :class:`_TooLong` if it takes more."""
    try:
        return pdf.html_to_pdf(html, sandbox, max_pages=1, tagged=pdf.tagged)
    except TooManyPages as exc:
        raise _TooLong(exc.pages) from None


@dataclass
class Announcer:
    """Renders the announcements of decks; shares brands and fonts between decks and locales."""

    options: AnnounceOptions
    progress: Callable[[str], None] = lambda message: None
    pdf: PdfRenderer = field(default_factory=PdfRenderer)
    _decks: Builder | None = None  # resolves brands and locales exactly as the build does

    def _resolver(self) -> Builder:
        if self._decks is None:
            o = self.options
            self._decks = Builder(BuildOptions(out=o.out, locales=o.locales, brand=o.brand, fuzzy=o.fuzzy))
        return self._decks

    def brand(self, loaded: LoadedDeck, project: Path) -> Brand:
        return self._resolver().brand(loaded, project)

    def locales(self, loaded: LoadedDeck) -> list[str]:
        """The source language and every locale with a catalog, filtered by ``--locale`` (as the build)."""
        return self._resolver().locales(loaded, self.brand(loaded, project_root(loaded.directory)))

    def _one(self, loaded: LoadedDeck, project: Path, locale: str, since: dt.date
             ) -> tuple[list[tuple[str, bytes]], list[Problem]]:
        """Every output of one deck in one locale, in memory."""
        brand = self.brand(loaded, project)
        sandbox = Sandbox({"deck.invalid": loaded.directory, "project.invalid": project})
        search = layout_path(loaded.directory, project)
        env = environment(search, sandbox)
        translator = (SourceTranslator() if locale == loaded.deck.language
                      else load_translator(loaded.directory, locale, self.options.fuzzy))
        words = translator_for(locale, translator)  # deckgen's own words: see phrasebook.py
        install(env, words)
        deck = localise(loaded.deck, translator)
        ann = announcement(deck, brand, locale, Phrases(env), since)
        layouts = Layouts(env, words, search)
        tag = f"{deck.id} [{locale}]"
        self.progress(f"announcing {tag}")
        out = [("calendar", calendar_bytes(deck, locale))]
        out += [(network, text.encode("utf-8")) for network, text in posts(ann, layouts).items()]
        out.append(("email", email_bytes(ann, layouts)))
        self.progress(f"rendering {tag} flyer")
        flyer, left_out = render_flyer(ann, layouts, sandbox, self.pdf)
        out.append(("flyer", flyer))
        warnings = fallback_warnings(translator, loaded.deck) if isinstance(translator, CatalogTranslator) else []
        if left_out:
            where = next((loaded.location(("slides", i, "channels")) for i, s in enumerate(loaded.deck.slides)
                          if s.kind == "channels"), None)
            warnings.append(Problem(
                f"[{locale}] the A4 flyer has no room for every channel: it leaves out {', '.join(left_out)} "
                f"(it shows {len(ann.channels) - len(left_out)} of {len(ann.channels)}); shorten the channels' "
                "texts, list fewer channels, or override the layout announce/flyer.html.j2", where))
        warnings += words.warnings(own_words_location(loaded, translator))
        if ann.email is None:
            warnings.append(Problem(
                f"[{locale}] no e-mail address to send the announcement from; the e-mail says "
                "'organisers@example.invalid': give the brand an 'email' or the deck a channel with one",
                Location(display_path(brand.directory / "brand.yaml"))))
        return out, warnings

    def render(self, decks: list[LoadedDeck]) -> tuple[list[tuple[Path, bytes, Announced]], list[Problem]]:
        """Render every announcement in memory; raise one error listing every problem."""
        try:
            return self._render(decks)
        finally:
            self.pdf.close()

    def _render(self, decks: list[LoadedDeck]) -> tuple[list[tuple[Path, bytes, Announced]], list[Problem]]:
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
                check()  # a safe point for Ctrl-C
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
    write_all([(path, data) for path, data, _ in results], options.out)
    for _, _, output in results:
        report.outputs.append(output)
        written(output)
    report.seconds = time.perf_counter() - started
    return report
