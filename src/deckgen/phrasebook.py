"""deckgen's own words in every language: its own catalogs (gettext domain ``deckgen``).

deckgen writes some words itself, around a deck's data: the wording of a recurring
rule ("every 1st Wednesday of the month"), "today!", "300+", the page number, and
every label and sentence of the announcements.  Their English source is in the
layouts (``layouts/phrases.j2``, ``layouts/announce/*.j2``); their translations ship
with deckgen, in ``locale/<lang>/LC_MESSAGES/deckgen.po`` beside this module, with
the template ``locale/deckgen.pot``.  They are read and checked in memory exactly as
a deck's catalogs are (:func:`deckgen.i18n.read_catalog`, :func:`~deckgen.i18n.check_catalog`).
Everything CLDR has (weekday and month names, the word for "today", quotation marks,
list patterns, numbers) comes from Babel, never from these catalogs.

A phrase (``msgctxt`` + ``msgid``) is looked up, first match wins, in

1. the deck's own catalog for the locale: an override, with the same context and text;
2. deckgen's catalog for the locale, then for its language (``pt_BR``, then ``pt``);
3. the English source, recorded as missing: a warning naming the phrase, an error
   with ``--strict``.  English locales use the source and need no catalog.

A deck or project layout that overrides a template (the layout search path) changes
the phrases themselves; its words go through the same lookup.  A deck's source
language goes through it too, so an Italian deck gets Italian words.

Maintainers extract the phrases and bring every catalog up to date with one command,
from the repository root (docs/languages.md)::

    python -m deckgen.phrasebook
"""

from __future__ import annotations

import gettext as _gettext
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.messages.catalog import Catalog, Message

from .errors import Location, Problem, TranslationError, display_path
from .i18n import CatalogTranslator, check_catalog, read_catalog, shorten

DOMAIN = "deckgen"
LOCALE_DIR = Path(__file__).parent / "locale"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
#: the language of the phrases' source text
SOURCE_LANGUAGE = "en"


def catalog_file(code: str) -> Path:
    """``locale/<code>/LC_MESSAGES/deckgen.po`` of the package."""
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def shipped_languages() -> list[str]:
    """The locales deckgen's own words are translated into, sorted."""
    return sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


@lru_cache(maxsize=None)
def package_catalog(code: str) -> Catalog | None:
    """deckgen's catalog for *code* exactly (no fallback), read and checked; None if it has none."""
    file = catalog_file(code)
    if not file.is_file():
        return None
    catalog = read_catalog(file, code)
    problems = check_catalog(catalog, file)
    if problems:  # the tests check every shipped catalog: this is for a catalog edited in place
        raise TranslationError(problems)
    return catalog


@lru_cache(maxsize=None)
def phrase_keys() -> frozenset[tuple[str | None, str]]:
    """Every phrase of deckgen's own words: (msgctxt, msgid), from the template."""
    return frozenset((m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_catalog(POT) if m.id)


def is_english(locale: str) -> bool:
    return Locale.parse(locale).language == SOURCE_LANGUAGE


def catalog_chain(locale: str) -> list[tuple[str, Catalog]]:
    """deckgen's catalogs to look a phrase up in for *locale*: its own, then its language's."""
    parsed = Locale.parse(locale)
    codes = list(dict.fromkeys([str(parsed), parsed.language]))
    return [(code, cat) for code in codes if (cat := package_catalog(code)) is not None]


def _plural_rule(catalog: Catalog) -> Callable[[int], int]:
    return _gettext.c2py(catalog.plural_expr or "(n != 1)")


def own_words_location(loaded: Any, translator: Any) -> Location:
    """Where a warning about deckgen's own words points: the deck's catalog, or its ``language``."""
    if isinstance(translator, CatalogTranslator):
        return Location(display_path(translator.file))
    return loaded.location(("language",))


def translator_for(locale: str, deck: Any) -> PhraseTranslator:
    """The layouts' translator for *locale*, over the deck's catalog translator if it has one."""
    return PhraseTranslator(locale, deck if isinstance(deck, CatalogTranslator) else None)


@dataclass
class PhraseTranslator:
    """The words of the layouts in one locale: the deck's catalog, then deckgen's, then English.

    It is what the layouts' ``gettext``/``pgettext`` call (:func:`deckgen.layouts.install`);
    deck texts are translated by the deck's :class:`~deckgen.i18n.CatalogTranslator` alone.
    """

    locale: str
    deck: CatalogTranslator | None = None
    missing: list[tuple[str | None, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._english = is_english(self.locale)
        self._chain = [] if self._english else [(cat, _plural_rule(cat)) for _, cat in catalog_chain(self.locale)]

    def _find(self, context: str | None, msgid: str) -> tuple[Message, Callable[[int], int]] | None:
        if self.deck is not None:
            msg = self.deck.usable(context, msgid)
            if msg is not None:
                return msg, self.deck._plural
        for catalog, rule in self._chain:
            msg = catalog.get(msgid, context=context)
            if msg is not None and msg.string and not msg.fuzzy and (
                    not isinstance(msg.string, tuple) or all(msg.string)):
                return msg, rule
        if not self._english:
            self.missing.append((context, msgid))
        return None

    def npgettext(self, context: str | None, singular: str, plural: str, n: int) -> str:
        found = self._find(context, singular)
        if found is None:
            return singular if n == 1 else plural
        msg, rule = found
        forms = msg.string if isinstance(msg.string, tuple) else (msg.string,)
        return str(forms[min(rule(n), len(forms) - 1)])

    def pgettext(self, context: str | None, message: str) -> str:
        found = self._find(context, message)
        if found is None:
            return message
        string = found[0].string
        return str(string[0] if isinstance(string, tuple) else string)

    def gettext(self, message: str) -> str:
        return self.pgettext(None, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.npgettext(None, singular, plural, n)

    def warnings(self, location: Location | None) -> list[Problem]:
        """One warning per phrase shown in English because no catalog translates it."""
        name = Locale.parse(self.locale).get_display_name("en")
        out = []
        for context, msgid in dict.fromkeys(self.missing):
            what = f"'{shorten(msgid)}'" + (f" ({context})" if context else "")
            out.append(Problem(
                f"[{self.locale}] deckgen's own words have no {name} translation for {what}; showing the "
                "English text: translate it in deckgen's catalog of the language or in the deck's catalog "
                "(docs/languages.md)", location))
        return out


# --- maintainers: extract the phrases, keep the catalogs current -----------------------------------

#: how references in the template are written: from the repository root
SOURCE_PREFIX = "src/deckgen"


def extract_phrases() -> list[Any]:
    """The phrases of deckgen's layouts and code, as :class:`deckgen.catalogs.Extracted` messages."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file

    from .catalogs import Extracted

    package = Path(__file__).parent
    sources = [(f, "jinja2") for f in sorted((package / "layouts").rglob("*.j2"))]
    sources += [(f, "python") for f in sorted(package.glob("*.py"))]
    out = []
    for file, method in sources:
        rel = file.relative_to(package).as_posix()
        options = {"extensions": "jinja2.ext.do", "trimmed": "true"} if method == "jinja2" else {}
        for lineno, message, comments, context in extract_from_file(
                method, str(file), keywords=DEFAULT_KEYWORDS, comment_tags=("Translators:",), options=options):
            msgid = message if isinstance(message, str) else tuple(m for m in message if m)
            if isinstance(msgid, tuple) and len(msgid) == 1:
                msgid = msgid[0]
            out.append(Extracted(context or "", msgid, ((f"{SOURCE_PREFIX}/{rel}", lineno),),
                                 tuple(comments)))
    return out


def _owner() -> Any:
    from .catalogs import Owner

    return Owner("deckgen", "deckgen contributors", "deckgen contributors")


def template(messages: list[Any], creation: Any) -> Catalog:
    """The template catalog of deckgen's own words."""
    from .catalogs import _catalog

    cat = _catalog(_owner(), creation_date=creation, revision_date=creation,
                  header_comment=("# deckgen's own words: the template of every language's deckgen.po.\n"
                                  "# Made by 'python -m deckgen.phrasebook'; do not edit (docs/languages.md).\n#"))
    for m in messages:
        key = m.msgid if isinstance(m.msgid, str) else m.msgid[0]
        existing = cat.get(key, context=m.context)
        if existing is not None:
            existing.locations = list(dict.fromkeys([*existing.locations, *m.locations]))
            existing.auto_comments = list(dict.fromkeys([*existing.auto_comments, *m.comments]))
            continue
        cat.add(m.msgid, None, list(m.locations), auto_comments=list(m.comments), context=m.context)
    return cat


def update_catalogs(out: Callable[[str], None] = print) -> None:
    """Write the template and bring every shipped catalog up to date with it (no change: no write)."""
    from .catalogs import _merge, _po_bytes, build_date, same_catalog, write_if_changed
    from .build import write_atomic

    messages = extract_phrases()
    changed = write_if_changed(POT, lambda when: _po_bytes(template(messages, when)))
    out(f"{'wrote' if changed else 'unchanged'} {display_path(POT)}")
    phrase_keys.cache_clear()  # a phrase removed from the template is no longer one of ours
    tmpl = read_catalog(POT)
    for code in shipped_languages():
        file = catalog_file(code)
        merged = _merge(read_catalog(file, code), tmpl, _owner())
        if same_catalog(file.read_bytes(), _po_bytes(merged)):
            out(f"unchanged {display_path(file)}")
            continue
        merged.revision_date = build_date()
        write_atomic(file, _po_bytes(merged))
        out(f"updated {display_path(file)}")


if __name__ == "__main__":  # pragma: no cover - the maintainers' command
    update_catalogs()
    sys.exit(0)
