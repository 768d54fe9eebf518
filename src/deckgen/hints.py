"""What to type instead: hints for the mistakes people make in ``deck.yaml``.

Each function recognises one kind of mistake a new user makes (a missing colon, an
apostrophe inside single quotes, a value starting with ``@``, a language written
``it-IT``, a decimal comma, an impossible date, a misspelt kind) and says, in the
user's terms, on the right line, what to write instead.  :mod:`deckgen.load` and
:mod:`deckgen.model` call them; nothing here reads files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from functools import lru_cache
from typing import Any

from .errors import Location, Problem

_KEY_LINE = re.compile(r"^(?P<indent>\s*(?:-\s+)?)(?P<key>[A-Za-z_][\w-]*)(?P<rest>\s.*)?$")
_VALUE_LINE = re.compile(r"^(?P<head>\s*(?:-\s+)?(?:[A-Za-z_][\w-]*:\s+)?)(?P<value>\S.*?)\s*$")
_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """``; did you mean 'bullets'?`` when a choice is close to *word*, else nothing."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _line(text: str, number: int) -> str:
    lines = text.splitlines()
    return lines[number] if 0 <= number < len(lines) else ""


def yaml_syntax_hint(exc: Any, where: str, text: str) -> Problem | None:
    """A YAML syntax error explained for the mistakes people actually make; None for any other."""
    problem = str(getattr(exc, "problem", "") or "")
    mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    if mark is None:
        return None
    if "could not find expected ':'" in problem and context_mark is not None:
        return _missing_colon(context_mark, where, text)
    if "found character '@' that cannot start any token" in problem or \
            "found character '`' that cannot start any token" in problem:
        char = "@" if "'@'" in problem else "`"
        line = _line(text, mark.line)
        m = _VALUE_LINE.match(line)
        value = m.group("value") if m else f"{char}…"
        head = m.group("head").strip() if m else ""
        example = f'{head} "{value}"'.strip() if '"' not in value else f"{head} '{value}'".strip()
        return Problem(f"a value cannot start with '{char}' unless it is in quotes (like a '#' hashtag); "
                       f"write {example}", Location(where, mark.line + 1, mark.column + 1))
    quoted = _single_quote_problem(text, mark.line)
    if quoted is not None:
        return Problem(quoted, Location(where, mark.line + 1, mark.column + 1))
    return None


def _missing_colon(context_mark: Any, where: str, text: str) -> Problem | None:
    line = _line(text, context_mark.line)
    m = _KEY_LINE.match(line)
    if not m:
        return None
    key, rest = m.group("key"), (m.group("rest") or "").strip()
    fixed = f"{key}: {rest}" if rest else f"{key}:"
    return Problem(f"missing ':' after {key}? Every field is written 'name: value'; write {fixed}",
                   Location(where, context_mark.line + 1, context_mark.column + 1 + len(key)))


def _single_quote_problem(text: str, line_number: int) -> str | None:
    """An apostrophe that ended a value in single quotes too early: the rule and the fix."""
    for number in (line_number, line_number - 1):
        m = _VALUE_LINE.match(_line(text, number))
        if not m:
            continue
        value = m.group("value")
        if not value.startswith("'") or value.count("'") < 3:
            continue
        inner = value[1:-1] if value.endswith("'") else value[1:]
        if "''" in inner:  # already doubled: not this mistake
            continue
        head = m.group("head").strip()
        doubled = inner.replace("'", "''")
        fix = f'{head} "{inner}"' if '"' not in inner and "\\" not in inner else f"{head} '{doubled}'"
        return (f"an apostrophe inside single quotes ends the text: in '…' write each apostrophe twice "
                f"({head} '{doubled}'), or put the text in double quotes: {fix}")
    return None


def impossible_date(text: str, where: str) -> Problem | None:
    """The first date in *text* that does not exist (``2011-02-30``), located; None if there is none."""
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split(" #", 1)[0]
        for m in _DATE.finditer(content):
            year, month, day = (int(g) for g in m.groups())
            if content[:m.start()].rstrip().endswith(("'", '"')):
                continue  # quoted: a string, not a date
            try:
                dt.date(year, month, day)
            except ValueError:
                why = f"month {month} does not exist" if not 1 <= month <= 12 else \
                    f"{dt.date(year, month, 1):%B %Y} has {_days_in(year, month)} days"
                return Problem(f"{m.group()} is not a date ({why}); write a real date as YYYY-MM-DD",
                               Location(where, number, m.start() + 1))
    return None


def _days_in(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def number_hint(value: Any) -> str | None:
    """``1234,5`` → ``write 1234.5``: numbers take a dot for decimals and no thousands separators."""
    if not isinstance(value, str):
        return None
    s = value.strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", s):  # 1.234,5
        fixed = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d+", s):  # 1234,5
        fixed = s.replace(",", ".")
    elif re.fullmatch(r"\d{1,3}([.,']\d{3})+", s):  # 1,234 or 1.234 or 1'234: a thousands separator
        fixed = re.sub(r"[.,']", "", s)
    else:
        return None
    return f"'{value}' is not a number deckgen can read: write {fixed} (a dot before decimals, no thousands separator)"


def id_hint(value: Any, slugify: Any) -> str:
    """What an id may hold, with the id deckgen would make of *value*."""
    suggestion = slugify(str(value)) if value is not None else ""
    example = f"; for example '{suggestion}'" if suggestion and suggestion != value else ""
    return (f"'{value}' is not a valid id: use only lowercase letters a-z, digits and hyphens (-), "
            f"starting with a letter or digit{example}")


@lru_cache(maxsize=1)
def _locale_codes() -> tuple[str, ...]:
    from babel.localedata import locale_identifiers

    return tuple(sorted(locale_identifiers()))


def locale_hint(value: str) -> str:
    """Why *value* is not a locale code deckgen takes, and the nearest one it does."""
    from babel import Locale, UnknownLocaleError

    text = value.strip()
    for sep in ("-", "_"):
        try:
            loc = Locale.parse(text, sep=sep)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
        code = str(loc)
        if code == text:
            break
        if loc.territory:
            return (f"'{value}' is not written the way deckgen expects: write {loc.language} "
                    f"(or {code} for {loc.get_display_name('en')})")
        return f"'{value}' is not written the way deckgen expects: write {code}"
    by_name = _language_by_name(text)
    if by_name:
        return f"'{value}' is not a language code: write {by_name}"
    codes = _locale_codes()
    # a code typed with a letter too many ('itt', 'fra') most likely starts with the right one
    close = [c for c in (text[:2].lower(), text[:3].lower()) if c in codes] or \
        difflib.get_close_matches(text.replace("-", "_"), codes, n=1, cutoff=0.6)
    nearest = f"; the nearest is {close[0]}" if close else ""
    return f"'{value}' is not a language code deckgen knows (a code such as it, fr, de, pl or pt_BR){nearest}"


def _language_by_name(text: str) -> str | None:
    """``english`` or ``italiano`` → ``en`` / ``it``: a language written by its name."""
    from babel import Locale

    wanted = text.casefold()
    for code in ("en", *(c for c in _locale_codes() if "_" not in c)):
        try:
            loc = Locale.parse(code)
        except ValueError:
            continue
        names = {loc.get_display_name("en") or "", loc.get_display_name(code) or ""}
        if wanted in {n.casefold() for n in names if n}:
            return code
    return None
