"""Translations typed in ``deckgen serve``: checked as the build checks them, written as
``deckgen i18n update`` writes catalogs, and never over a change made on disk meanwhile.

Saving one translation reads the catalog again, changes that one message and writes the
whole file back with the catalogs' own writer (``catalogs._po_bytes``: same order, comments,
flags and wrapping; the file stays ``msgfmt --check`` clean), through the build's atomic
writer.  What the translator started from (*base*) is compared with what the file holds now:

* the same, or already what was typed: the translation is written (other messages changed on
  disk in the meantime are kept as they are now: that is a merge, reported as such);
* different from both: a conflict; nothing is written, and both texts go back to the page.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from babel.messages.catalog import Catalog, Message

from .errors import DeckgenError, Location, Problem, TranslationError, display_path
from .i18n import check_catalog, read_catalog

#: a translation: one string, or one per plural form
Text = Union[str, tuple[str, ...]]
#: characters a document cannot hold (tab and line breaks are fine)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: how often a save starts again when the file changes while it is being saved
ATTEMPTS = 3


@dataclass(frozen=True)
class Stamp:
    """A catalog file as it was read: modification time, size and SHA-256 of its bytes."""

    mtime_ns: int
    size: int
    digest: str

    @classmethod
    def of(cls, file: Path, data: bytes | None = None) -> Stamp:
        """The stamp of *file* now (of *data*, when they are the bytes just written to it)."""
        st = file.stat()
        if data is None:
            data = file.read_bytes()
        return cls(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())

    def still(self, file: Path) -> bool:
        """Whether *file* still holds what was read (a new time with the same bytes counts as unchanged)."""
        try:
            st = file.stat()
            if (st.st_mtime_ns, st.st_size) == (self.mtime_ns, self.size):
                return True
            return hashlib.sha256(file.read_bytes()).hexdigest() == self.digest
        except OSError:
            return False


def read(file: Path, locale: str) -> tuple[Catalog, Stamp]:
    """The catalog *file* and the stamp of exactly the bytes that were parsed."""
    for _ in range(ATTEMPTS):
        before = Stamp.of(file)
        catalog = read_catalog(file, locale)
        if before.still(file):
            return catalog, before
    raise TranslationError(f"{display_path(file)} kept changing while it was read; try again")


def as_text(value: object) -> Text:
    """A message's translation, or one sent by the page, as :data:`Text` (None: untranslated)."""
    if isinstance(value, (list, tuple)):
        return tuple(str(v or "") for v in value)
    return str(value or "")


@dataclass(frozen=True)
class Edit:
    """A translation typed in the page, for the message ``(context, msgid)``."""

    context: str | None
    msgid: str
    string: Text
    base: Text  # the translation on screen when the translator started typing
    fuzzy: bool  # keep or set the fuzzy flag; False clears it: the translator confirms the text


@dataclass(frozen=True)
class Saved:
    """What became of an :class:`Edit`."""

    status: str  # saved | unchanged | conflict | invalid
    stamp: Stamp | None = None  # the file as it is now
    theirs: Text | None = None  # on a conflict: the translation on disk (None: the message is gone)
    problems: tuple[Problem, ...] = ()
    merged: bool = False  # the file had changed on disk since the page loaded it; those changes are kept


def check_translation(catalog: Catalog, file: Path, message: Message, string: Text) -> list[Problem]:
    """The build's checks (:func:`~deckgen.i18n.check_catalog`) of *string* as the reviewed translation of *message*."""
    texts = string if isinstance(string, tuple) else (string,)
    for text in texts:
        if _CONTROL.search(text):
            return [Problem("a control character (U+0000-U+001F) that documents cannot contain; remove it",
                            Location(display_path(file), message.lineno))]
    if isinstance(message.id, tuple) != isinstance(string, tuple):
        kind = "one form per plural form" if isinstance(message.id, tuple) else "a single text"
        return [Problem(f"this message takes {kind}", Location(display_path(file), message.lineno))]
    probe = Catalog(locale=catalog.locale, domain=catalog.domain, fuzzy=False)
    probe.mime_headers = catalog.mime_headers  # the Plural-Forms header: how many forms a plural has
    probe.add(message.id, string, flags=set(message.flags) - {"fuzzy"}, context=message.context,
              lineno=message.lineno)
    return check_catalog(probe, file)


def save(file: Path, locale: str, edit: Edit, known: str) -> Saved:
    """Write *edit* into the catalog *file* unless that would overwrite a change made on disk.

    *known* is the digest of the catalog the page was showing (to tell a merge).
    """
    from .build import write_atomic
    from .catalogs import _po_bytes, build_date

    for _ in range(ATTEMPTS):
        try:
            catalog, stamp = read(file, locale)
        except DeckgenError as exc:  # broken on disk (a half-saved edit elsewhere): touch nothing
            return Saved("invalid", problems=tuple(exc.problems))
        message = catalog.get(edit.msgid, context=edit.context)
        if message is None or not message.id:
            return Saved("conflict", stamp, None, (Problem(
                "this text is no longer in the catalog: it changed on disk (after 'deckgen i18n update'?); "
                "reload the page", Location(display_path(file))),))
        theirs, ours = as_text(message.string), as_text(edit.string)
        if theirs != as_text(edit.base) and theirs != ours:
            return Saved("conflict", stamp, theirs)
        problems = check_translation(catalog, file, message, ours)
        if problems:
            return Saved("invalid", stamp, problems=tuple(problems))
        merged = stamp.digest != known
        if theirs == ours and message.fuzzy == edit.fuzzy:
            return Saved("unchanged", stamp, merged=merged)
        message.string = ours
        if edit.fuzzy:
            message.flags.add("fuzzy")
        else:  # confirmed: no longer fuzzy, and the previous source text (#|) goes with the flag
            message.flags.discard("fuzzy")
            message.previous_id = []
        catalog.revision_date = build_date()
        data = _po_bytes(catalog)
        if not stamp.still(file):  # changed while this save was under way: start again from it
            continue
        write_atomic(file, data)
        return Saved("saved", Stamp.of(file, data), merged=merged)
    raise TranslationError(f"{display_path(file)} kept changing while the translation was saved; try again")
