"""Catalog maintenance: ``deckgen i18n extract / init / update / stats``.

The template (``locales/deck.pot``) holds every translatable text of the deck plus
the layouts' own words, with ``msgctxt`` naming the slide and field, a ``#.``
comment saying where the text appears and how much room its box has, and ``#:``
references to the deck file and line.  Re-extracting an unchanged deck changes no
byte.  Updating catalogs works around Babel's ``msgctxt`` bugs (python-babel#1330:
fuzzy matching across contexts; #1307: ``update --check``): fuzzy matches are only
looked for within the same context, and staleness is computed here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel import UnknownLocaleError
from babel.messages.pofile import PoFileError, read_po, write_po

from .errors import TranslationError, display_path
from .i18n import (
    DOMAIN,
    POT_NAME,
    DeckMessage,
    catalog_file,
    field_path,
    shorten,
    catalog_locales,
    deck_messages,
    locales_dir,
    parse_locale,
    po_path,
    read_catalog,
)
from .load import LoadedDeck
from .model import Deck
from .paths import confine

# --- extraction -------------------------------------------------------------------

@dataclass(frozen=True)
class Extracted:
    """A message ready for the template catalog."""

    context: str
    msgid: str | tuple[str, str]
    locations: tuple[tuple[str, int], ...]
    comments: tuple[str, ...]


def _message_comment(m: DeckMessage, room: dict[tuple[str, str], str]) -> tuple[str, ...]:
    where = f"slide '{m.slide}' ({m.kind})" if m.slide else ("deck properties" if m.kind == "deck" else "event")
    lines = [f"{where}: {shorten(m.title, 60)}" if m.title and m.slide else where,
             f"field: {field_path(m.path[2:] if m.slide or m.kind == 'event' else m.path)}"]
    if m.slide and (m.slide, m.context) in room:
        lines.append(room[(m.slide, m.context)])
    if m.plural:
        lines.append("counted phrase: give every plural form of your language")
    return tuple(lines)


def extract_deck_messages(loaded: LoadedDeck, project: Path,
                          room: dict[tuple[str, str], str] | None = None) -> list[Extracted]:
    """The deck's own messages with references (file:line relative to the project) and comments."""
    ref = _relative(loaded.file, project)
    out = []
    for m in deck_messages(loaded.deck):
        line = loaded.location(m.path).line or 1
        msgid: str | tuple[str, str] = (m.msgid, m.plural) if m.plural else m.msgid
        out.append(Extracted(m.context, msgid, ((ref, line),), _message_comment(m, room or {})))
    return out


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def extract_layout_messages(search: list[Path], project: Path) -> list[Extracted]:
    """Words of a deck's or project's own layouts (Babel's Jinja2 extractor), first template of each name.

    deckgen's own layouts are left out, and so is any phrase of deckgen's own words (same
    context and text) that an overriding layout keeps: deckgen's catalogs translate those
    (:mod:`deckgen.phrasebook`); a deck catalog may still override one.
    """
    from .layouts import PACKAGE_LAYOUTS
    from .phrasebook import phrase_keys

    seen: set[str] = set()
    out = []
    own = phrase_keys()
    for folder in search:
        if folder.resolve() == PACKAGE_LAYOUTS.resolve():
            continue
        for file in sorted(folder.rglob("*.j2")):
            name = file.relative_to(folder).as_posix()
            if name in seen:
                continue
            seen.add(name)
            confine(file, folder, f"the layout folder {folder.name}/", TranslationError)  # never read a link out
            # deckgen's own layouts are named from the root of deckgen's repository, where
            # translation platforms (Weblate, Crowdin) look the reference up
            ref = (f"src/deckgen/layouts/{name}" if folder.resolve() == PACKAGE_LAYOUTS.resolve()
                   else _relative(file, project))
            for lineno, message, comments, context in extract_from_file(
                    "jinja2", str(file), comment_tags=("Translators:",),
                    options={"extensions": "jinja2.ext.do", "trimmed": "true"}):
                note = ("words of the layout " + name,) + tuple(comments)
                ctx = context or "layout"
                msgid = message if isinstance(message, str) else tuple(m for m in message if m)
                if isinstance(msgid, tuple) and len(msgid) == 1:
                    msgid = msgid[0]
                if (ctx, msgid if isinstance(msgid, str) else msgid[0]) in own:
                    continue
                out.append(Extracted(ctx, msgid, ((ref, lineno),), note))
    return out


def deck_contact(deck: Deck) -> str:
    """Where translators report a problem in the source text (the PO header ``Report-Msgid-Bugs-To``).

    The deck's ``contact``; else the first e-mail address of its channels; else its author.
    """
    if deck.contact:
        return deck.contact
    for slide in deck.slides:
        for channel in getattr(slide, "channels", ()):
            if channel.email:
                return channel.email
    return deck.author


@dataclass(frozen=True)
class Owner:
    """Whose catalogs these are: the header fields every catalog of a deck (or of deckgen) shares."""

    project: str  # Project-Id-Version
    holder: str  # the copyright line of the header comment
    contact: str  # Report-Msgid-Bugs-To

    @classmethod
    def of(cls, deck: Deck) -> Owner:
        return cls(deck.id, deck.organisation or deck.author, deck_contact(deck))


def _catalog(owner: Deck | Owner, **kw: Any) -> Catalog:
    """An empty catalog of *owner*, with the headers all its catalogs share."""
    o = owner if isinstance(owner, Owner) else Owner.of(owner)
    return Catalog(project=o.project, version=None, copyright_holder=o.holder, msgid_bugs_address=o.contact,
                   charset="utf-8", fuzzy=False, **kw)


def template_catalog(deck: Deck, messages: list[Extracted], creation: dt.datetime) -> Catalog:
    cat = _catalog(deck, creation_date=creation, revision_date=creation,
                   header_comment=(f"# Translation template of the deck '{deck.id}'.\n"
                                   "# Made by 'deckgen i18n extract'; do not edit: start a language with\n"
                                   "# 'deckgen i18n init DECK_DIR LOCALE' (docs/translating.md).\n#"))
    for m in messages:
        existing = cat.get(m.msgid if isinstance(m.msgid, str) else m.msgid[0], context=m.context)
        if existing is not None:
            existing.locations = list(dict.fromkeys([*existing.locations, *m.locations]))
            continue
        cat.add(m.msgid, None, list(m.locations), auto_comments=list(m.comments), context=m.context)
    return cat


# Babel writes "Project-Id-Version: <project> <version>" and "VERSION" when there is no
# version; a deck has an id, not a version, so the header carries the id alone.
_PROJECT_LINE = re.compile(rb'^"Project-Id-Version: [^"\n]*\\n"$', re.M)


def _po_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=78, sort_output=False, include_previous=True, omit_header=False,
             ignore_obsolete=False)
    # Babel reads "Project-Id-Version: <id>" back as version <id> and no project: both are the id
    ident = " ".join(str(v) for v in (catalog.project, catalog.version) if v and v != "VERSION")
    project = ident.encode().replace(b"\\", b"\\\\").replace(b'"', b'\\"')
    return _PROJECT_LINE.sub(lambda _: b'"Project-Id-Version: ' + project + b'\\n"', buf.getvalue(), count=1)


#: header fields that only record when, or with which tool version, a catalog was written:
#: a change in them alone is no reason to rewrite a file (no churn in volunteers' git trees)
VOLATILE_HEADERS = frozenset({"pot-creation-date", "po-revision-date", "generated-by"})


def catalog_signature(data: bytes) -> tuple[Any, ...] | None:
    """What a catalog file says: its header comment, its headers but the volatile ones, and every
    message (context, source, translation, references, comments, flags, previous source),
    obsolete ones included, in file order. None if it cannot be read."""
    try:
        cat = read_po(io.BytesIO(data), abort_invalid=True)
    except (PoFileError, ValueError, UnknownLocaleError):  # an unreadable old file is simply rewritten
        return None
    headers = tuple((k, v) for k, v in cat.mime_headers if k.lower() not in VOLATILE_HEADERS)

    def message(m: Any) -> tuple[Any, ...]:
        return (m.context, m.id, m.string, tuple(m.locations), tuple(sorted(m.flags)),
                tuple(m.auto_comments), tuple(m.user_comments), tuple(m.previous_id))

    return (cat.header_comment, headers, tuple(message(m) for m in cat if m.id),
            tuple(message(m) for m in cat.obsolete.values()))


def same_catalog(old: bytes, new: bytes) -> bool:
    """Whether two catalog files differ at most in their dates and tool versions."""
    a = catalog_signature(old)
    return a is not None and a == catalog_signature(new)


def build_date() -> dt.datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def write_if_changed(file: Path, render: Any) -> bool:
    """Write ``render(date)`` unless only dates or tool versions would change; True if written."""
    from .build import write_atomic

    old = file.read_bytes() if file.is_file() else None
    data = render(build_date())
    if old is not None and same_catalog(old, data):
        return False
    write_atomic(file, data)
    return True


def _message_frame(m: DeckMessage) -> list[str]:
    """Names of the composed frame a message may be drawn in (compose.py's ``field`` names)."""
    rest = m.path[2:]
    names = []
    if len(rest) >= 3 and isinstance(rest[1], int):  # a table's cell (by its context) or column header
        own = m.context.split(".")[1:]
        names.append(re.sub(r"\.(\d+)(?=\.|$)", r"[\1]", ".".join(own)))  # rows.3.language -> rows[3].language
        names.append(f"{rest[0]}[{rest[1] + 1}].{rest[2]}")
    if len(rest) >= 2 and isinstance(rest[1], int):
        names.append(f"{rest[0]}[{rest[1] + 1}]")
    names.append(str(rest[0]))
    if rest[0] == "intro":
        names.append("items")
    return names


def room_notes(loaded: LoadedDeck, project: Path) -> dict[tuple[str, str], str]:
    """For each (slide, msgctxt): how much text its box holds, from the composed source deck."""
    from .brand import load_brand
    from .compose import capacity, compose_deck
    from .layouts import Phrases, Sandbox, environment, layout_path
    from .scene import text_frames

    brand = load_brand(loaded.deck.brand, project, loaded.location(("brand",)))
    env = environment(layout_path(loaded.directory, project), Sandbox())
    scene = compose_deck(loaded.deck, loaded.directory, brand, loaded.deck.language, Phrases(env))
    notes: dict[tuple[str, str], str] = {}
    frames = {(s.id, f.field): f for s in scene.slides for f in text_frames(s.frames) if f.field}
    for m in deck_messages(loaded.deck):
        if not m.slide:
            continue
        for name in _message_frame(m):
            frame = frames.get((m.slide, name))
            if frame is None:
                continue
            used = sum(len(r.text) for p in frame.paragraphs for r in p.runs)
            notes[(m.slide, m.context)] = (
                f"room: its box ('{name}') holds about {capacity(frame, brand)} characters at full size "
                f"({capacity(frame, brand, frame.min_scale)} shrunk to the smallest); the source text of "
                f"the box has {used}")
            break
    return notes


def extract(loaded: LoadedDeck, project: Path) -> tuple[Path, bool]:
    """Write the deck's template catalog; return its path and whether it changed."""
    from .layouts import layout_path

    messages = extract_deck_messages(loaded, project, room_notes(loaded, project))
    messages += extract_layout_messages(layout_path(loaded.directory, project), project)
    pot = _template_path(loaded.directory)
    changed = write_if_changed(pot, lambda when: _po_bytes(template_catalog(loaded.deck, messages, when)))
    return pot, changed


def _template_path(deck_dir: Path) -> Path:
    """``locales/deck.pot``, refused if it (or ``locales/``) is a link out of the deck folder (issue 12, B9)."""
    pot = locales_dir(deck_dir) / POT_NAME
    confine(pot, deck_dir, "the deck folder", TranslationError)
    return pot


def _read_template(deck_dir: Path) -> Catalog:
    pot = _template_path(deck_dir)
    if not pot.is_file():
        raise TranslationError(f"no template {display_path(pot)}; run 'deckgen i18n extract {display_path(deck_dir)}'")
    return read_catalog(pot)


def init(loaded: LoadedDeck, project: Path, locale: str) -> Path:
    """Start the catalog of *locale* from the (freshly extracted) template."""
    parsed = parse_locale(locale)
    if str(parsed) == loaded.deck.language or parsed.language == loaded.deck.language:
        raise TranslationError(f"'{locale}' is the deck's source language; translations are for other languages")
    file = po_path(loaded.directory, str(parsed))
    confine(file, loaded.directory, "the deck folder", TranslationError)
    if file.exists():
        raise TranslationError(f"{display_path(file)} already exists; use 'deckgen i18n update' to refresh it")
    extract(loaded, project)
    template = _read_template(loaded.directory)
    name = parsed.get_display_name("en")
    cat = _catalog(loaded.deck, locale=parsed, domain=DOMAIN, creation_date=template.creation_date,
                   revision_date=build_date(),
                   header_comment=(f"# {name} translation of the deck '{loaded.deck.id}'.\n"
                                   "# Translate each msgstr in Poedit or any PO editor; keep **bold**, *italic*,\n"
                                   "# ^sup^ marks and %(name)s placeholders as in the source "
                                   "(docs/translating.md).\n#"))
    cat.language_team = f"{name} <{loaded.deck.id}>"  # type: ignore[assignment]
    for msg in template:
        if msg.id:
            cat.add(msg.id, None, msg.locations, auto_comments=msg.auto_comments, flags=msg.flags,
                    context=msg.context)
    from .build import write_atomic

    write_atomic(file, _po_bytes(cat))
    return file


def _merge(po: Catalog, template: Catalog, deck: Deck | Owner) -> Catalog:
    """Update *po* from *template*: keep translations, fuzzy-match changed texts within their context."""
    old = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in po if m.id}
    old_obsolete = {(m.context, m.id if isinstance(m.id, str) else m.id[0]): m for m in po.obsolete.values()}
    cat = _catalog(deck, locale=po.locale, domain=po.domain, creation_date=template.creation_date,
                   revision_date=po.revision_date, header_comment=po.header_comment)
    cat.language_team = po.language_team  # type: ignore[assignment]
    cat.last_translator = po.last_translator  # type: ignore[assignment]
    # keep the catalog's own plural rule: Babel would put its CLDR version's rule here (French has
    # three forms since CLDR 48), which would change the header and invalidate every plural entry
    cat.mime_headers = [("Plural-Forms", po.plural_forms)]  # type: ignore[assignment]
    used: set[tuple[str | None, str]] = set()
    for t in template:
        if not t.id:
            continue
        key = (t.context, t.id if isinstance(t.id, str) else t.id[0])
        prev = old.get(key) or old_obsolete.get(key)
        string: Any = None
        flags = set(t.flags)
        previous_id: list[str] = []
        if prev is not None:
            string = prev.string
            if prev.fuzzy:
                flags.add("fuzzy")
                previous_id = list(prev.previous_id)
            used.add(key)
        else:
            # the text changed: look for the old text of the same slide and field only
            candidates = [(k, m) for k, m in {**old_obsolete, **old}.items()
                          if k[0] == t.context and k not in used and m.string]
            best = None
            best_ratio = 0.6
            for k, m in candidates:
                ratio = difflib.SequenceMatcher(None, k[1], key[1]).ratio()
                if ratio > best_ratio:
                    best, best_ratio = (k, m), ratio
            if best is not None:
                (k, m) = best
                string = m.string
                if isinstance(t.id, tuple) != isinstance(m.id, tuple):
                    string = None
                else:
                    flags.add("fuzzy")
                    previous_id = list(m.id) if isinstance(m.id, tuple) else [m.id]
                    used.add(k)
        if isinstance(t.id, tuple) and string is not None and not isinstance(string, tuple):
            string = None
        msg = cat.add(t.id, string, t.locations, auto_comments=t.auto_comments, flags=flags,
                      context=t.context, previous_id=previous_id or (), user_comments=
                      (prev.user_comments if prev is not None else []))
        del msg
    wanted = {(t.context, t.id if isinstance(t.id, str) else t.id[0]) for t in template if t.id}
    for key, m in {**old_obsolete, **old}.items():
        if key in used or key in wanted or not m.string:
            continue
        if key in old and _overrides_own_words(key):  # kept as the catalog's own wording of a deckgen phrase
            cat.add(m.id, m.string, m.locations, auto_comments=m.auto_comments, user_comments=m.user_comments,
                    flags=m.flags, context=m.context)
        else:
            cat.obsolete[(m.id, m.context) if m.context else m.id] = m
    return cat


def _overrides_own_words(key: tuple[str | None, str]) -> bool:
    """Whether a catalog entry overrides one of deckgen's own phrases (not in the deck's template)."""
    from .phrasebook import phrase_keys

    return key in phrase_keys()


def update(loaded: LoadedDeck, project: Path) -> list[tuple[Path, bool]]:
    """Re-extract the template and bring every catalog of the deck up to date."""
    extract(loaded, project)
    template = _read_template(loaded.directory)
    out = []
    for locale in catalog_locales(loaded.directory):
        file = catalog_file(loaded.directory, locale)
        po = read_catalog(file, locale)
        merged = _merge(po, template, loaded.deck)
        if same_catalog(file.read_bytes(), _po_bytes(merged)):
            out.append((file, False))
            continue
        merged.revision_date = build_date()
        from .build import write_atomic

        write_atomic(file, _po_bytes(merged))
        out.append((file, True))
    return out


@dataclass(frozen=True)
class Stats:
    locale: str
    file: Path
    translated: int
    fuzzy: int
    untranslated: int
    obsolete: int
    stale: bool  # the catalog's messages differ from the template's

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


def stats(deck_dir: Path) -> list[Stats]:
    """Per locale: translated, fuzzy, untranslated, obsolete (fuzzy counts as not translated)."""
    template = _read_template(deck_dir)
    wanted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id}
    out = []
    for locale in catalog_locales(deck_dir):
        file = catalog_file(deck_dir, locale)
        po = read_catalog(file, locale)
        translated = fuzzy = untranslated = 0
        have = set()
        for m in po:
            if not m.id or _overrides_own_words((m.context, m.id if isinstance(m.id, str) else m.id[0])):
                continue
            have.add((m.context, m.id if isinstance(m.id, str) else m.id[0]))
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if m.fuzzy and any(strings):
                fuzzy += 1
            elif all(strings):
                translated += 1
            else:
                untranslated += 1
        out.append(Stats(locale, file, translated, fuzzy, untranslated, len(po.obsolete), have != wanted))
    return out


# --- Babel entry point -------------------------------------------------------------

def extract_deck(fileobj: Any, keywords: Any, comment_tags: Any, options: dict[str, Any]) -> Any:
    """Babel extractor for ``deck.yaml`` files (``[deck_yaml: decks/*/deck.yaml]`` in babel.cfg).

    Yields the same messages, contexts and comments as ``deckgen i18n extract``.
    """
    from .build import project_root
    from .load import load_deck

    path = Path(getattr(fileobj, "name", ""))
    if not path.is_file():
        raise TranslationError("the deck extractor needs a deck.yaml file on disk")
    loaded = load_deck(path.parent)
    project = project_root(loaded.directory)
    for m in extract_deck_messages(loaded, project, room_notes(loaded, project)):
        (_, line), = m.locations
        if isinstance(m.msgid, tuple):
            yield line, "npgettext", (m.context, m.msgid[0], m.msgid[1]), list(m.comments)
        else:
            yield line, "pgettext", (m.context, m.msgid), list(m.comments)
