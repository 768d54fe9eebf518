"""Locale-aware data: dates, times, numbers, lists and country names through Babel/CLDR.

The locale is always an argument; nothing here reads process state.  The few
typographic rules CLDR lacks live here, in one place, and never in catalogs:

* French writes the first day of a month as an ordinal, ``1er`` (``1^er^`` in our
  inline markup, so both renderers draw a superscript);
* a list item that starts with a month name is capitalised in French (and in the
  other languages whose month names are lower case), as lists there are written;
* quotation marks: CLDR has them (its ``delimiters``), but Babel does not import
  them, so :data:`QUOTES` copies CLDR's ``quotationStart``/``quotationEnd`` for the
  languages deckgen's own words cover (docs/languages.md).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, format_time
from babel.lists import format_list
from babel.numbers import NumberPattern, format_decimal, parse_pattern

#: languages that write the first of the month as an ordinal, with its suffix
FIRST_OF_MONTH = {"fr": "er"}

#: CLDR's quotation marks (``delimiters``: quotationStart, quotationEnd) per language; Babel does not
#: import them. A language missing here takes CLDR's root marks, “ ”.
QUOTES = {
    "bg": ("„", "“"), "ca": ("«", "»"), "cs": ("„", "“"), "da": ("“", "”"), "de": ("„", "“"),
    "el": ("«", "»"), "en": ("“", "”"), "es": ("«", "»"), "et": ("„", "“"), "fi": ("”", "”"),
    "fr": ("«", "»"), "ga": ("“", "”"), "hr": ("„", "“"), "hu": ("„", "”"), "it": ("«", "»"),
    "lt": ("„", "“"), "lv": ("“", "”"), "mt": ("“", "”"), "nb": ("«", "»"), "nl": ("‘", "’"),
    "no": ("«", "»"), "pl": ("„", "”"), "pt": ("“", "”"), "pt_PT": ("«", "»"), "ro": ("„", "”"),
    "sk": ("„", "“"), "sl": ("„", "“"), "sv": ("”", "”"), "tr": ("“", "”"), "uk": ("«", "»"),
}
ROOT_QUOTES = ("“", "”")

#: CLDR's word for "today" (relative day 0) in deckgen's languages, for Babel releases before
#: 2.19, whose locale data lacks relative day names; copied from CLDR 48 (Babel 2.19), and
#: checked against it by tests/test_languages.py
TODAY = {
    "bg": "днес", "ca": "avui", "cs": "dnes", "da": "i dag", "de": "heute", "el": "σήμερα", "en": "today",
    "es": "hoy", "et": "täna", "fi": "tänään", "fr": "aujourd’hui", "ga": "inniu", "hr": "danas", "hu": "ma",
    "it": "oggi", "lt": "šiandien", "lv": "šodien", "mt": "illum", "nb": "i dag", "nl": "vandaag",
    "pl": "dzisiaj", "pt": "hoje", "ro": "azi", "sk": "dnes", "sl": "danes", "sv": "i dag", "tr": "bugün",
    "uk": "сьогодні",
}

def _fixed(pattern: str, decimals: int) -> NumberPattern:
    """CLDR number *pattern* with exactly *decimals* fraction digits (charts: every label alike)."""
    parsed = copy.copy(parse_pattern(pattern))
    parsed.frac_prec = (decimals, decimals)
    return parsed


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#@^~])")


def escape_markup(text: str) -> str:
    """Escape *text* so inline markup shows it literally."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Formatter:
    """Formats deck data for one locale."""

    locale_code: str

    @cached_property
    def locale(self) -> Locale:
        return Locale.parse(self.locale_code)

    @property
    def language(self) -> str:
        return self.locale.language

    def _first_of_month(self, text: str, day: int) -> str:
        suffix = FIRST_OF_MONTH.get(self.language)
        if suffix and day == 1:
            return re.sub(r"(?<!\d)1(?!\d)", f"1^{suffix}^", text, count=1)
        return text

    def date(self, value: dt.date, style: str = "long") -> str:
        """A date in the locale's *style* (``long``: 1 September 2010; ``full`` adds the weekday)."""
        return self._first_of_month(format_date(value, style, locale=self.locale), value.day)

    def month(self, year: int, month: int, capitalise: bool = False) -> str:
        """Month and year: ``November 2010``, ``novembre 2010`` (``Novembre 2010`` capitalised)."""
        text = format_skeleton("yMMMM", dt.date(year, month, 1), locale=self.locale)
        return self.capitalise(text) if capitalise else text

    def time(self, value: dt.time) -> str:
        """A time in the locale's 24-hour or 12-hour convention."""
        return format_time(value, "short", locale=self.locale)

    def time_range(self, start: dt.time, end: dt.time) -> str:
        """A time range, e.g. ``13:00–14:00`` or ``1:00 – 2:00 PM``."""
        skeleton = "hm" if "a" in self.locale.time_formats["short"].pattern else "Hm"
        today = dt.date(2000, 1, 3)
        return format_interval(dt.datetime.combine(today, start), dt.datetime.combine(today, end),
                               skeleton, locale=self.locale)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def decimal(self, value: float, decimals: int) -> str:
        """*value* with exactly *decimals* decimals in the locale's pattern: ``1,234.5``, ``1 234,5``, ``1.234,5``."""
        return _fixed(self.locale.decimal_formats[None].pattern, decimals).apply(value, self.locale)

    def percent(self, value: float, decimals: int = 0) -> str:
        """Fraction *value* as a percentage in the locale's pattern: ``25%``, ``25 %`` (0.25, CLDR)."""
        return _fixed(self.locale.percent_formats[None].pattern, decimals).apply(value, self.locale)

    def list(self, items: list[str], style: str = "standard") -> str:
        """``Twitter, Facebook and LinkedIn`` in the locale's words."""
        return format_list(items, style=style, locale=self.locale) if items else ""

    def country(self, code: str) -> str:
        """The country named by ISO code *code* in the locale's language."""
        return self.locale.territories.get(code, code)

    def start_time(self, value: dt.time) -> str:
        """A start time alone, in the convention :meth:`time_range` uses (``18:30``, ``6:30 PM``)."""
        if "a" in self.locale.time_formats["short"].pattern:  # 12-hour: with its narrow space before PM
            return format_time(value, "short", locale=self.locale)
        return format_skeleton("Hm", dt.datetime.combine(dt.date(2000, 1, 3), value), locale=self.locale)

    def when(self, start: dt.time | None, end: dt.time | None) -> str | None:
        """The time of an event: a range, a start alone (an event without an end), or None."""
        if start is None:
            return None
        return self.time_range(start, end) if end is not None else self.start_time(start)

    def quotes(self) -> tuple[str, str]:
        """The opening and closing quotation marks of the locale (CLDR ``delimiters``)."""
        loc = self.locale
        for key in (f"{loc.language}_{loc.territory}" if loc.territory else "", loc.language):
            if key in QUOTES:
                return QUOTES[key]
        return ROOT_QUOTES

    def today(self) -> str:
        """The word for "today" (CLDR's relative day 0): ``today``, ``aujourd’hui``, ``oggi``."""
        relative = self.locale._data["date_fields"]["day"].get("relative")
        if relative is not None:
            return str(relative[0])
        return TODAY.get(self.language, TODAY["en"])  # Babel < 2.19: no relative day names

    def weekday(self, index: int) -> str:
        """Weekday name (0 = Monday) as used inside a sentence."""
        return self.locale.days["format"]["wide"][index]

    def capitalise(self, text: str) -> str:
        """Upper-case the first letter (list items in many European languages)."""
        return text[:1].upper() + text[1:] if text else text
