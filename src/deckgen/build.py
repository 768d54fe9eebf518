"""The build: load → validate → localise → brand → compose → render → write.

Everything is read, checked and rendered in memory before the first file is
written, so a bad deck stops the run with nothing half-done; each output is
then written to a temporary file beside its target and renamed over it, so a
failure never leaves a partial file or clobbers the last good one.  This module
is the only one that chooses output paths and writes files.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import publish
from .brand import Brand, load_brand
from .accessibility import alt_text_warnings
from .compose import compose_deck
from .contrast import contrast_warnings
from .errors import DeckgenError, Location, OutputError, Problem, RenderError, display_path
from .i18n import (
    CatalogTranslator,
    SourceTranslator,
    catalog_locales,
    check_locale_folder,
    fallback_warnings,
    load_translator,
    localise,
    plural_counts,
)
from .layouts import Phrases, Sandbox, environment, install, layout_path
from .load import LoadedDeck, load_decks
from .phrasebook import own_words_location, translator_for
from .paths import DECKS_DIR, catalog_path, find_decks, output_path, project_root  # noqa: F401 (re-exported)
from .render_html import HtmlRenderer
from .render_pdf import PdfInfo, PdfRenderer, join_pdfs, part_of, parts
from .model import SLIDE_KINDS
from .scene import ChartFrame, DeckScene, text_frames
from .incremental import Fingerprints, Manifest, format_key
from .interrupts import check
from .workers import PdfJob, render_job, result

if TYPE_CHECKING:  # pragma: no cover
    from .render_pptx import PptxTemplate

FORMATS = ("pptx", "pdf")
#: every format ``--format`` accepts; HTML is made only when asked for
ALL_FORMATS = ("pptx", "pdf", "html")
#: seconds a PDF worker may take for one part of a deck (at most PART_SLIDES slides, a few
#: seconds' work) before the build gives up on it
PART_TIMEOUT = 600


@dataclass(frozen=True, order=True)
class Shard:
    """The *index*-th of *count* parts of a build (``--shard 2/3``), counted from 1."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``K/N`` with 1 ≤ K ≤ N; ValueError saying what is expected otherwise."""
        k, sep, n = text.partition("/")
        if not sep or not k.strip().isdigit() or not n.strip().isdigit():
            raise ValueError(f"'{text}' is not a shard; write K/N, e.g. 2/3 for the second of three parts")
        shard = cls(int(k), int(n))
        if shard.count < 1 or not 1 <= shard.index <= shard.count:
            raise ValueError(f"'{text}' is not a shard: K must be between 1 and N, e.g. 1/{max(shard.count, 1)} "
                             f"to {max(shard.count, 1)}/{max(shard.count, 1)}")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class BuildOptions:
    out: Path = Path("dist")
    formats: tuple[str, ...] = FORMATS
    locales: tuple[str, ...] = ()  # empty: every available locale
    brand: str | None = None  # override the decks' brand
    chapter: str | None = None  # a chapter: its brand and its languages
    strict: bool = False
    fuzzy: bool = False  # use fuzzy (unreviewed) translations
    force: bool = False  # rebuild outputs whose inputs did not change
    shard: Shard | None = None  # build only this part of the units (CI matrices)
    tags: bool = True  # tagged PDF/UA-1 (``--no-tags``: untagged)


@dataclass(frozen=True)
class Output:
    deck_id: str
    locale: str
    format: str
    path: Path
    size: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    unchanged: list[Output] = field(default_factory=list)  # up to date: not rebuilt
    warnings: list[Problem] = field(default_factory=list)
    seconds: float = 0.0
    units: int = 0  # (deck, brand, locale) units this build made or found up to date
    all_units: int = 0  # units of the whole build, every shard included


def write_all(files: list[tuple[Path, bytes]], root: Path | None = None) -> None:
    """Write every file or none: all are staged as temporary files first, then put in place.

    A full disk or a read-only folder stops the run while only temporary files exist, and
    they are removed: the previous outputs stay as they were. The renames are journaled in
    *root* (the output folder), so even a run killed while making them is finished by the
    next one (:mod:`deckgen.publish`).
    """
    publish.write_all(files, root)


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename."""
    write_all([(path, data)])


def missing_glyphs(scene: DeckScene, brand: Brand) -> list[Problem]:
    """Characters of the locale's text that the brand's font files cannot draw."""
    from .measure import load_metrics

    out: list[Problem] = []
    for s in scene.slides:
        for f in s.frames:
            if isinstance(f, ChartFrame):  # a chart's labels are in the body font
                font = brand.body.file()
                missing = set().union(*(load_metrics(str(font)).missing(t.text) for t in f.texts))
                if missing:
                    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(missing))
                    out.append(Problem(f"chart labels: the brand font {brand.body.family} ({font.name}) has no glyph "
                                       f"for {shown}; the PDF would fall back to another font: change the label",
                                       slide=f"{s.id} [{scene.locale}]"))
        for f in text_frames(s.frames):
            lacking: dict[str, set[str]] = {}
            for p in f.paragraphs:
                fam = brand.heading if p.font == "heading" else brand.body
                for r in p.runs:
                    font = fam.file(p.bold or r.bold, p.italic or r.italic)
                    missing = load_metrics(str(font)).missing(r.text)
                    if missing:
                        lacking.setdefault(f"{fam.family} ({font.name})", set()).update(missing)
            for font, chars in lacking.items():
                shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in sorted(chars))
                out.append(Problem(f"{f.field or f.name}: the brand font {font} has no glyph for {shown}; "
                                   "the PDF would fall back to another font: choose a brand font that covers "
                                   "the language, or change the text", slide=f"{s.id} [{scene.locale}]"))
    return out


def pptx_template(brand: Brand) -> PptxTemplate | None:
    """The chapter's own PowerPoint template, if its brand has one."""
    from .render_pptx import PptxTemplate  # python-pptx: imported only when a PPTX is made

    return PptxTemplate(brand.template, brand.template_layouts) if brand.template else None


def overflow_warnings(scene: DeckScene) -> list[Problem]:
    """One warning per text box still too long at its smallest allowed size."""
    out = []
    for s in scene.slides:
        for f in text_frames(s.frames):
            if f.overflow > 0.005:
                out.append(Problem(f"{f.field or f.name} is {round(f.overflow * 100)}% too long for its box "
                                   "even at the smallest allowed size; shorten the text",
                                   slide=f"{s.id} [{scene.locale}]"))
        for f in s.frames:
            if isinstance(f, ChartFrame):  # what a chart could not show in full (issue 16)
                out.extend(Problem(f"chart: {problem}", slide=f"{s.id} [{scene.locale}]") for problem in f.problems)
    return out


@dataclass
class Builder:
    """Builds decks; keeps what can be shared between decks and locales of one run."""

    options: BuildOptions
    progress: Callable[[str], None] = lambda message: None
    pdf: PdfRenderer = field(default_factory=PdfRenderer)
    html: HtmlRenderer = field(default_factory=HtmlRenderer)
    #: called with each composed scene and its brand (``deckgen check`` inspects them)
    on_scene: Callable[[DeckScene, Brand], None] = lambda scene, brand: None
    #: called with each PDF's output and what it holds
    on_pdf: Callable[[Output, PdfInfo], None] = lambda output, info: None
    #: PDF worker processes (deckgen.workers.start); None renders PDFs in this process. They
    #: are stopped (``terminate()``) as soon as every PDF of a render is back.
    pool: Any = None
    #: what the output folder holds; None builds everything and records nothing
    manifest: Manifest | None = None
    done: list[UnitResult] = field(default_factory=list)  # what the last render did, unit by unit
    all_units: int = 0  # units of the last plan before sharding
    _prints: Fingerprints = field(default_factory=Fingerprints)
    _brands: dict[tuple[Path, str], Brand] = field(default_factory=dict)
    _envs: dict[Path, tuple[Any, Sandbox]] = field(default_factory=dict)
    _given: set[tuple[str, str, str]] = field(default_factory=set)  # warnings given once per deck and brand

    @property
    def brand_override(self) -> str | None:
        return self.options.brand or self.options.chapter

    def brand(self, loaded: LoadedDeck, project: Path) -> Brand:
        brand_id = self.brand_override or loaded.deck.brand
        key = (project, brand_id)
        if key not in self._brands:
            referrer = None if self.brand_override else loaded.location(("brand",))
            brand = load_brand(brand_id, project, referrer)
            if brand.template is not None:  # report a broken chapter template before building anything
                from .render_pptx import PptxTemplate, check_template

                problems = check_template(PptxTemplate(brand.template, brand.template_layouts),
                                          SLIDE_KINDS, brand.location("template", "file"))
                if problems:
                    raise DeckgenError(problems)
            self._brands[key] = brand
        return self._brands[key]

    def locales(self, loaded: LoadedDeck, brand: Brand) -> list[str]:
        """The source language and every locale with a catalog, filtered by ``--locale`` or the chapter."""
        available = [loaded.deck.language] + [c for c in catalog_locales(loaded.directory)
                                               if c != loaded.deck.language]
        wanted = self.options.locales
        if not wanted and self.options.chapter and brand.spec.languages:
            wanted = tuple(brand.spec.languages)
        if not wanted:
            return available
        missing = [loc for loc in wanted if loc not in available]
        if missing:
            raise DeckgenError(
                f"deck '{loaded.deck.id}' has no catalog for {', '.join(missing)} (available: "
                f"{', '.join(available)}); start one with 'deckgen i18n init {display_path(loaded.directory)} "
                f"{missing[0]}'", loaded.location(("language",)))
        return [loc for loc in available if loc in wanted]

    def checked_locales(self, loaded: LoadedDeck, brand: Brand) -> list[str]:
        """:meth:`locales`, each catalog folder's name checked to be a locale (issue 12, B5)."""
        locales = self.locales(loaded, brand)
        for locale in locales:
            if locale != loaded.deck.language:
                check_locale_folder(loaded.directory, locale)
        return locales

    def plan(self, decks: list[LoadedDeck]) -> list[Unit]:
        """One unit of work per deck and locale; brand, template and catalog problems found up front."""
        _check_collisions(decks)
        units: list[Unit] = []
        problems: list[Problem] = []
        for loaded in decks:
            project = project_root(loaded.directory)
            try:
                brand = self.brand(loaded, project)
                locales = self.checked_locales(loaded, brand)
            except DeckgenError as exc:
                problems.extend(exc.problems)
                continue
            units.extend(Unit(loaded, project, brand, locale) for locale in locales)
        if problems:
            raise DeckgenError(problems)
        self.all_units = len(units)
        return shard_units(units, self.options.shard) if self.options.shard else units

    def _env(self, unit: Unit) -> tuple[Any, Sandbox]:
        key = unit.loaded.directory
        if key not in self._envs:
            sandbox = Sandbox({"deck.invalid": unit.loaded.directory, "project.invalid": unit.project})
            self._envs[key] = (environment(layout_path(unit.loaded.directory, unit.project), sandbox), sandbox)
        return self._envs[key]

    def layouts(self, unit: Unit) -> tuple[Any, Sandbox]:
        """The layout environment and file sandbox of the unit's deck (shared by its locales)."""
        return self._env(unit)

    def translator(self, unit: Unit) -> SourceTranslator:
        """The unit's words: the source language as written, or the locale's catalog, checked."""
        if unit.locale == unit.loaded.deck.language:
            return SourceTranslator()
        return load_translator(unit.loaded.directory, unit.locale, self.options.fuzzy,
                               plural_counts(unit.loaded.deck))

    def fingerprints(self, unit: Unit) -> dict[str, tuple[Path, str]]:
        """Per format: the output path of *unit* and the fingerprint of its inputs."""
        loaded, locale = unit.loaded, unit.locale
        catalog = None if locale == loaded.deck.language else catalog_path(loaded.directory, locale)
        def kind(fmt: str) -> str:  # an untagged PDF is another output than the tagged one
            return "pdf-untagged" if fmt == "pdf" and not self.options.tags else format_key(fmt, self.options.formats)

        return {fmt: (output_path(self.options.out, loaded.deck.id, locale, fmt, self.brand_override),
                      self._prints.of(unit.project, loaded.directory, locale, catalog, kind(fmt),
                                      self.brand_override, self.options.fuzzy))
                for fmt in self.options.formats}

    def render_unit(self, unit: Unit) -> UnitResult:
        """Compose and render one deck in one locale, in memory (nothing, if its outputs are up to date)."""
        check()  # a safe point for Ctrl-C (deckgen.interrupts)
        loaded, brand, locale = unit.loaded, unit.brand, unit.locale
        out = UnitResult()
        if self.manifest is not None:
            prints = self.fingerprints(unit)
            out.inputs = {path: fp for path, fp in prints.values()}
            if not self.options.force and all(self.manifest.fresh(p, fp) for p, fp in prints.values()):
                for fmt, (path, _) in prints.items():
                    out.unchanged.append(Output(loaded.deck.id, locale, fmt, path, path.stat().st_size))
                    out.warnings.extend(Problem(w) for w in self.manifest.warnings(path))
                out.warnings = list({str(w): w for w in out.warnings}.values())
                return out
        try:
            translator = self.translator(unit)
        except DeckgenError as exc:
            out.problems.extend(exc.problems)
            return out
        env, sandbox = self._env(unit)
        try:
            words = translator_for(locale, translator)  # deckgen's own words: see phrasebook.py
        except DeckgenError as exc:
            out.problems.extend(exc.problems)
            return out
        install(env, words)
        deck = localise(loaded.deck, translator)
        scene = compose_deck(deck, loaded.directory, brand, locale, Phrases(env))
        if isinstance(translator, CatalogTranslator):
            out.warnings.extend(fallback_warnings(translator, loaded.deck))
        out.warnings.extend(words.warnings(own_words_location(loaded, translator)))
        out.warnings.extend(overflow_warnings(scene))
        # the same in every locale: given once per deck and brand
        out.warnings.extend(self._once(scene, brand, contrast_warnings(scene, brand) +
                                       alt_text_warnings(scene, loaded)))
        self.on_scene(scene, brand)
        lacking = missing_glyphs(scene, brand)
        if lacking:  # the PDF would silently take another font (or draw boxes)
            out.problems.extend(lacking)
            return out
        for fmt in self.options.formats:
            path = output_path(self.options.out, loaded.deck.id, locale, fmt, self.brand_override)
            if fmt == "pptx":  # drawn once every unit's PDFs are on their way (see _render)
                out.pptx.append((path, scene, brand))
                continue
            if fmt == "html":  # the slides' own HTML in a page of its own (render_html.py)
                pdf = path.with_suffix(".pdf").name if "pdf" in self.options.formats else None
                data = self.html.export(scene, layout_path(loaded.directory, unit.project), sandbox, words,
                                        pdf)
                out.results.append((path, data, Output(loaded.deck.id, locale, fmt, path, len(data))))
                continue
            self.progress(f"rendering {loaded.deck.id} [{locale}] pdf")
            if self.pool is not None:  # one job per part of the deck
                jobs = [PdfJob(part_of(scene, start, end), tuple(layout_path(loaded.directory, unit.project)),
                               tuple(sandbox.roots.items()), loaded.directory, locale, loaded.deck.language,
                               self.options.fuzzy, self.options.tags) for start, end in parts(len(scene.slides))]
                out.pending.append((path, Output(loaded.deck.id, locale, fmt, path, 0),
                                    [self.pool.apply_async(render_job, (job,)) for job in jobs]))
                continue
            self.pdf.tagged = self.options.tags
            data = self.pdf.render(scene, env, sandbox)
            output = Output(loaded.deck.id, locale, fmt, path, len(data))
            if self.pdf.last is not None:
                self.on_pdf(output, self.pdf.last)
            out.results.append((path, data, output))
        return out

    def _once(self, scene: DeckScene, brand: Brand, warnings: list[Problem]) -> list[Problem]:
        """The *warnings* not yet given for the deck of *scene* in *brand* (in another locale)."""
        out = []
        for w in warnings:
            key = (scene.deck_id, brand.id, w.message)
            if key not in self._given:
                self._given.add(key)
                out.append(w)
        return out

    def render(self, decks: list[LoadedDeck]) -> tuple[list[tuple[Path, bytes, Output]], list[Problem]]:
        """Render every output in memory (PDFs in the worker pool, when there is one)."""
        try:
            return self._render(decks)
        finally:
            self.pdf.close()  # the fonts and images were shared by this render's decks and locales

    def _render(self, decks: list[LoadedDeck]) -> tuple[list[tuple[Path, bytes, Output]], list[Problem]]:
        done = [self.render_unit(u) for u in self.plan(decks)]
        for d in done:  # the PPTX files: while the workers render the PDFs already sent, no worker waits
            for path, scene, brand in d.pptx:
                from .render_pptx import render_pptx  # python-pptx: only for a build that makes PPTX files

                check()
                self.progress(f"rendering {scene.deck_id} [{scene.locale}] pptx")
                data = render_pptx(scene, pptx_template(brand))
                d.results.append((path, data, Output(scene.deck_id, scene.locale, "pptx", path, len(data))))
            d.pptx.clear()
        self.done = done
        results = [r for d in done for r in d.results]
        warnings = [w for d in done for w in d.warnings]
        problems = [p for d in done for p in d.problems]
        parts_of: dict[Path, list[tuple[bytes, PdfInfo]]] = {}
        for d in done:
            for path, _, pending in d.pending:
                try:
                    parts_of[path] = [result(p, PART_TIMEOUT) for p in pending]
                except DeckgenError as exc:
                    problems.extend(exc.problems)
                except multiprocessing.TimeoutError:  # a worker died (a crash is never reported) or hangs
                    raise RenderError(f"{display_path(path)}: a PDF worker gave no answer in {PART_TIMEOUT} s; "
                                      "try again with --jobs 1 to render in the main process") from None
        if self.pool is not None:  # every PDF is back: free the workers' memory before joining the parts
            self.pool.terminate()
        for d in done:
            for path, output, _ in d.pending:
                if path not in parts_of:
                    continue
                rendered = parts_of.pop(path)
                data = join_pdfs([pdf for pdf, _ in rendered])
                output = replace(output, size=len(data))
                self.on_pdf(output, PdfInfo.join([info for _, info in rendered]))
                results.append((path, data, output))
        if problems:
            raise DeckgenError(problems)
        order = {(o.deck_id, o.locale): i for i, (_, _, o) in enumerate(results)}
        results.sort(key=lambda r: (order[(r[2].deck_id, r[2].locale)], r[2].format != "pptx"))
        return results, warnings


@dataclass(frozen=True)
class Unit:
    """One deck in one locale: what one worker renders."""

    loaded: LoadedDeck
    project: Path
    brand: Brand
    locale: str


@dataclass
class UnitResult:
    results: list[tuple[Path, bytes, Output]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    pending: list[tuple[Path, Output, list[Any]]] = field(default_factory=list)  # PDF parts rendering in workers
    pptx: list[tuple[Path, DeckScene, Brand]] = field(default_factory=list)  # PPTX files still to draw
    unchanged: list[Output] = field(default_factory=list)
    inputs: dict[Path, str] = field(default_factory=dict)  # output -> fingerprint of its inputs


def unit_cost(unit: Unit) -> int:
    """What a unit costs to build, in slides (the render time is about proportional), plus one for
    the fixed part (catalog, brand, package)."""
    return len(unit.loaded.deck.slides) + 1


def shard_units(units: list[Unit], shard: Shard) -> list[Unit]:
    """The units of *shard*: a deterministic, balanced split of *units* into ``shard.count`` parts.

    Longest first, each to the part with the least work so far (ties: the lower part). It depends
    only on the decks' ids, brands, locales and slide counts, never on the machine or the order of
    the folders given, so every shard of a CI matrix computes the same split.
    """
    def key(u: Unit) -> tuple[int, str, str, str]:
        return (-unit_cost(u), u.loaded.deck.id, u.brand.id, u.locale)

    load = [0] * shard.count
    mine = []
    for u in sorted(units, key=key):
        part = min(range(shard.count), key=lambda i: (load[i], i))
        load[part] += unit_cost(u)
        if part == shard.index - 1:
            mine.append(u)
    keep = {id(u) for u in mine}
    return [u for u in units if id(u) in keep]  # in build order


@dataclass(frozen=True)
class PlannedOutput:
    """One output a build would make (``deckgen plan``)."""

    deck: str
    deck_dir: str
    brand: str
    locale: str
    format: str
    output: str
    fingerprint: str  # of every input of the output (incremental.Fingerprints)
    up_to_date: bool  # the output folder holds it, made from the same inputs
    cost: int  # unit_cost of its unit


def plan(deck_dirs: list[Path], options: BuildOptions) -> list[PlannedOutput]:
    """Every output a build with *options* would make (its shard only, with ``options.shard``), in build
    order; raise :class:`DeckgenError` for the problems a build would stop on before rendering."""
    from .incremental import Manifest

    builder = Builder(options, manifest=Manifest.load(options.out))
    out = []
    for unit in builder.plan(load_decks(deck_dirs)):
        for fmt, (path, fingerprint) in builder.fingerprints(unit).items():
            out.append(PlannedOutput(unit.loaded.deck.id, display_path(unit.loaded.directory), unit.brand.id,
                                     unit.locale, fmt, display_path(path), fingerprint,
                                     not options.force and builder.manifest.fresh(path, fingerprint),
                                     unit_cost(unit)))
    return out


def _check_collisions(decks: list[LoadedDeck]) -> None:
    seen: dict[str, LoadedDeck] = {}
    problems = []
    for d in decks:
        if d.deck.id in seen and seen[d.deck.id].directory.resolve() != d.directory.resolve():
            problems.append(Problem(f"deck id '{d.deck.id}' is also used by {display_path(seen[d.deck.id].file)}; "
                                    "their outputs would overwrite each other: give each deck its own id",
                                    d.location(("id",))))
        seen.setdefault(d.deck.id, d)
    if problems:
        raise DeckgenError(problems)


def build(deck_dirs: list[Path], options: BuildOptions,
          progress: Callable[[str], None] = lambda message: None,
          written: Callable[[Output], None] = lambda output: None, pool: Any = None) -> BuildReport:
    """Build *deck_dirs* with *options*; raise :class:`DeckgenError` before writing anything if a deck is bad.

    *pool* is a pool of PDF workers already warming up (:func:`deckgen.workers.start`).
    """
    started = time.perf_counter()
    publish.recover(options.out)  # a build killed while publishing: finish it first (issue 12, B17)
    decks = load_decks(deck_dirs)
    manifest = Manifest.load(options.out)
    builder = Builder(options, progress, pool=pool, manifest=manifest)
    results, warnings = builder.render(decks)
    if not builder.done:  # an empty shard: nothing to write, not even the manifest
        return BuildReport(all_units=builder.all_units, seconds=time.perf_counter() - started)
    if options.strict and warnings:
        raise DeckgenError([Problem(f"{w.message} (--strict: warnings are errors)", w.location, w.slide)
                            for w in warnings])
    # not the decks' fault, so never an error with --strict (issue 12, B19)
    report = BuildReport(warnings=warnings + [Problem(p, Location(display_path(manifest.path)))
                                              for p in manifest.problems],
                         units=len(builder.done), all_units=builder.all_units)
    write_all([(path, data) for path, data, _ in results], options.out)
    inputs = {p: fp for d in builder.done for p, fp in d.inputs.items()}
    unit_warnings = {p: [str(w) for w in d.warnings] for d in builder.done for p in d.inputs}
    for path, data, output in results:
        manifest.record(path, inputs[path], data, unit_warnings.get(path, []))
        report.outputs.append(output)
        written(output)
    report.unchanged = [o for d in builder.done for o in d.unchanged]
    for d in decks:
        manifest.decks[str(d.directory.resolve())] = {"id": d.deck.id, "language": d.deck.language}
    try:
        write_all([(manifest.path, manifest.to_bytes())], options.out)
    except OutputError:  # the outputs are written; the next build just rebuilds them
        pass
    report.seconds = time.perf_counter() - started
    return report
