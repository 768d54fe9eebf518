"""The deck definition: validated, immutable data with no file access.

One pydantic model per YAML object.  Every model forbids unknown fields, so a
typo is an error with its line, not a silently ignored key.  Which fields hold
translatable text is declared once per model in ``_i18n`` (a tuple of field
names), plus, where it depends on other fields (a table's text cells, not its
numbers), a model's ``i18n_items()``; the extractor and the localiser both walk
those, so what is extracted is exactly what is translated.  Everything else is
data (dates, times, numbers, country codes, handles, URLs) and is formatted per
locale, never translated.

The slide kinds live in :mod:`deckgen.kinds`, one module each; this module holds
their shared parts and builds the union of slides from the registry.
"""

from __future__ import annotations

import re
import datetime as dt
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

SLIDE_ID_RE = r"^[a-z0-9][a-z0-9-]*$"
HEX_COLOR_RE = r"^#[0-9A-Fa-f]{6}$"
LOCALE_RE = r"^[a-z]{2,3}(_[A-Z]{2})?$"

#: the largest figure value (a quadrillion): numbers are formatted exactly up to here
MAX_FIGURE = 10**15

YearMonth = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="A month, YYYY-MM.")]


def _clock(value: Any) -> Any:
    """Times are written HH:MM; a bare number (1730, or YAML's 13:00 in 1.1 readers) is refused."""
    if isinstance(value, str):
        if not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", value.strip()):
            raise ValueError(f"'{value}' is not a time; write it as HH:MM, e.g. \"13:00\"")
        return value.strip().zfill(5)  # 9:30 -> 09:30
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(f"{value} is not a time; write it as HH:MM in quotes, e.g. \"13:00\"")
    return value


def _known_country(code: str) -> str:
    from babel import Locale

    if code not in Locale("en").territories or code in ("ZZ", "QO", "EU", "EZ", "UN"):
        hint = " (the United Kingdom is GB)" if code == "UK" else ""
        raise ValueError(f"'{code}' is not an ISO 3166-1 country code{hint}")
    return code


#: what editors are told a time is: "HH:MM" (JSON Schema's format "time" wants seconds and a zone)
CLOCK_SCHEMA = {"type": "string", "pattern": r"^([01]?\d|2[0-3]):[0-5]\d$",
                "description": "A local time, HH:MM in quotes, e.g. \"13:00\"."}
Clock = Annotated[dt.time, BeforeValidator(_clock), WithJsonSchema(CLOCK_SCHEMA)]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="An ISO 3166-1 alpha-2 country code, e.g. GB."),
                        AfterValidator(_known_country)]
Url = Annotated[str, Field(pattern=r"^(https?://|mailto:)\S+$", description="An http(s) or mailto address.")]


class Model(BaseModel):
    """Base of every deck object: immutable, strict about unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    #: names of fields holding translatable text (a str or a list of str)
    _i18n: ClassVar[tuple[str, ...]] = ()


class Plural(Model):
    """A counted phrase: the singular and plural source forms."""

    one: str = Field(description="Form used for 1, e.g. 'tweetup'.")
    other: str = Field(description="Form used for other counts, e.g. 'tweetups'.")


Label = Union[str, Plural]


class Item(Model):
    """A bullet with optional sub-bullets."""

    text: str
    items: list[Item] = Field(default_factory=list, description="Nested bullets (text, or text with items).")
    _i18n = ("text",)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value


class Link(Model):
    url: Url
    text: str | None = Field(default=None, description="Shown instead of the address.")
    _i18n = ("text",)


class Place(Model):
    """A place and month, e.g. an unconference: Berlin, March 2010."""

    place: str
    month: YearMonth
    _i18n = ("place",)  # city names differ: Berlin, Berlijn, Βερολίνο


class Figure(Model):
    """One key number with its label and optional detail."""

    # bounded and finite: a number formats exactly up to 10^15, and 1e25, .nan or .inf would
    # end in an arithmetic error deep in number formatting instead of a message (issue 12, B12)
    value: float | None = Field(default=None, ge=-MAX_FIGURE, le=MAX_FIGURE, allow_inf_nan=False,
                                description="The number (at most 10^15); omit for a figure that is only words.")
    plus: bool = Field(default=False, description="Show as 'at least': 300+.")
    label: Label = Field(description="What is counted; a {one, other} pair when it depends on the number.")
    detail: str | None = None
    places: list[Place] = Field(default_factory=list)
    countries: list[CountryCode] = Field(default_factory=list)
    more: str | None = Field(default=None, description="Appended to the list of countries, e.g. 'Eastern Europe'.")
    names: list[str] = Field(default_factory=list, description="Proper names shown as a list (not translated).")
    links: list[Link] = Field(default_factory=list)
    _i18n = ("label", "detail", "more")


class Person(Model):
    name: str
    handle: str | None = Field(default=None, pattern=r"^@\w{1,30}$")
    role: str | None = None
    photo: str | None = Field(default=None, description="Image file beside deck.yaml.")
    _i18n = ("role",)


class Channel(Model):
    """A place to find the community: a network with handles, links or an address."""

    network: str = Field(description="Where, as shown: 'On Twitter', 'By e-mail'.")
    handles: list[str] = Field(default_factory=list, description="#hashtags and @handles.")
    links: list[Link] = Field(default_factory=list)
    email: str | None = Field(default=None, pattern=r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")
    _i18n = ("network",)


# --- events -------------------------------------------------------------------

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Recurrence(Model):
    """A monthly rule: every N-th weekday of the month (N = -1 for the last one)."""

    frequency: Literal["monthly"] = "monthly"
    weekday: Weekday
    ordinal: Literal[1, 2, 3, 4, -1] = Field(description="1 = first, 2 = second, … -1 = last.")
    first: dt.date = Field(description="Date of the first occurrence (must match the rule).")
    until: dt.date | None = Field(default=None, description="Last possible date of the series.")
    count: int | None = Field(default=None, ge=1, le=1000, description="Number of occurrences.")
    skip: list[dt.date] = Field(default_factory=list, description="Occurrences that do not take place.")

    @model_validator(mode="after")
    def _check(self) -> Recurrence:
        if self.until is None and self.count is None:
            raise ValueError("give the end of the series: 'until' (a date) or 'count' (a number)")
        if self.until is not None and self.until < self.first:
            raise ValueError(f"'until' ({self.until}) is before 'first' ({self.first})")
        from .events import nth_weekday  # local: events imports this module

        expect = nth_weekday(self.first.year, self.first.month, WEEKDAYS.index(self.weekday), self.ordinal)
        if expect != self.first:
            raise ValueError(
                f"'first' {self.first} is not the {_ORDINAL_EN[self.ordinal]} {self.weekday} of its month"
                f" (that is {expect})"
            )
        for day in self.skip:
            if day != nth_weekday(day.year, day.month, WEEKDAYS.index(self.weekday), self.ordinal) \
                    or day < self.first or (self.until is not None and day > self.until):
                raise ValueError(f"'skip' date {day} is not a date of this series; list only dates the rule "
                                 "produces")
        return self


_ORDINAL_EN = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


class DatedItem(Model):
    """A dated occurrence: a day (YYYY-MM-DD) or only a month (YYYY-MM) when the day is not set yet."""

    date: dt.date | None = None
    month: YearMonth | None = None
    today: bool = Field(default=False, description="Mark as the occurrence happening today.")

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value: Any) -> Any:
        if isinstance(value, dt.date):
            return {"date": value}
        if isinstance(value, str):
            return {"month": value} if re.fullmatch(r"\d{4}-\d{2}", value) else {"date": value}
        return value

    @model_validator(mode="after")
    def _one_of(self) -> DatedItem:
        if (self.date is None) == (self.month is None):
            raise ValueError("give either 'date' (YYYY-MM-DD) or 'month' (YYYY-MM)")
        return self


def _check_end(end: dt.time | None, data: dict[str, Any]) -> dt.time | None:
    """An end needs a start and comes after it (checked per field, so other problems still show)."""
    if end is None or "start" not in data:  # no end, or a start that is itself wrong
        return end
    start = data["start"]
    if start is None:
        raise ValueError("an 'end' time needs a 'start' time; give 'start' too (or leave both out)")
    if end <= start:
        raise ValueError(f"must be after 'start' ({start:%H:%M})")
    return end


class Event(Model):
    """Something people can attend: a recurring series or dated occurrences."""

    id: str = Field(pattern=SLIDE_ID_RE)
    title: str
    description: str | None = None
    recurrence: Recurrence | None = None
    dates: list[DatedItem] = Field(default_factory=list)
    start: Clock | None = Field(default=None, description="Local start time, HH:MM.")
    end: Clock | None = Field(default=None, description="Local end time, HH:MM.")
    timezone: str | None = Field(default=None, validate_default=True,
                                 description="IANA time zone, e.g. Europe/Paris.")
    place: str | None = None
    online: str | None = Field(default=None, description="Where online, e.g. '#hcsmeufr on Twitter'.")
    link: Url | None = None
    _i18n = ("title", "description", "place", "online")

    # Field validators rather than one model validator: a model validator does not run when a
    # field (the recurrence, say) is wrong, and would hide its problems until that is fixed.
    @field_validator("end")
    @classmethod
    def _end(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        return _check_end(value, info.data)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            if info.data.get("start") is not None:
                raise ValueError("an event with times needs a 'timezone', e.g. Europe/Paris")
            return value
        from .events import zone  # local: events imports this module

        zone(value)  # raises ValueError naming the zone
        return value

    @model_validator(mode="after")
    def _check(self) -> Event:
        if self.recurrence is None and not self.dates:
            raise ValueError("give a 'recurrence' rule or a list of 'dates'")
        return self


# --- slides --------------------------------------------------------------------


class SlideBase(Model):
    id: str | None = Field(default=None, pattern=SLIDE_ID_RE,
                           description="Stable id used by translations and messages; derived from the title when omitted.")
    notes: str | None = Field(default=None, description="Speaker notes.")
    _i18n: ClassVar[tuple[str, ...]] = ("notes",)

    @property
    def sid(self) -> str:
        """The slide id (always set after loading)."""
        assert self.id is not None
        return self.id


# The kinds themselves live in deckgen.kinds, one module each; they subclass SlideBase above.
from . import kinds as _kinds  # noqa: E402 (the kind modules need the parts defined above)

#: every slide kind's model by name, in the registry's order
SLIDE_KINDS: dict[str, type[SlideBase]] = {name: k.model for name, k in _kinds.kinds().items()}

Slide = Annotated[Union[tuple(SLIDE_KINDS.values())], Field(discriminator="kind")]  # type: ignore[valid-type]

# the models of the first kinds, by their old address (deckgen.model.TitleSlide …)
from .kinds.bullets import BulletsSlide  # noqa: E402
from .kinds.channels import ChannelsSlide  # noqa: E402
from .kinds.figures import FiguresSlide  # noqa: E402
from .kinds.image import ImageSlide  # noqa: E402
from .kinds.numbered import NumberedSlide  # noqa: E402
from .kinds.people import PeopleSlide  # noqa: E402
from .kinds.quote import QuoteSlide  # noqa: E402
from .kinds.schedule import ScheduleSlide  # noqa: E402
from .kinds.section import SectionSlide  # noqa: E402
from .kinds.statement import StatementSlide  # noqa: E402
from .kinds.title import TitleSlide  # noqa: E402


class Deck(Model):
    """A whole deck: metadata, events and the ordered slides."""

    id: str = Field(pattern=SLIDE_ID_RE)
    title: str
    subject: str | None = Field(default=None, description="One line on what the deck is about (PDF/PPTX subject).")
    language: str = Field(default="en", pattern=LOCALE_RE, description="Locale code of the source text.")
    brand: str = Field(default="hcsmeu", pattern=SLIDE_ID_RE)
    author: str
    organisation: str | None = None
    date: dt.date
    keywords: list[str] = Field(default_factory=list)
    slideshare: Url | None = Field(default=None, description="Where the deck is published, for announcements.")
    contact: str | None = Field(
        default=None, pattern=r"^([\w.+-]+@[\w-]+(\.[\w-]+)+|https?://\S+)$",
        description="Where translators report a problem in the source text: an e-mail or web address "
                    "(catalog header Report-Msgid-Bugs-To; default: the first e-mail of the channels).")
    events: list[Event] = Field(default_factory=list)
    slides: list[Slide] = Field(min_length=1)
    _i18n = ("title", "subject", "keywords")

    @field_validator("language", mode="before")
    @classmethod
    def _known_locale(cls, value: Any) -> Any:
        # before the pattern check, so that 'it-IT' or 'english' get a hint, not a regular expression
        from babel import Locale, UnknownLocaleError

        from .hints import locale_hint

        if not isinstance(value, str):
            return value
        try:
            if re.fullmatch(LOCALE_RE, value) and str(Locale.parse(value)) == value:
                return value
        except (UnknownLocaleError, ValueError):
            pass
        raise ValueError(locale_hint(value))

    def event(self, event_id: str) -> Event:
        """Return the event with id *event_id*."""
        for ev in self.events:
            if ev.id == event_id:
                return ev
        raise KeyError(event_id)


def deck_json_schema() -> dict[str, Any]:
    """The JSON Schema of ``deck.yaml``, for editors (yaml-language-server) and other tools."""
    schema = Deck.model_json_schema()
    defs = schema.get("$defs", {})
    # the loader also accepts short forms: a bullet as plain text, a date or month as a string
    if "Item" in defs:
        defs["Item"] = {"anyOf": [{"type": "string"}, defs["Item"]], "title": "Item"}
    if "Column" in defs:  # a table column may be only its header
        defs["Column"] = {"anyOf": [{"type": "string"}, defs["Column"]], "title": "Column"}
    if "DatedItem" in defs:
        defs["DatedItem"] = {"anyOf": [{"type": "string", "format": "date"},
                                       {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$"},
                                       defs["DatedItem"]], "title": "DatedItem"}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "deckgen deck definition (deck.yaml)"
    return schema
