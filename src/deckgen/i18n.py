"""Translation through gettext catalogs: extract, localise, and keep catalogs healthy.

* What is translatable is declared once per model (``_i18n`` in :mod:`deckgen.model`);
  :func:`deck_messages` walks exactly those fields, so what is extracted is what is
  translated.  Each message's ``msgctxt`` is ``<slide-id>.<field>`` (``deck.title``
  and ``event.<id>.<field>`` outside slides), so the same English word on two slides
  can be translated differently, and a reordered list keeps its translations.
* Catalogs live at ``decks/<deck>/locales/<locale>/LC_MESSAGES/deck.po`` and are read
  directly (no ``.mo`` files to go stale).
* Translations are untrusted: they go through the same inline markup as the source,
  and one whose markup or placeholders differ from the source is an error naming the
  PO file and line.
"""

from __future__ import annotations

import difflib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po, unescape
from pydantic import BaseModel

from .errors import Location, Problem, TranslationError, display_path
from .markup import markup_signature, parse
from .paths import catalog_locales, catalog_path, confine  # noqa: F401 (catalog_locales re-exported)
from .model import Deck, Figure, FiguresSlide, Plural
from .placeholders import format_specs
from .plural import PluralError, check_plural, compile_plural

LOCALES_DIR = "locales"
DOMAIN = "deck"
POT_NAME = f"{DOMAIN}.pot"
PHRASES_TEMPLATE = "phrases.j2"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: the largest catalog read: a deck's catalog is a few hundred KiB
MAX_CATALOG_BYTES = 10 * 1024 * 1024


# --- walking the model --------------------------------------------------------------

@dataclass(frozen=True)
class DeckMessage:
    """One translatable text of a deck."""

    context: str
    msgid: str
    plural: str | None  # the plural source form, for counted phrases
    path: tuple[Any, ...]  # where it is in the deck data (for the line number)
    slide: str | None
    kind: str
    title: str


def field_path(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int))


def _walk(obj: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str | Plural]]:
    """Every translatable value below *obj*: (path, text or plural)."""
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _walk(item, path + (i,))
        return
    if not isinstance(obj, BaseModel):
        return
    names = getattr(type(obj), "_i18n", ())
    for name in type(obj).model_fields:
        value = getattr(obj, name)
        if value is None or name in ("id", "kind"):
            continue
        if name in names:
            if isinstance(value, (str, Plural)):
                yield path + (name,), value
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    if isinstance(v, str):
                        yield path + (name, i), v
            continue
        if isinstance(value, (BaseModel, list)):
            yield from _walk(value, path + (name,))
    # values whose translatability depends on other fields (a table's text cells, not its numbers)
    items = getattr(obj, "i18n_items", None)
    if items is not None:
        for rel, text in items():
            yield path + rel, text


def _kind_context(name: str) -> Any:
    """The kind's own msgctxt function, if it has one (a table names a cell's row and column)."""
    from .kinds import kind

    return kind(name).context


def deck_messages(deck: Deck) -> list[DeckMessage]:
    """Every translatable text of *deck*, in document order."""
    out: list[DeckMessage] = []
    for path, value in _walk(deck, ()):
        if path[0] == "slides":
            slide = deck.slides[path[1]]
            sid, kind = slide.sid, slide.kind
            title = getattr(slide, "title", None) or ""
            own = _kind_context(kind)
            context = own(slide, path[2:]) if own else f"{sid}.{field_path(path[2:])}"
        elif path[0] == "events":
            ev = deck.events[path[1]]
            sid, kind, title = None, "event", ev.title
            context = f"event.{ev.id}.{field_path(path[2:])}"
        else:
            sid, kind, title = None, "deck", deck.title
            context = f"deck.{field_path(path)}"
        if isinstance(value, Plural):
            out.append(DeckMessage(context, value.one, value.other, path, sid, kind, title))
        else:
            out.append(DeckMessage(context, value, None, path, sid, kind, title))
    return out


# --- translators -----------------------------------------------------------------

class SourceTranslator:
    """The source language: every text as written."""

    locale = ""

    def gettext(self, message: str) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return singular if n == 1 else plural


@dataclass
class CatalogTranslator(SourceTranslator):
    """Translations from one PO catalog; records what had to fall back to the source."""

    catalog: Catalog
    file: Path
    locale: str = ""
    use_fuzzy: bool = False
    missing: list[tuple[str | None, str, bool]] = field(default_factory=list)  # (ctx, id, fuzzy)

    def __post_init__(self) -> None:
        # checked by read_catalog; never Python's eval (gettext.c2py), whatever the header says
        self._plural = compile_plural(self.catalog.plural_expr or "(n != 1)")

    def usable(self, context: str | None, msgid: str) -> Message | None:
        """The catalog's entry for *msgid* in *context* if it has a translation to use; records nothing."""
        msg = self.catalog.get(msgid, context=context)
        usable = msg is not None and msg.string and (self.use_fuzzy or not msg.fuzzy)
        if isinstance(msg.string if msg else None, tuple):
            usable = usable and all(msg.string)  # type: ignore[union-attr]
        return msg if usable else None

    def _lookup(self, context: str | None, msgid: str) -> Message | None:
        msg = self.usable(context, msgid)
        if msg is None:
            found = self.catalog.get(msgid, context=context)
            self.missing.append((context, msgid, bool(found is not None and found.fuzzy and found.string)))
        return msg

    def gettext(self, message: str) -> str:
        msg = self._lookup(None, message)
        return str(msg.string) if msg else message

    def pgettext(self, context: str, message: str) -> str:
        msg = self._lookup(context, message)
        return str(msg.string) if msg else message

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        msg = self._lookup(context, singular)
        if msg is None:
            return singular if n == 1 else plural
        forms = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        try:
            index = min(self._plural(n), len(forms) - 1)
        except PluralError as exc:  # a count no check saw (a layout's own ngettext call)
            raise TranslationError(f"the Plural-Forms header cannot be used: {exc}; copy it from "
                                   "'deckgen i18n init' for your language",
                                   Location(display_path(self.file), _header_line(self.file, "Plural-Forms"))) from None
        return str(forms[index])

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.npgettext(None, singular, plural, n)  # type: ignore[arg-type]


# --- catalogs on disk ------------------------------------------------------------------

def locales_dir(deck_dir: Path) -> Path:
    return deck_dir / LOCALES_DIR


def po_path(deck_dir: Path, locale: str) -> Path:
    return catalog_path(deck_dir, locale)


def parse_locale(code: str) -> Locale:
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        raise TranslationError(f"unknown locale '{code}'; use a code such as fr, de, es, nl, el or pt_BR") from None


def nearest_locale(code: str) -> str | None:
    """The known locale code closest to *code* (``pt-BR`` → ``pt_BR``, ``fr_fr`` → ``fr_FR``)."""
    from babel.localedata import locale_identifiers

    known = locale_identifiers()
    lang, _, region = code.replace("-", "_").partition("_")
    exact = f"{lang.lower()}_{region.upper()}" if region else lang.lower()
    if exact in known:
        return exact
    close = difflib.get_close_matches(exact, known, n=1, cutoff=0.6)
    return close[0] if close else None


def check_locale_folder(deck_dir: Path, code: str) -> None:
    """Refuse a catalog folder ``locales/<code>/`` whose name is not a locale Babel knows."""
    try:
        Locale.parse(code)
        return
    except (UnknownLocaleError, ValueError, TypeError):
        pass
    nearest = nearest_locale(code)
    hint = f"; did you mean '{nearest}'?" if nearest else ""
    raise TranslationError(
        f"'{code}' is not a locale code{hint} Name the folder after the language, in lower case "
        "(fr, de, el), and add the country in upper case after an underscore only when it matters "
        "(pt_BR, fr_CH); then run 'deckgen i18n update'",
        Location(display_path(deck_dir / LOCALES_DIR / code)))


_PO_STRING = r'"(?:[^"\\]|\\["\\abfnrtv?\']|\\[0-7]{1,3}|\\x[0-9A-Fa-f]+)*"'
_PO_LINE = re.compile(
    rf"^\s*(?:(?:#~\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_PO_STRING}|"
    rf"(?:#~\s*|#\|\s*(?:(?:msgctxt|msgid|msgid_plural)\s+)?)?{_PO_STRING})\s*$")


def _lint(text: str, where: str) -> tuple[list[Problem], dict[tuple[str | None, str], list[str]]]:
    """Check the PO syntax Babel tolerates (it silently drops the last character of an
    unterminated string), and collect the previous msgids of fuzzy entries (``#|``),
    which Babel does not read back."""
    problems: list[Problem] = []
    previous: dict[tuple[str | None, str], list[str]] = {}
    block: dict[str, list[str]] = {}
    current = ""

    def flush() -> None:
        if "prev_msgid" in block and "msgid" in block:
            ctx = "".join(block["msgctxt"]) if "msgctxt" in block else None
            previous[(ctx, "".join(block["msgid"]))] = ["".join(block["prev_msgid"])]
        block.clear()

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            current = ""
            continue
        if line.startswith("#") and not line.startswith(("#|", "#~")):
            continue
        if not _PO_LINE.match(line):
            problems.append(Problem(f"broken PO syntax: {line[:60]!r} (a string must be one line in "
                                    "double quotes, with \\\" for a quote); fix it in a PO editor such as Poedit",
                                    Location(where, lineno)))
            continue
        m = re.match(r"^(#\|\s*|#~\s*)?(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)?\s*(\".*\")$", line)
        if not m:
            continue
        prefix, keyword, literal = m.groups()
        value = unescape(literal)
        if _CONTROL.search(value):
            problems.append(Problem("a control character (U+0000-U+001F) that documents cannot contain; "
                                    "remove it", Location(where, lineno)))
        if prefix and prefix.startswith("#~"):
            continue
        if keyword:
            current = ("prev_" if prefix else "") + keyword
            if prefix is None and keyword == "msgctxt":
                block.pop("msgctxt", None)
            block.setdefault(current, []).append(value)
        elif current:
            block.setdefault(current, []).append(value)
    flush()
    return problems, previous


def _header_line(source: Path | str, name: str) -> int | None:
    """The line of the catalog header field *name* (``Plural-Forms``) in a file or its text."""
    if isinstance(source, Path):
        try:
            source = source.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    pattern = re.compile(rf'^\s*(?:msgstr\s+)?"{re.escape(name)}:', re.IGNORECASE)
    return next((i for i, line in enumerate(source.splitlines(), 1) if pattern.match(line)), None)


def _header_problems(catalog: Catalog, text: str, where: str) -> list[Problem]:
    """The header fields deckgen relies on: the charset (UTF-8) and the plural rule."""
    problems = []
    charset = (catalog.charset or "utf-8").lower().replace("_", "-")
    if charset not in ("utf-8", "utf8"):
        problems.append(Problem(
            f"the Content-Type header says charset={catalog.charset}, but deckgen reads every catalog "
            "as UTF-8 (and other charsets would garble the text): save the file as UTF-8 and set "
            "charset=UTF-8 in the header", Location(where, _header_line(text, "Content-Type"))))
    plural = Location(where, _header_line(text, "Plural-Forms"))
    how = "copy it from 'deckgen i18n init' for your language"
    if not 1 <= catalog.num_plurals <= 6:
        problems.append(Problem(f"the Plural-Forms header is not valid: nplurals={catalog.num_plurals} "
                                f"(1 to 6 forms); {how}", plural))
    else:
        why = check_plural(catalog.plural_expr or "(n != 1)", catalog.num_plurals)
        if why:
            problems.append(Problem(f"the Plural-Forms header is not valid: {catalog.plural_forms!r}: {why}; "
                                    f"{how}", plural))
    return problems


def read_catalog(file: Path, locale: str | None = None) -> Catalog:
    """Read a PO file; any syntax problem is an error with the file and line."""
    where = display_path(file)
    try:
        if file.stat().st_size > MAX_CATALOG_BYTES:
            raise TranslationError(f"the catalog is larger than {MAX_CATALOG_BYTES // 2**20} MiB; "
                                   "a deck's catalog is far smaller: is it the right file?", Location(where))
        text = file.read_text(encoding="utf-8").removeprefix("\ufeff")  # a BOM some editors write
    except UnicodeDecodeError as exc:
        raise TranslationError(f"not UTF-8 text (byte {exc.start}); save the catalog as UTF-8",
                               Location(where)) from None
    problems, previous = _lint(text, where)
    if problems:
        raise TranslationError(problems)
    nplurals = re.search(r'^\s*"Plural-Forms:[^"\n]*?nplurals\s*=\s*([^;"\s]*)', text, re.M | re.I)
    if nplurals and not nplurals.group(1).isdigit():  # Babel would stop with int()'s ValueError
        raise TranslationError(f"the Plural-Forms header is not valid: nplurals={nplurals.group(1)[:20]} is not a "
                               "number; copy the header from 'deckgen i18n init' for your language",
                               Location(where, _header_line(text, "Plural-Forms")))
    try:
        # text, not bytes: Babel would decode bytes with whatever charset the header names
        catalog = read_po(io.StringIO(text), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        m = re.search(r"line (\d+)", str(exc)) or re.search(r" on (\d+)\s*$", str(exc))
        line = int(m.group(1)) if m else None
        raise TranslationError(f"broken PO file: {exc}; fix it in a PO editor such as Poedit",
                               Location(where, line)) from None
    except (ValueError, UnknownLocaleError) as exc:  # e.g. nplurals=x
        line = _header_line(text, "Plural-Forms") if "nplurals" in text else None
        raise TranslationError(f"cannot read the catalog header: {exc}; copy the header from "
                               "'deckgen i18n init' for your language", Location(where, line)) from None
    problems = _header_problems(catalog, text, where)
    if problems:
        raise TranslationError(problems)
    for (ctx, msgid), ids in previous.items():
        msg = catalog.get(msgid, context=ctx)
        if msg is not None:
            msg.previous_id = ids
    return catalog


def _link_targets(text: str) -> set[str]:
    """Where the links of *text* lead once it is shown: links, bare and e-mail addresses, #tags, @handles."""
    return {r.href for r in parse(text) if r.href is not None and r.kind != "text"}


def _added_links(sources: tuple[str, ...], text: str) -> list[str]:
    """The link targets of translation *text* that none of its *sources* (singular, plural) has."""
    return sorted(_link_targets(text) - set().union(*(_link_targets(s) for s in sources)))


def check_catalog(catalog: Catalog, file: Path, include_fuzzy: bool = False) -> list[Problem]:
    """Translations whose markup, placeholders, links or plural forms do not match their source.

    Fuzzy translations are checked too when *include_fuzzy* (``--fuzzy`` uses them).
    """
    where = display_path(file)
    problems: list[Problem] = []
    for msg in catalog:
        if not msg.id or not msg.string or (msg.fuzzy and not include_fuzzy):
            continue
        sources = msg.id if isinstance(msg.id, tuple) else (msg.id,)
        strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        loc = Location(where, msg.lineno)
        if isinstance(msg.id, tuple) and len(strings) != catalog.num_plurals:
            problems.append(Problem(f"{len(strings)} plural forms for '{sources[0]}', the catalog's "
                                    f"Plural-Forms header says {catalog.num_plurals}", loc))
        for text in strings:
            if not text:
                continue
            src_ph, tr_ph = set(format_specs(sources[0])), set(format_specs(text))
            if src_ph != tr_ph:
                want = ", ".join(sorted(src_ph)) or "none"
                found = ", ".join(sorted(tr_ph)) or "none"
                problems.append(Problem(f"placeholders of the translation of '{shorten(sources[0])}' differ "
                                        f"from the source (expected: {want}) as it has {found}; write each "
                                        "%(name)s exactly as the source does (a lone % is fine)", loc))
                continue
            src_sig, tr_sig = markup_signature(sources[0]), markup_signature(text)
            # bold, italic and links carry meaning and must match; ^sup^/~sub~ are typography
            # that differs per language (1^st^, 1^er^, 1.) and may differ
            if (src_sig[0], src_sig[1], src_sig[4]) != (tr_sig[0], tr_sig[1], tr_sig[4]):
                problems.append(Problem(
                    f"the translation of '{shorten(sources[0])}' has different inline markup from the source "
                    f"(source: {_describe_marks(src_sig)}; translation: {_describe_marks(tr_sig)}); "
                    "keep the same **bold**, *italic* and [links](…)", loc))
                continue
            added = _added_links(sources, text)  # a bare address becomes a link too (issue 12, B6)
            if added:
                problems.append(Problem(
                    f"the translation of '{shorten(sources[0])}' links to {', '.join(added)}, which the source "
                    "does not: a translation may only carry the links its source has (addresses, e-mail "
                    "addresses, #hashtags and @handles); remove it or ask for the source to change", loc))
    return problems


def _describe_marks(sig: tuple[Any, ...]) -> str:
    bold, italic, _, _, links = sig[:5]
    return f"{bold} bold, {italic} italic, {links} link{'s' if links != 1 else ''}"


def shorten(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def catalog_file(deck_dir: Path, locale: str) -> Path:
    """The catalog of *locale*, once its folder name is a locale and it stays inside the deck folder."""
    check_locale_folder(deck_dir, locale)
    file = po_path(deck_dir, locale)
    confine(file, deck_dir, "the deck folder", TranslationError)  # a link to /etc/passwd (issue 12, B7–B9)
    return file


def plural_counts(deck: Deck) -> set[int]:
    """The counts the deck's counted phrases agree with (the values of its figures)."""
    return {_count(f) for s in deck.slides if isinstance(s, FiguresSlide)
            for f in s.figures if isinstance(f.label, Plural)}


def check_plural_counts(catalog: Catalog, file: Path, counts: Iterable[int]) -> list[Problem]:
    """The catalog's plural rule evaluated for every count the deck shows (issue 12, B2)."""
    counts = set(counts)
    why = check_plural(catalog.plural_expr or "(n != 1)", catalog.num_plurals, counts) if counts else None
    if why is None:
        return []
    return [Problem(f"the Plural-Forms header cannot be used for this deck: {why}; copy it from "
                    "'deckgen i18n init' for your language",
                    Location(display_path(file), _header_line(file, "Plural-Forms")))]


def load_translator(deck_dir: Path, locale: str, use_fuzzy: bool = False,
                    counts: Iterable[int] = ()) -> CatalogTranslator:
    """The checked catalog of *locale*; *counts* are the numbers the deck's counted phrases agree with."""
    file = catalog_file(deck_dir, locale)
    catalog = read_catalog(file, locale)
    problems = check_catalog(catalog, file, include_fuzzy=use_fuzzy) + check_plural_counts(catalog, file, counts)
    if problems:
        raise TranslationError(problems)
    return CatalogTranslator(catalog, file, locale, use_fuzzy)


# --- localising a deck ------------------------------------------------------------

def localise(deck: Deck, translator: SourceTranslator) -> Deck:
    """A copy of *deck* with every translatable text replaced by its translation."""
    messages = {m.path: m for m in deck_messages(deck)}

    def rebuild(obj: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(obj, list):  # a text in a list of lists (a table's cell) is translated here
            return [translator.pgettext(messages[path + (i,)].context, v)
                    if isinstance(v, str) and path + (i,) in messages else rebuild(v, path + (i,))
                    for i, v in enumerate(obj)]
        if not isinstance(obj, BaseModel):
            return obj
        update: dict[str, Any] = {}
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            p = path + (name,)
            if isinstance(value, str) and p in messages:
                update[name] = translator.pgettext(messages[p].context, value)
            elif isinstance(value, Plural) and p in messages:
                m = messages[p]
                n = _count(obj)
                update[name] = translator.npgettext(m.context, value.one, value.other, n)
            elif isinstance(value, list) and any((p + (i,)) in messages for i in range(len(value))):
                update[name] = [translator.pgettext(messages[p + (i,)].context, v) if (p + (i,)) in messages
                                else rebuild(v, p + (i,)) for i, v in enumerate(value)]
            elif isinstance(value, (BaseModel, list)):
                update[name] = rebuild(value, p)
        return obj.model_copy(update=update) if update else obj

    return rebuild(deck, ())


def _count(obj: Any) -> int:
    """The number a counted phrase agrees with (a figure's value)."""
    if isinstance(obj, Figure) and obj.value is not None:
        v = obj.value
        return abs(int(v)) if float(v).is_integer() else 2  # gettext counts are unsigned
    return 2


def fallback_warnings(translator: CatalogTranslator, deck: Deck) -> list[Problem]:
    """One warning per text shown in the source language because it has no usable translation."""
    by_ctx = {m.context: m for m in deck_messages(deck)}
    out, seen = [], set()
    for ctx, msgid, fuzzy in translator.missing:
        if (ctx, msgid) in seen:
            continue
        seen.add((ctx, msgid))
        m = by_ctx.get(ctx or "")
        slide = m.slide if m else None
        why = "only a fuzzy translation (not used; --fuzzy uses it)" if fuzzy else "no translation"
        where = f"slide {slide} [{translator.locale}]" if slide else f"[{translator.locale}] {ctx}"
        out.append(Problem(f"{where}: {why} for '{shorten(msgid)}'; showing the source text",
                           Location(display_path(translator.file))))
    return out
