"""Event dates: one rule gives both the schedule slide and (later) the calendar.

Pure functions over :mod:`deckgen.model` objects; no formatting, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from .model import Event, Recurrence


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """Return the IANA time zone *name*, or raise ``ValueError`` saying what is expected."""
    try:
        if "/" not in name and name != "UTC":
            raise ZoneInfoNotFoundError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/Paris") from None


def nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> dt.date | None:
    """The *ordinal*-th *weekday* (0 = Monday) of a month; -1 for the last one.

    >>> nth_weekday(2010, 9, 2, 1)
    datetime.date(2010, 9, 1)
    """
    days = [d for d in calendar.Calendar().itermonthdates(year, month)
            if d.month == month and d.weekday() == weekday]
    if ordinal == -1:
        return days[-1]
    return days[ordinal - 1] if ordinal <= len(days) else None


def _month_steps(start: dt.date):
    year, month = start.year, start.month
    while True:
        yield year, month
        month += 1
        if month == 13:
            year, month = year + 1, 1


def recurrence_dates(rule: Recurrence, limit: int | None = None) -> list[dt.date]:
    """Every date of *rule* (skipped ones left out), at most *limit* of them."""
    from .model import WEEKDAYS

    out: list[dt.date] = []
    produced = 0  # occurrences the rule generated, skipped ones included (as RFC 5545 COUNT)
    skip = set(rule.skip)
    for year, month in _month_steps(rule.first):
        day = nth_weekday(year, month, WEEKDAYS.index(rule.weekday), rule.ordinal)
        if day is None:
            continue
        if rule.until is not None and day > rule.until:
            break
        if rule.count is not None and produced >= rule.count:
            break
        produced += 1
        if day not in skip:
            out.append(day)
        if limit is not None and len(out) >= limit:
            break
    return out


@dataclass(frozen=True)
class Occurrence:
    """One listed date of an event: a full date, or only a month when the day is unknown."""

    date: dt.date | None
    month: tuple[int, int] | None
    today: bool = False

    @property
    def sort_key(self) -> tuple[int, int, int]:
        if self.date is not None:
            return (self.date.year, self.date.month, self.date.day)
        assert self.month is not None
        return (self.month[0], self.month[1], 0)


def occurrences(event: Event, limit: int | None = None) -> list[Occurrence]:
    """The dates to list for *event*: its rule's first *limit* dates, then its explicit dates."""
    out: list[Occurrence] = []
    if event.recurrence is not None:
        out.extend(Occurrence(d, None) for d in recurrence_dates(event.recurrence, limit))
    for item in event.dates:
        if item.date is not None:
            out.append(Occurrence(item.date, None, item.today))
        else:
            assert item.month is not None
            y, m = (int(x) for x in item.month.split("-"))
            out.append(Occurrence(None, (y, m), item.today))
    return out
