"""The deck as ``deckgen serve`` shows it: composed once, then recomposed slide by slide as files change.

A thin loop over the build's own stages.  :class:`~deckgen.build.Builder` plans each view
(brand, locales) and gives it its checked translator and its layouts;
:func:`~deckgen.i18n.localise` and the :class:`~deckgen.compose.Composer` make the slides;
the build's own checks (:func:`~deckgen.build.overflow_warnings`,
:func:`~deckgen.build.missing_glyphs`, :func:`~deckgen.i18n.fallback_warnings`) say what to
mark on each slide; :class:`~deckgen.render_html.HtmlRenderer` draws them with the layouts the
PDF is made from.  Nothing is built a second way.

A view is the deck in one locale and brand.  It keeps, per slide, what the slide was composed
from (the localised slide, its number, the events it lists, deckgen's own words, the files it
shows); after a change only the slides whose inputs differ are composed and drawn again, and
only the slides whose HTML or marks differ go to the page.  Imports, fonts and layouts stay
loaded.  This module knows no web framework: :mod:`deckgen.serve` carries its payloads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from .build import BuildOptions, Builder, Unit, missing_glyphs, overflow_warnings
from .catalogs import _message_frame
from .compose import Composer, capacity
from .editing import Edit, Saved, Stamp, Text, as_text, check_translation, save
from .errors import DeckgenError, Problem, display_path
from .formatting import Formatter
from .i18n import CatalogTranslator, DeckMessage, SourceTranslator, deck_messages, fallback_warnings, localise
from .layouts import Phrases, install, layout_error, layout_path
from .load import LoadedDeck, load_decks
from .measure import load_metrics
from .paths import DECK_FILE, catalog_locales, catalog_path, project_root
from .phrasebook import PhraseTranslator, translator_for
from .render_html import HtmlRenderer
from .scene import Box, ChartFrame, DeckScene, ImageFrame, SlideScene, TextFrame

#: file names editors and deckgen's own writer use for temporary files: never a change
_TEMPORARY = (".tmp", "~", ".swp", ".swx", ".part")
#: a missing translation: (msgctxt, msgid, only fuzzy) as :class:`CatalogTranslator` records it
Miss = tuple[str | None, str, bool]


@dataclass(frozen=True)
class Mark:
    """A warning drawn on a slide: on a frame's box, or on the whole slide (no box)."""

    kind: str  # overflow | glyph | missing | fuzzy
    message: str
    frame: str | None = None
    box: Box | None = None


@dataclass(frozen=True)
class Fit:
    """How a text frame's text fits its box, measured as the build measures it (compose.fit)."""

    field: str
    scale: float  # the size chosen, as a fraction of the full size
    min_scale: float  # the smallest size allowed
    overflow: float  # how much too long at the smallest size, as a fraction
    fill: float  # the height the text takes, as a fraction of the box
    capacity: int  # about how many characters the box holds at full size
    capacity_min: int  # ... and at the smallest size
    used: int  # characters the frame shows now


@dataclass(frozen=True)
class SlideState:
    """One slide of a view: what it was composed from, and what it looks like."""

    key: tuple[Any, ...]
    files: tuple[tuple[str, int, int], ...]  # (path, mtime, size) of the files the slide shows
    scene: SlideScene
    marks: tuple[Mark, ...]
    fits: dict[str, Fit]
    html: str = ""

    def files_unchanged(self) -> bool:
        return self.files == _stamps(path for path, _, _ in self.files)


@dataclass
class View:
    """The deck in one locale and brand (None: the deck's own), as last drawn."""

    locale: str
    brand: str | None
    version: int = 0
    slides: list[SlideState] = field(default_factory=list)
    scene: DeckScene | None = None
    header: DeckScene | None = None  # the scene without its slides: what every slide is drawn with
    css: str = ""
    problems: list[Problem] = field(default_factory=list)  # why it cannot be drawn now (it is stale)
    unit: Unit | None = None
    translator: SourceTranslator | None = None
    stamp: Stamp | None = None  # the catalog the translator was read from
    messages: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class Drawn:
    slides: list[SlideState]
    scene: DeckScene
    header: DeckScene
    css: str


class Typed(CatalogTranslator):
    """A catalog's translations with one message read as the translator is typing it (not fuzzy)."""

    def __init__(self, base: CatalogTranslator, context: str | None, msgid: str, text: Text) -> None:
        super().__init__(base.catalog, base.file, base.locale, base.use_fuzzy)
        self.typed = (context, msgid, text)

    def usable(self, context: str | None, msgid: str) -> Any:
        """The typed text for the message being typed (deckgen's own words included); else the catalog's."""
        ctx, mid, text = self.typed
        if (context, msgid) != (ctx, mid):
            return super().usable(context, msgid)
        message = self.catalog.get(msgid, context=context)
        if message is None or not (all(text) if isinstance(text, tuple) else text):
            return None
        message = message.clone()
        message.string = text
        message.flags.discard("fuzzy")
        return message


def _stamps(paths: Iterable[str]) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in paths:
        try:
            st = Path(path).stat()
            out.append((path, st.st_mtime_ns, st.st_size))
        except OSError:
            out.append((path, 0, -1))
    return tuple(out)


def _slide_files(scene: SlideScene) -> tuple[tuple[str, int, int], ...]:
    paths = [p for f in scene.frames if isinstance(f, ImageFrame) for p in (f.path, f.vector) if p]
    paths += [f.source for f in scene.frames if isinstance(f, ChartFrame) and f.source]  # a chart's CSV file
    return _stamps(dict.fromkeys(paths))


def _fits(scene: SlideScene, brand: Any) -> dict[str, Fit]:
    out = {}
    for f in scene.frames:
        if isinstance(f, TextFrame) and f.paragraphs:
            used = sum(len(r.text) for p in f.paragraphs for r in p.runs)
            out[f.name] = Fit(f.field, f.scale, f.min_scale, round(f.overflow, 3),
                              round(f.content_h / f.box.h, 3) if f.box.h else 0.0,
                              capacity(f, brand), capacity(f, brand, f.min_scale), used)
    return out


def _phrases_key(translator: SourceTranslator, deck_contexts: set[str]) -> tuple[Any, ...]:
    """What deckgen's own words (``phrases.j2``) read in this translator: a slide depends on them."""
    if not isinstance(translator, CatalogTranslator):
        return ()
    typed = translator.typed if isinstance(translator, Typed) else None
    out = []
    for m in translator.catalog:
        if not m.id or m.context in deck_contexts:
            continue
        msgid = m.id if isinstance(m.id, str) else m.id[0]
        string = typed[2] if typed is not None and (m.context, msgid) == typed[:2] else m.string
        out.append((m.context, msgid, as_text(string), m.fuzzy))
    return tuple(out)


def _events(deck: Any, slide: Any) -> tuple[Any, ...]:
    """The (localised) events a slide lists: it is composed from them too."""
    return tuple(deck.event(e) for e in getattr(slide, "events", None) or ())


def _box(box: Box | None) -> list[float] | None:
    return [box.x, box.y, box.w, box.h] if box is not None else None


def slide_payload(state: SlideState) -> dict[str, Any]:
    """One slide for the page: its HTML, its marks and how its text frames fit."""
    s = state.scene
    return {"n": s.number, "id": s.id, "kind": s.kind, "title": s.title, "html": state.html,
            "marks": [{"kind": m.kind, "text": m.message, "frame": m.frame, "box": _box(m.box)} for m in state.marks],
            "fits": {name: vars(fit) for name, fit in state.fits.items()}}


class LiveDeck:
    """One deck kept composed in memory for each view shown, and redrawn as its files change.

    Every method takes :attr:`lock`: the watcher, the page's previews and saves come from
    several threads.
    """

    def __init__(self, deck_dir: Path, fuzzy: bool = False) -> None:
        deck_dir = deck_dir if deck_dir.is_dir() else deck_dir.parent
        self.deck_dir = deck_dir.resolve()
        self.project = project_root(self.deck_dir)
        self.fuzzy = fuzzy
        self.lock = threading.RLock()
        self.loaded: LoadedDeck | None = None
        self.problems: list[Problem] = []  # the deck file's own: every view is stale meanwhile
        self.generation = 0  # counts changes to brands, fonts and layouts: every slide is redrawn
        self.views: dict[tuple[str, str | None], View] = {}
        self.html = HtmlRenderer(inline=False)
        self._export = HtmlRenderer(inline=True)
        self._builders: dict[str | None, Builder] = {}
        self._units: dict[str | None, list[Unit]] = {}
        self._messages: list[DeckMessage] = []
        self._load()

    # --- the deck and its files -----------------------------------------------------------
    def _load(self) -> None:
        self._deck_stamp = _stamps([str(self.deck_dir / DECK_FILE)])
        try:
            self.loaded = load_decks([self.deck_dir])[0]
            self.problems = []
            self._messages = deck_messages(self.loaded.deck)
        except DeckgenError as exc:  # the last good deck stays, marked stale
            self.problems = list(exc.problems)
        self._units.clear()

    @property
    def language(self) -> str:
        return self.loaded.deck.language if self.loaded is not None else ""

    def locales(self) -> list[str]:
        """The deck's language and every locale with a catalog."""
        return [loc for loc in dict.fromkeys([self.language, *catalog_locales(self.deck_dir)]) if loc]

    def brands(self) -> list[str]:
        """Every brand of the project (any deck can be shown in any brand)."""
        from .brand import known_brands

        return known_brands(self.project)

    def watched(self) -> list[Path]:
        """The folders whose files the deck is made from: the deck's, the project's layouts and assets."""
        folders = [self.deck_dir, self.project / "layouts", self.project / "assets"]
        return [f for f in folders if f.is_dir()]

    def changed_on_disk(self) -> list[Path]:
        """The deck file and the catalogs shown, when they changed since they were read (before a watcher began)."""
        out = []
        if _stamps([str(self.deck_dir / DECK_FILE)]) != self._deck_stamp:
            out.append(self.deck_dir / DECK_FILE)
        for view in self.views.values():
            file = catalog_path(self.deck_dir, view.locale)
            if view.stamp is not None and not view.stamp.still(file):
                out.append(file)
        return out

    def classify(self, path: Path) -> str | tuple[str, str] | None:
        """What a changed file is to the deck: ``deck``, ``look`` (brands, fonts, layouts),
        ``("catalog", locale)``, or None (nothing it is made from)."""
        if path.name.startswith(".") or path.name.endswith(_TEMPORARY):
            return None
        if path.is_relative_to(self.deck_dir):
            rel = path.relative_to(self.deck_dir).parts
            if rel[:1] == ("locales",):
                if len(rel) == 4 and rel[2:] == ("LC_MESSAGES", "deck.po"):
                    return ("catalog", rel[1])
                return None  # the template (deck.pot) and anything else there
            return "look" if rel[:1] == ("layouts",) else "deck"
        if any(path.is_relative_to(self.project / d) for d in ("layouts", "assets")):
            return "look"
        return None

    # --- views -------------------------------------------------------------------------------
    def _builder(self, brand: str | None) -> Builder:
        if brand not in self._builders:
            self._builders[brand] = Builder(BuildOptions(formats=(), brand=brand, fuzzy=self.fuzzy))
        return self._builders[brand]

    def _unit(self, view: View) -> Unit:
        assert self.loaded is not None
        if view.brand not in self._units:
            self._units[view.brand] = self._builder(view.brand).plan([self.loaded])
        for unit in self._units[view.brand]:
            if unit.locale == view.locale:
                return unit
        raise DeckgenError(f"deck '{self.loaded.deck.id}' has no catalog for {view.locale} (available: "
                           f"{', '.join(u.locale for u in self._units[view.brand])}); start one with "
                           f"'deckgen i18n init {display_path(self.deck_dir)} {view.locale}'")

    def _translator(self, view: View, unit: Unit) -> SourceTranslator:
        if view.translator is None:
            file = None if unit.locale == self.language else catalog_path(unit.loaded.directory, unit.locale)
            for _ in range(3):  # the stamp must be of the bytes the translator was read from
                stamp = Stamp.of(file) if file is not None else None
                translator = self._builder(view.brand).translator(unit)
                if stamp is None or (file is not None and stamp.still(file)):
                    break
            view.translator, view.stamp = translator, stamp
        return view.translator

    def view(self, locale: str | None = None, brand: str | None = None) -> View:
        """The view of *locale* (default: the deck's language) in *brand*, drawn on first use."""
        with self.lock:
            key = (locale or self.language, brand or None)
            if key not in self.views:
                self.views[key] = View(*key)
                self._compute(self.views[key])
            return self.views[key]

    def snapshot(self, locale: str | None = None, brand: str | None = None) -> dict[str, Any]:
        """Everything the page needs to show a view: every slide, the style sheet, the translations."""
        with self.lock:
            view = self.view(locale, brand)
            return self._payload(view, range(len(view.slides)), css=True, messages=True)

    def _payload(self, view: View, slides: Iterable[int], css: bool, messages: bool) -> dict[str, Any]:
        problems = self.problems + view.problems
        out: dict[str, Any] = {
            "locale": view.locale, "brand": view.brand, "version": view.version, "total": len(view.slides),
            "stale": bool(problems), "problems": [str(p) for p in problems],
            "slides": {str(i): slide_payload(view.slides[i]) for i in slides},
            "locales": self.locales(), "language": self.language,
        }
        if css:
            out["css"] = view.css
        if messages:
            out["messages"] = view.messages
            out["catalog"] = ({"file": display_path(view.translator.file), "version": view.stamp.digest,
                               "plurals": view.translator.catalog.num_plurals,
                               "outdated": self._outdated(view.translator)}
                              if isinstance(view.translator, CatalogTranslator) and view.stamp else None)
        return out

    def _compute(self, view: View) -> dict[str, Any]:
        """Bring *view* up to date; the payload of what changed."""
        view.version += 1
        if self.loaded is None or self.problems:
            return self._payload(view, (), css=False, messages=False)
        reloaded = view.translator is None
        try:
            unit = self._unit(view)
            translator = self._translator(view, unit)
            drawn = self._draw(view, unit, translator)
        except DeckgenError as exc:  # the last good slides stay, marked stale
            view.problems = list(exc.problems)
            return self._payload(view, (), css=False, messages=False)
        old = view.slides
        changed = [i for i, s in enumerate(drawn.slides)
                   if i >= len(old) or (s.html, s.marks) != (old[i].html, old[i].marks)]
        css_changed = drawn.css != view.css
        view.slides, view.scene, view.header, view.css = drawn.slides, drawn.scene, drawn.header, drawn.css
        view.unit, view.problems = unit, []
        messages = reloaded or view.messages is None or bool(changed)
        if messages:
            view.messages = self._catalog_messages(view)
        return self._payload(view, changed, css=css_changed, messages=messages)

    def _draw(self, view: View, unit: Unit, translator: SourceTranslator) -> Drawn:
        """Compose and draw the slides of *view* whose inputs changed; reuse the others. Changes nothing."""
        try:
            return self._draw_slides(view, unit, translator)
        except TemplateError as exc:  # a layout being edited
            raise layout_error(exc) from None

    def _draw_slides(self, view: View, unit: Unit, translator: SourceTranslator) -> Drawn:
        builder = self._builder(view.brand)
        env, sandbox = builder.layouts(unit)
        words = translator_for(unit.locale, translator)  # deckgen's own words, as the build says them
        install(env, words)
        missing: list[Miss] = translator.missing if isinstance(translator, CatalogTranslator) else []
        del missing[:]
        deck = localise(unit.loaded.deck, translator)
        misses = self._misses_by_slide(missing)
        composer = Composer(deck, unit.loaded.directory, unit.brand, Formatter(unit.locale), Phrases(env))
        own_words = _phrases_key(translator, {m.context for m in self._messages})
        total = len(deck.slides)
        states: list[SlideState] = []
        for number, slide in enumerate(deck.slides, start=1):
            key = (slide, number, total, _events(deck, slide), own_words, self.generation,
                   misses.get(slide.sid, ()))
            old = view.slides[number - 1] if number <= len(view.slides) else None
            if old is not None and old.key == key and old.files_unchanged():
                states.append(old)
                continue
            start, own_start = len(missing), len(words.missing)
            scene = composer.slide(slide, number, total)
            said = tuple(missing[start:])  # deck texts looked up while composing, without a translation
            marks = self._marks(scene, unit, translator, misses.get(slide.sid, ()) + said)
            marks += self._own_words_marks(unit.locale, words.missing[own_start:])
            states.append(SlideState(key, _slide_files(scene), scene, marks, _fits(scene, unit.brand)))
        scene = composer.scene([s.scene for s in states])
        header = replace(scene, slides=())
        web, _ = self.html.environment(layout_path(unit.loaded.directory, unit.project), sandbox)
        install(web, words)
        redraw = header != view.header
        for i, state in enumerate(states):
            if redraw or not state.html:
                states[i] = replace(state, html=self.html.slide(web, scene, state.scene))
        css = self.html.css(web, scene) if redraw or not view.css else view.css
        return Drawn(states, scene, header, css)

    # --- marks -----------------------------------------------------------------------------
    def _misses_by_slide(self, missing: list[Miss]) -> dict[str, tuple[Miss, ...]]:
        """The deck's texts shown in the source language, by the slide they are on."""
        assert self.loaded is not None
        deck = self.loaded.deck
        by_context = {m.context: m for m in self._messages}
        out: dict[str, list[Miss]] = {}
        for miss in dict.fromkeys(missing):
            m = by_context.get(miss[0] or "")
            if m is None:
                continue
            if m.slide:
                out.setdefault(m.slide, []).append(miss)
            elif m.kind == "event":
                event = deck.events[m.path[1]].id
                for s in deck.slides:
                    if event in (getattr(s, "events", None) or ()):
                        out.setdefault(s.sid, []).append(miss)
        return {k: tuple(v) for k, v in out.items()}

    def _frame_of(self, context: str | None, scene: SlideScene) -> TextFrame | None:
        """The text frame of *scene* that shows the message of *context*, if one does."""
        assert self.loaded is not None
        m = next((m for m in self._messages if m.context == context), None)
        if m is None:
            return None
        if m.slide:
            names = _message_frame(m)
        else:  # an event's text: in the frame of the event on a slide listing it
            event = self.loaded.deck.events[m.path[1]].id
            slide = next((s for s in self.loaded.deck.slides if s.sid == scene.id), None)
            listed = list(getattr(slide, "events", None) or ())
            names = [f"events[{listed.index(event) + 1}]"] if event in listed else []
        for name in names:
            for f in scene.frames:
                if isinstance(f, TextFrame) and f.field == name:
                    return f
        return None

    def _marks(self, scene: SlideScene, unit: Unit, translator: SourceTranslator,
               misses: tuple[Miss, ...]) -> tuple[Mark, ...]:
        """The build's warnings about *scene*, each on the frame it is about."""
        stub = DeckScene(unit.loaded.deck.id, unit.locale, "", "", "", "", (), "", ())
        marks: list[Mark] = []
        for f in scene.frames:  # the build's own checks, frame by frame, so each mark has its box
            if isinstance(f, TextFrame):
                one = replace(stub, slides=(replace(scene, frames=(f,)),))
                marks += [Mark("overflow", p.message, f.name, f.box) for p in overflow_warnings(one)]
                marks += [Mark("glyph", p.message, f.name, f.box) for p in missing_glyphs(one, unit.brand)]
        if isinstance(translator, CatalogTranslator):
            for miss in dict.fromkeys(misses):
                frame = self._frame_of(miss[0], scene)
                marks.append(Mark("fuzzy" if miss[2] else "missing", self._fallback(translator, miss),
                                  frame.name if frame else None, frame.box if frame else None))
        return tuple(dict.fromkeys(marks))

    @staticmethod
    def _own_words_marks(locale: str, said: list[tuple[str | None, str]]) -> tuple[Mark, ...]:
        """The build's warnings for deckgen's own words shown in English on a slide."""
        if not said:
            return ()
        words = PhraseTranslator(locale, missing=list(said))
        return tuple(Mark("missing", p.message, None, None) for p in words.warnings(None))

    def _fallback(self, translator: CatalogTranslator, miss: Miss) -> str:
        """The build's warning for one text shown in the source language."""
        assert self.loaded is not None
        recorded, translator.missing = translator.missing, [miss]
        try:
            return fallback_warnings(translator, self.loaded.deck)[0].message
        finally:
            translator.missing = recorded

    # --- translations ----------------------------------------------------------------------
    def _places(self, view: View) -> dict[str | None, list[list[str | None]]]:
        """Where each deck message is shown: ``[slide id, frame name]`` pairs."""
        assert self.loaded is not None
        scenes = {s.scene.id: s.scene for s in view.slides}
        out: dict[str | None, list[list[str | None]]] = {}
        for m in self._messages:
            slides = [m.slide] if m.slide else []
            if m.kind == "event":
                event = self.loaded.deck.events[m.path[1]].id
                slides = [s.sid for s in self.loaded.deck.slides if event in (getattr(s, "events", None) or ())]
            for sid in slides:
                frame = self._frame_of(m.context, scenes[sid]) if sid in scenes else None
                out.setdefault(m.context, []).append([sid, frame.name if frame else None])
        return out

    def _catalog_messages(self, view: View) -> list[dict[str, Any]] | None:
        """Every message of the view's catalog, in the catalog's order, with where it is shown."""
        translator = view.translator
        if not isinstance(translator, CatalogTranslator):
            return None
        places = self._places(view)
        sources = {d.context: d.msgid for d in self._messages}
        out = []
        for m in translator.catalog:
            if not m.id:
                continue
            msgid = m.id if isinstance(m.id, str) else m.id[0]
            changed = m.context in sources and sources[m.context] != msgid
            out.append({"context": m.context, "id": m.id if isinstance(m.id, str) else list(m.id),
                        "current": sources[m.context] if changed else None,  # the deck says something else now
                        "string": m.string if isinstance(m.string, str) else list(m.string or ()),
                        "fuzzy": m.fuzzy, "notes": list(m.auto_comments), "comments": list(m.user_comments),
                        "previous": list(m.previous_id) if m.previous_id else None, "line": m.lineno,
                        "places": places.get(m.context, [])})
        return out

    def _outdated(self, translator: CatalogTranslator) -> int:
        """How many texts of the deck its catalog lacks (new or changed since ``deckgen i18n update``)."""
        return sum(1 for d in self._messages if translator.catalog.get(d.msgid, context=d.context) is None)

    def _editable(self, locale: str, brand: str | None) -> tuple[View, CatalogTranslator]:
        view = self.view(locale, brand)
        if not isinstance(view.translator, CatalogTranslator) or view.unit is None:
            raise DeckgenError(f"{locale} is not a translation of this deck that can be shown now")
        return view, view.translator

    def preview(self, locale: str, brand: str | None, context: str | None, msgid: str,
                string: object) -> dict[str, Any]:
        """The slides that change when *string* is the translation of ``(context, msgid)``; nothing is kept."""
        with self.lock:
            view, translator = self._editable(locale, brand)
            message = translator.catalog.get(msgid, context=context)
            if message is None:
                raise DeckgenError("no such text in the catalog; reload the page")
            text = as_text(string)
            assert view.unit is not None
            drawn = self._draw(view, view.unit, Typed(translator, context, msgid, text))
            changed = [i for i, s in enumerate(drawn.slides)
                       if i >= len(view.slides) or (s.html, s.marks) != (view.slides[i].html, view.slides[i].marks)]
            problems = check_translation(translator.catalog, translator.file, message, text)
            return {"locale": locale, "version": view.version, "problems": [p.message for p in problems],
                    "slides": {str(i): slide_payload(drawn.slides[i]) for i in changed}}

    def save(self, locale: str, brand: str | None, context: str | None, msgid: str, string: object,
             base: object, fuzzy: bool, known: str) -> tuple[Saved, list[tuple[tuple[str, str | None], dict]]]:
        """Write one translation into the deck's catalog of *locale*; what was saved, and the views redrawn."""
        with self.lock:
            if locale == self.language or locale not in catalog_locales(self.deck_dir):
                raise DeckgenError(f"'{locale}' is not a translation of this deck")
            file = catalog_path(self.deck_dir, locale)
            if not file.parent.resolve().is_relative_to(self.deck_dir):
                raise DeckgenError(f"{display_path(file)} leads outside the deck folder; deckgen serve writes "
                                   "only the deck's own catalogs")
            saved = save(file, locale, Edit(context, msgid, as_text(string), as_text(base), fuzzy), known)
            return saved, (self.refresh([file]) if saved.status == "saved" else [])

    # --- changes --------------------------------------------------------------------------------
    def refresh(self, paths: Iterable[Path]) -> list[tuple[tuple[str, str | None], dict[str, Any]]]:
        """Take in changed files; the payload of each view that changed."""
        with self.lock:
            kinds = {self.classify(Path(p)) for p in paths} - {None}
            if not kinds:
                return []
            if "look" in kinds:  # brands, fonts or layouts: everything is read and drawn again
                self.generation += 1
                self._builders.clear()
                self.html.forget()
                self._export.forget()
                load_metrics.cache_clear()
                for view in self.views.values():
                    view.translator = None
            if kinds & {"deck", "look"}:
                self._load()
            catalogs = {k[1] for k in kinds if isinstance(k, tuple)}
            if catalogs:
                self._units.clear()  # a new catalog is a new locale
            for view in self.views.values():
                if view.locale in catalogs and view.stamp is not None \
                        and not view.stamp.still(catalog_path(self.deck_dir, view.locale)):
                    view.translator = None
            targets = [v for v in self.views.values()
                       if kinds & {"deck", "look"} or v.translator is None or v.problems]
            return [((v.locale, v.brand), self._compute(v)) for v in targets]

    def export(self, locale: str | None, brand: str | None) -> bytes:
        """The HTML export of a view, as ``deckgen build --format html`` writes it."""
        with self.lock:
            view = self.view(locale, brand)
            if view.scene is None or view.unit is None or view.translator is None:
                raise DeckgenError(self.problems + view.problems or "the deck cannot be drawn yet")
            unit = view.unit
            _, sandbox = self._builder(view.brand).layouts(unit)
            return self._export.export(view.scene, layout_path(unit.loaded.directory, unit.project), sandbox,
                                       view.translator)
