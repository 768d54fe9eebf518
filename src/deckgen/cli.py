"""The ``deckgen`` command line.  Thin: parse options, call the core, report.

Exit codes: 0 success, 1 a problem in the user's files (printed as
``file:line:col: slide <id>: …``, never a traceback), 2 a usage error.
"""

from __future__ import annotations

import atexit
import json
import os
import sys
from pathlib import Path

import click

from .errors import DeckgenError

HELP_BUILD = """Build decks into PPTX and PDF.

DECK_DIR is a deck folder (holding deck.yaml); with none, every deck under decks/ is built.
Outputs go to OUT/<deck-id>/<locale>/<deck-id>-<locale>.pptx and .pdf."""


def _version() -> str:
    from . import __version__

    return __version__


class DeckgenGroup(click.Group):
    """Turns :class:`DeckgenError` into ``Error:`` lines and exit code 1, Ctrl-C into one line and 130."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        from .interrupts import EXIT_CODE, Interrupted

        try:
            return super().invoke(ctx)
        except DeckgenError as exc:
            for problem in exc.problems:
                click.echo(f"Error: {problem}", err=True)
            if len(exc.problems) > 1:
                click.echo(f"{len(exc.problems)} problems; nothing was written.", err=True)
            ctx.exit(1)
        except (Interrupted, KeyboardInterrupt):
            click.echo(_interrupted(), err=True)
            ctx.exit(EXIT_CODE)


def _interrupted() -> str:
    """The one line printed on Ctrl-C."""
    from .publish import written

    n = written()
    if not n:
        return "Interrupted; nothing was written."
    if n == 1:
        return "Interrupted; the file written before it is complete."
    return f"Interrupted; the {n} files written before it are complete."


@click.group(cls=DeckgenGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(_version(), prog_name="deckgen")
def main() -> None:
    """deckgen: one deck definition → on-brand, translated PPTX and PDF decks."""


def run() -> None:
    """The ``deckgen`` program (and ``python -m deckgen``): :func:`main`, then a quick exit.

    A build leaves large object graphs behind (XML trees, catalogs, compiled layouts) that
    the interpreter takes about half a second to take apart at exit. By then every file is
    written and renamed and the PDF workers are stopped, so once the exit handlers have run
    (they remove temporary folders) and the output is flushed, the process ends at once.
    """
    from . import interrupts

    interrupts.install()  # Ctrl-C stops the command at its next safe point, like an error
    try:
        main(prog_name="deckgen")  # standalone mode: always ends with SystemExit
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    interrupts.ignore()  # a second Ctrl-C must not stop the exit handlers half-way
    if interrupts.pending() and code != interrupts.EXIT_CODE:  # pressed after the last safe point
        print(_interrupted(), file=sys.stderr)
        code = interrupts.EXIT_CODE
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)  # CPython: what a normal exit runs first
    if run_exit_handlers is None:  # pragma: no cover - another interpreter: exit the usual way
        sys.exit(code)
    run_exit_handlers()  # e.g. multiprocessing removes its temporary folder
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # e.g. a closed pipe: 'deckgen ... | head'
        code = code or 1
    os._exit(int(code or 0))


class ShardParam(click.ParamType):
    """``K/N``: the K-th of N parts of a build (a usage error, exit code 2, otherwise)."""

    name = "K/N"

    def convert(self, value, param, ctx):  # type: ignore[no-untyped-def]
        from .build import Shard

        if isinstance(value, Shard):
            return value
        try:
            return Shard.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


SHARD_HELP = ("Build only the K-th of N balanced parts of the units (deck × brand × locale), e.g. 2/3; "
              "the N parts together make exactly the full build (docs/ci.md).")


def _human(size: int) -> str:
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def _reporters(quiet: bool):
    """The progress and one-line-per-file callbacks of ``build`` and ``announce``."""
    from .errors import display_path

    def progress(message: str) -> None:
        if not quiet and sys.stderr.isatty():
            click.echo(f"  {message}…", err=True)

    def written(output) -> None:
        if not quiet:
            click.echo(f"wrote {display_path(output.path)} ({_human(output.size)})")

    return progress, written


def _deck_dirs(paths: tuple[Path, ...]) -> list[Path]:
    from .build import find_decks, project_root

    if paths:
        return list(paths)
    found = find_decks(project_root(Path.cwd()))
    if not found:
        raise DeckgenError("no decks found under decks/; pass a deck folder or create one with 'deckgen new'")
    return found


@main.command(help=HELP_BUILD)
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Output folder.")
@click.option("--format", "-f", "formats", type=click.Choice(["pptx", "pdf", "html"]), multiple=True,
              help="Output format (repeatable); default: pptx and pdf. html: a web page of the deck.")
@click.option("--locale", "-l", "locales", multiple=True, metavar="CODE",
              help="Build only this locale (repeatable); default: all the deck has.")
@click.option("--brand", "-b", "brand", default=None, metavar="ID",
              help="Build in this brand's look instead of the deck's own (outputs under OUT/<deck>/<brand>/).")
@click.option("--chapter", "-c", default=None, metavar="ID",
              help="Everything for one chapter: its brand and its languages (brand.yaml 'languages').")
@click.option("--strict", is_flag=True,
              help="Treat warnings (missing translations, text too long for its box) as errors.")
@click.option("--fuzzy", is_flag=True, help="Use fuzzy (not yet reviewed) translations.")
@click.option("--force", is_flag=True, help="Rebuild outputs even if their inputs did not change.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None,
              help="PDF worker processes [default: one per processor; 1 renders in this process].")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--shard", type=ShardParam(), default=None, help=SHARD_HELP)
@click.option("--no-tags", "no_tags", is_flag=True,
              help="Write untagged PDFs (by default they are tagged PDF/UA-1 for screen readers; "
                   "docs/accessibility.md).")
def build(deck_dirs: tuple[Path, ...], out: Path, formats: tuple[str, ...], locales: tuple[str, ...],
          brand: str | None, chapter: str | None, strict: bool, fuzzy: bool, force: bool, jobs: int | None,
          quiet: bool, shard, no_tags: bool = False) -> None:
    from . import workers
    from .publish import recover

    if brand and chapter:
        raise click.UsageError("use --brand or --chapter, not both (a chapter names its brand)")
    recover(out)  # a build killed while putting its files in place: finish that first
    # (the quick check fingerprints tagged PDFs only: an untagged build takes the full path)
    if not force and not chapter and not shard and not no_tags and _nothing_changed(
            deck_dirs, out, formats, locales, brand, fuzzy, strict, quiet):
        return

    # start the PDF workers first, while this process is small: they import WeasyPrint
    # while the decks are read and composed here
    wants_pdf = not formats or "pdf" in formats
    # no more workers than PDFs to make: a one-locale build needs one
    wanted = len(locales) * max(1, len(deck_dirs)) if locales else workers.default_jobs()
    # (the default starts a worker even for one PDF: it imports WeasyPrint meanwhile; -j 1 does not)
    try:
        pool = workers.start(min(jobs or workers.default_jobs(), wanted)) if wants_pdf and jobs != 1 else None
        _build(deck_dirs, out, formats, locales, brand, chapter, strict, fuzzy, force, quiet, pool, shard,
               tags=not no_tags)
    finally:  # also while the pool is still starting, and on Ctrl-C (issue 12, B18, B20)
        workers.stop_all()


def _nothing_changed(deck_dirs: tuple[Path, ...], out: Path, formats: tuple[str, ...], locales: tuple[str, ...],
                     brand: str | None, fuzzy: bool, strict: bool, quiet: bool) -> bool:
    """Report and return True when every output is up to date (checked without loading any deck)."""
    from .incremental import unchanged
    from .paths import find_decks, project_root

    dirs = list(deck_dirs) or find_decks(project_root(Path.cwd()))
    if not dirs:
        return False
    found = unchanged(dirs, out, tuple(dict.fromkeys(formats)) or ("pptx", "pdf"), locales, brand, fuzzy)
    if found is None:
        return False
    warnings = list(dict.fromkeys(w for _, ws in found for w in ws))
    if strict and warnings:
        return False  # the full build reports them as errors
    for w in warnings:
        click.echo(f"Warning: {w}", err=True)
    if not quiet:
        click.echo(f"nothing to do: {len(found)} files up to date in {out} (--force rebuilds them)")
    return True


def _build(deck_dirs: tuple[Path, ...], out: Path, formats: tuple[str, ...], locales: tuple[str, ...],
           brand: str | None, chapter: str | None, strict: bool, fuzzy: bool, force: bool, quiet: bool,
           pool, shard=None, tags: bool = True) -> None:
    from .build import FORMATS, BuildOptions
    from .build import build as run_build

    options = BuildOptions(out=out, formats=tuple(dict.fromkeys(formats)) or FORMATS, locales=locales,
                           brand=brand, chapter=chapter, strict=strict, fuzzy=fuzzy, force=force, shard=shard,
                           tags=tags)

    progress, written = _reporters(quiet)
    report = run_build(_deck_dirs(deck_dirs), options, progress, written, pool=pool)
    for w in report.warnings:
        click.echo(f"Warning: {w}", err=True)
    if shard and not report.units:
        click.echo(f"shard {shard}: no units to build ({report.all_units} in all, fewer than the shards); "
                   "nothing written")
        return
    if shard and not quiet:
        click.echo(f"shard {shard}: {report.units} of {report.all_units} units")
    if not quiet:
        total = sum(o.size for o in report.outputs)
        decks = len({o.deck_id for o in report.outputs + report.unchanged})
        kept = f"; {len(report.unchanged)} up to date" if report.unchanged else ""
        click.echo(f"built {len(report.outputs)} files from {decks} deck(s), {_human(total)}, "
                   f"in {report.seconds:.2f} s{kept}")


HELP_PLAN = """Print, as JSON, the outputs a build with the same options would make.

One object per output: deck, deck_dir, brand, locale, format, output (its path), fingerprint (of
every input it is made from), up_to_date (the output folder holds it, made from those inputs) and
cost (its unit's weight in the shard split). Nothing is rendered or written. With --shard, only
that part's outputs. CI uses it to name caches and to check the shards (docs/ci.md)."""


@main.command(help=HELP_PLAN)
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Output folder (its manifest tells what is up to date).")
@click.option("--format", "-f", "formats", type=click.Choice(["pptx", "pdf", "html"]), multiple=True,
              help="Output format (repeatable); default: both.")
@click.option("--locale", "-l", "locales", multiple=True, metavar="CODE",
              help="Only this locale (repeatable); default: all the deck has.")
@click.option("--brand", "-b", "brand", default=None, metavar="ID", help="In this brand's look.")
@click.option("--chapter", "-c", default=None, metavar="ID", help="One chapter: its brand and its languages.")
@click.option("--fuzzy", is_flag=True, help="Use fuzzy (not yet reviewed) translations.")
@click.option("--force", is_flag=True, help="Count every output as out of date.")
@click.option("--shard", type=ShardParam(), default=None, help=SHARD_HELP)
@click.option("--no-tags", "no_tags", is_flag=True, help="Plan untagged PDFs, as 'build --no-tags' makes them.")
def plan(deck_dirs: tuple[Path, ...], out: Path, formats: tuple[str, ...], locales: tuple[str, ...],
         brand: str | None, chapter: str | None, fuzzy: bool, force: bool, shard, no_tags: bool = False) -> None:
    from dataclasses import asdict

    from .build import FORMATS, BuildOptions
    from .build import plan as run_plan

    if brand and chapter:
        raise click.UsageError("use --brand or --chapter, not both (a chapter names its brand)")
    options = BuildOptions(out=out, formats=tuple(dict.fromkeys(formats)) or FORMATS, locales=locales,
                           brand=brand, chapter=chapter, fuzzy=fuzzy, force=force, shard=shard,
                           tags=not no_tags)
    planned = run_plan(_deck_dirs(deck_dirs), options)
    click.echo(json.dumps([asdict(p) for p in planned], indent=1, ensure_ascii=False))


@main.command()
@click.argument("deck_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default=None, help="Title of the new deck (default: from the folder name).")
@click.option("--brand", default=None, help="Brand id (default: the project's community brand).")
def new(deck_dir: Path, title: str | None, brand: str | None) -> None:
    """Create a new deck folder with a deck.yaml that builds as it is."""
    from .scaffold import scaffold

    file = scaffold(deck_dir, title=title, brand=brand)
    click.echo(f"created {file}")
    click.echo(f"build it with: deckgen build {deck_dir}")


@main.command()
@click.option("--indent", default=2, show_default=True, help="JSON indentation.")
def schema(indent: int) -> None:
    """Print the JSON Schema of deck.yaml (for editor completion and validation)."""
    from .model import deck_json_schema

    click.echo(json.dumps(deck_json_schema(), indent=indent, ensure_ascii=False))


@main.group()
def i18n() -> None:
    """Translate decks with gettext catalogs (PO files any translation tool opens)."""


def _loaded(deck_dirs: tuple[Path, ...]):
    from .build import project_root
    from .load import load_decks

    for loaded in load_decks(_deck_dirs(deck_dirs)):
        yield loaded, project_root(loaded.directory)


@i18n.command()
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def extract(deck_dirs: tuple[Path, ...]) -> None:
    """Write locales/deck.pot, the template of every text to translate."""
    from .catalogs import extract as run
    from .errors import display_path

    for loaded, project in _loaded(deck_dirs):
        pot, changed = run(loaded, project)
        click.echo(f"{'wrote' if changed else 'unchanged'} {display_path(pot)}")


@i18n.command()
@click.argument("deck_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("locale")
def init(deck_dir: Path, locale: str) -> None:
    """Start the catalog of LOCALE (e.g. fr, de, el) for a deck."""
    from .catalogs import init as run
    from .errors import display_path

    (loaded, project), = _loaded((deck_dir,))
    file = run(loaded, project, locale)
    click.echo(f"created {display_path(file)}")
    click.echo("translate it in any PO editor (Poedit, Weblate, …), then run 'deckgen build'")


@i18n.command()
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def update(deck_dirs: tuple[Path, ...]) -> None:
    """Re-extract and merge changes into every catalog (changed texts become fuzzy)."""
    from .catalogs import update as run
    from .errors import display_path

    for loaded, project in _loaded(deck_dirs):
        for file, changed in run(loaded, project):
            click.echo(f"{'updated' if changed else 'unchanged'} {display_path(file)}")


@i18n.command()
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=False, path_type=Path))
def stats(deck_dirs: tuple[Path, ...]) -> None:
    """How complete each translation is (fuzzy counts as not translated)."""
    from .catalogs import stats as run

    for loaded, _ in _loaded(deck_dirs):
        rows = run(loaded.directory)
        click.echo(f"{loaded.deck.id}:")
        if not rows:
            click.echo("  no catalogs yet; start one with 'deckgen i18n init DECK_DIR LOCALE'")
        for r in rows:
            stale = "  (out of date: run 'deckgen i18n update')" if r.stale else ""
            click.echo(f"  {r.locale:<6} {r.percent:5.1f}%  translated {r.translated}, fuzzy {r.fuzzy}, "
                       f"untranslated {r.untranslated}, obsolete {r.obsolete}{stale}")


@main.command()
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--locale", "-l", "locales", multiple=True, metavar="CODE", help="Check only this locale.")
@click.option("--brand", "-b", default=None, metavar="ID", help="Check in this brand's look.")
@click.option("--chapter", "-c", default=None, metavar="ID", help="Check one chapter: its brand and languages.")
@click.option("--fuzzy", is_flag=True, help="Accept fuzzy translations.")
def check(deck_dirs: tuple[Path, ...], locales: tuple[str, ...], brand: str | None, chapter: str | None,
          fuzzy: bool) -> None:
    """Report everything a build would complain about, and Slideshare readiness; write nothing.

    Checks the deck schema, brand, template bindings, missing or fuzzy translations, text too
    long for its box in every locale, glyphs the brand fonts lack, 16:9 landscape pages, only
    brand fonts embedded, a first-slide title readable as a 170-px thumbnail, and file size.
    Exit code 1 if anything is wrong.
    """
    from .build import BuildOptions
    from .checks import check as run_check

    options = BuildOptions(locales=locales, brand=brand, chapter=chapter, fuzzy=fuzzy)
    report = run_check(_deck_dirs(deck_dirs), options)
    # the same words as 'build' (a check is as strict as 'build --strict': a warning is an error)
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    checked = ", ".join(report.checked)
    if report.problems:
        count = len(report.problems)
        where = f" in {checked}" if checked else ""
        click.echo(f"{count} problem{'s' if count != 1 else ''}{where}; nothing was written.", err=True)
        sys.exit(1)
    click.echo(f"ok: {checked} ({len(report.outputs)} outputs rendered in memory, none written)")


@main.command()
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--locale", "-l", "locales", multiple=True, metavar="CODE", help="Preview only this locale.")
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Output folder.")
@click.option("--brand", "-b", default=None, metavar="ID", help="Preview in this brand's look.")
@click.option("--dpi", default=48, show_default=True, type=click.IntRange(16, 300), help="Resolution.")
def preview(deck_dirs: tuple[Path, ...], locales: tuple[str, ...], out: Path, brand: str | None, dpi: int) -> None:
    """PNG images of every slide and one contact sheet of the whole deck."""
    from .build import BuildOptions
    from .errors import display_path
    from .preview import preview as run_preview

    paths = run_preview(_deck_dirs(deck_dirs), BuildOptions(out=out, locales=locales, brand=brand), dpi)
    for sheet in (p for p in paths if p.name == "contact-sheet.png"):
        click.echo(f"wrote {display_path(sheet)} (and {display_path(sheet.parent)}/slide-*.png)")


HELP_SERVE = """Show a deck in the browser, redrawn as you save its files; translate it in place.

DECK_DIR is a deck folder (holding deck.yaml); with none, the project's only deck. The page
shows the slides as the PDF draws them, with every warning on its slide, and updates itself
when deck.yaml, a catalog, a brand, a layout or an image is saved. Translator mode (--translate,
or the page's Translate button) writes translations into the deck's PO files. It listens on
127.0.0.1 only; --host serves other machines and prints an access token. See docs/serve.md."""


@main.command(help=HELP_SERVE)
@click.argument("deck_dir", metavar="[DECK_DIR]", required=False,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--locale", "-l", default=None, metavar="CODE", help="Open the page in this locale.")
@click.option("--brand", "-b", default=None, metavar="ID", help="Open the page in this brand's look.")
@click.option("--translate", "-t", is_flag=True, help="Open the page in translator mode (with --locale).")
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default=None, metavar="ADDRESS",
              help="Serve other machines on this address (e.g. 0.0.0.0); prints an access token.")
@click.option("--fuzzy", is_flag=True, help="Show fuzzy (not yet reviewed) translations on the slides.")
def serve(deck_dir: Path | None, locale: str | None, brand: str | None, translate: bool, port: int,
          host: str | None, fuzzy: bool) -> None:
    import secrets

    from .serve import LOOPBACK, Settings
    from .serve import serve as run_serve

    if translate and not locale:
        raise click.UsageError("--translate needs --locale: the language to translate into")
    if deck_dir is None:
        found = _deck_dirs(())
        if len(found) > 1:
            raise DeckgenError("this project has several decks; name the one to serve, e.g. 'deckgen serve "
                               f"{found[0].relative_to(Path.cwd()) if found[0].is_relative_to(Path.cwd()) else found[0]}'")
        deck_dir = found[0]
    settings = Settings(host=host or LOOPBACK, port=port, token=secrets.token_urlsafe(24) if host else None,
                        locale=locale, brand=brand, translate=translate)
    run_serve(deck_dir, settings, fuzzy, say=lambda line: click.echo(line, err=line.startswith("Error:")))


HELP_ANNOUNCE = """Write the announcements of decks' events: calendar, posts, e-mail and flyer.

DECK_DIR is a deck folder (holding deck.yaml); with none, every deck under decks/ is announced.
For each locale, OUT/<deck-id>/<locale>/announce/ receives <deck-id>-<locale>.ics (the whole
series), -twitter.txt, -linkedin.txt and -facebook.txt posts, .eml (an e-mail ready to send)
and -flyer.pdf (one A4 page). Posts, e-mail and flyer are about the next date on or after
--next (default: today): run it each month for the reminder. See docs/announcements.md."""


@main.command(help=HELP_ANNOUNCE)
@click.argument("deck_dirs", metavar="[DECK_DIR]...", nargs=-1,
                type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--out", "-o", type=click.Path(file_okay=False, path_type=Path), default=Path("dist"),
              show_default=True, help="Output folder.")
@click.option("--locale", "-l", "locales", multiple=True, metavar="CODE",
              help="Announce only in this locale (repeatable); default: all the deck has.")
@click.option("--brand", "-b", default=None, metavar="ID", help="Use this brand instead of the decks' own.")
@click.option("--next", "next_date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="YYYY-MM-DD", help="Announce the next date on or after this day  [default: today].")
@click.option("--strict", is_flag=True, help="Treat warnings (missing translations) as errors.")
@click.option("--fuzzy", is_flag=True, help="Use fuzzy (not yet reviewed) translations.")
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
def announce(deck_dirs: tuple[Path, ...], out: Path, locales: tuple[str, ...], brand: str | None,
             next_date, strict: bool, fuzzy: bool, quiet: bool) -> None:
    from .announcing import AnnounceOptions
    from .announcing import announce as run_announce

    options = AnnounceOptions(out=out, locales=locales, brand=brand, strict=strict, fuzzy=fuzzy,
                              since=next_date.date() if next_date else None)

    progress, written = _reporters(quiet)
    report = run_announce(_deck_dirs(deck_dirs), options, progress, written)
    for w in report.warnings:
        click.echo(f"Warning: {w}", err=True)
    if not quiet:
        total = sum(o.size for o in report.outputs)
        decks = len({o.deck_id for o in report.outputs})
        click.echo(f"announced {len(report.outputs)} files from {decks} deck(s), {_human(total)}, "
                   f"in {report.seconds:.2f} s")
