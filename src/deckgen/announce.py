"""Announcements of a deck's events: an iCalendar file, social posts, an e-mail and a flyer.

Pure functions from a localised :class:`~deckgen.model.Deck` and its
:class:`~deckgen.brand.Brand` to bytes and text; nothing here writes a file
(:mod:`deckgen.announcing` does, through ``build.write_atomic``).

* Dates come from :mod:`deckgen.events`, the functions the schedule slide uses, so
  a slide and its calendar can never disagree (issue 5).
* Event texts (title, description, place, online) are deck fields, translated by
  :func:`deckgen.i18n.localise`; the announcement's own words live in the layouts
  ``announce/*.j2`` as ``pgettext("announce.…", …)`` and are extracted into each
  deck's catalog.  Dates, times, weekdays and city names come from Babel/CLDR.
* Deck text keeps its inline markup until the last moment: a :class:`Rich` value is
  plain text in text layouts and HTML in HTML layouts (which autoescape).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from .errors import DeckgenError, RenderError
from .events import occurrences, recurrence_dates, zone
from .formatting import Formatter, escape_markup
from .markup import LinkStyle, Run, parse
from .model import ChannelsSlide

if TYPE_CHECKING:  # pragma: no cover
    from icalendar import Calendar
    from jinja2 import Environment

    from .brand import Brand
    from .model import Deck, Event, Recurrence

#: the most characters each network accepts in a post
LIMITS = {"twitter": 280, "linkedin": 3000, "facebook": 63206}
#: what X counts for any link, whatever its length (t.co wrapping)
TWITTER_URL_LENGTH = 23
UID_DOMAIN = "deckgen"
PRODID = "-//deckgen//deckgen announcements//EN"
#: how long the calendar entry of an event with a start but no end lasts (docs/announcements.md)
UNTIMED_END_DURATION = dt.timedelta(hours=1)
#: years of time-zone rules written into the calendar after its last event
TZ_YEARS_AFTER = 3

# --- dates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """One dated occurrence of an event, with its times in the event's time zone."""

    event: Event
    day: dt.date

    def _at(self, time: dt.time | None) -> dt.datetime | None:
        if time is None or self.event.timezone is None:
            return None
        return dt.datetime.combine(self.day, time, tzinfo=zone(self.event.timezone))

    @property
    def start(self) -> dt.datetime | None:
        """The start as an aware datetime; None for an event without times."""
        return self._at(self.event.start)

    @property
    def end(self) -> dt.datetime | None:
        """The end as an aware datetime; None for an event without times."""
        return self._at(self.event.end)


def slots(deck: Deck, since: dt.date | None = None) -> list[Slot]:
    """Every dated occurrence of the deck's events on or after *since*, in date order.

    The dates are :func:`deckgen.events.occurrences`, the schedule slide's.
    """
    out = [Slot(ev, occ.date) for ev in deck.events for occ in occurrences(ev)
           if occ.date is not None and (since is None or occ.date >= since)]
    return sorted(out, key=lambda s: (s.day, s.start.timestamp() if s.start else 0.0))


def pending_months(event: Event, since: dt.date) -> list[tuple[int, int]]:
    """Months of *event* whose day is not set yet, from *since*'s month on.

    A month marked ``today`` (the occurrence happening as the deck is shown) is not pending.
    """
    return [occ.month for occ in occurrences(event)
            if occ.month is not None and not occ.today and occ.month >= (since.year, since.month)]


class NothingToAnnounce(DeckgenError):
    """No event of a deck takes place on or after the announcement's date."""


def no_dates_left(deck: Deck, since: dt.date) -> NothingToAnnounce:
    """The error for an announcement with nothing left to announce."""
    every = slots(deck)
    if not every:
        return NothingToAnnounce(f"deck '{deck.id}' has no event with a date to announce; give an event a "
                                 "'recurrence' or a day under 'dates' (docs/announcements.md)")
    return NothingToAnnounce(f"deck '{deck.id}': no event takes place on or after {since.isoformat()} "
                             f"(the last is on {every[-1].day.isoformat()}); "
                             "announce from an earlier date with --next YYYY-MM-DD")


# --- text: markup to plain text or HTML, and how long X finds a post ---------------------


class Rich:
    """Deck text with inline markup: plain text in text layouts, HTML in HTML layouts.

    >>> str(Rich("the 1^st^ **Wednesday**"))
    'the 1st Wednesday'
    >>> print(Rich("the 1^st^ **Wednesday**").__html__())
    the 1<sup>st</sup> <strong>Wednesday</strong>
    """

    def __init__(self, text: str, links: LinkStyle = LinkStyle(), link_tags: bool = True) -> None:
        runs = parse(text, links)
        if not link_tags:  # titles: hashtags and handles are words, not links
            runs = tuple(replace(r, href=None, kind="text") if r.kind in ("hashtag", "handle") else r
                         for r in runs)
        self.runs: tuple[Run, ...] = runs

    def _groups(self) -> Iterator[tuple[str | None, str, list[Run]]]:
        """Consecutive runs sharing a link: (href, kind, runs)."""
        group: list[Run] = []
        for run in self.runs:
            if group and (run.href != group[0].href or run.text == "\n"):
                yield group[0].href, group[0].kind, group
                group = []
            group.append(run)
        if group:
            yield group[0].href, group[0].kind, group

    def __str__(self) -> str:
        out = []
        for href, kind, runs in self._groups():
            text = "".join(r.text for r in runs)
            out.append(text)
            if kind == "link" and href and text.strip() != href:  # [words](address): keep the address
                out.append(f" ({href.removeprefix('mailto:')})")
        return "".join(out)

    def __html__(self) -> str:
        return self.styled()

    def styled(self, link_color: str | None = None) -> Markup:
        """The HTML, with *link_color* written on each link (e-mail clients ignore style sheets)."""
        out = []
        style = f' style="color:{escape(link_color)}"' if link_color else ""
        for href, _kind, runs in self._groups():
            inner = "".join(_run_html(r) for r in runs)
            out.append(f'<a href="{escape(href)}"{style}>{inner}</a>' if href else inner)
        return Markup("".join(out))

    def __bool__(self) -> bool:
        return bool(self.runs)

    def __repr__(self) -> str:
        return f"Rich({str(self)!r})"


def _run_html(run: Run) -> str:
    if run.text == "\n":
        return "<br>"
    html = str(escape(run.text))
    for flag, tag in ((run.sup, "sup"), (run.sub, "sub"), (run.italic, "em"), (run.bold, "strong")):
        if flag:
            html = f"<{tag}>{html}</{tag}>"
    return html


# Links as X finds them: with a scheme, or a bare domain (hcsmeu.com, is.gd/e5Gzg).  Counting a
# word that X would not link as a link can only make our count larger than X's, never smaller
# for a link, so the check errs on the safe side.
_LINK_RE = re.compile(
    r"(?<![\w@.#/-])(?:https?://[^\s<>\"]+|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d+)?(?:/[^\s<>\"]*)?)",
    re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\"»"
# twitter-text 3 (config v3): these code points weigh 1, every other weighs 2 (CJK, emoji)
_LIGHT = ((0, 4351), (8192, 8205), (8208, 8223), (8242, 8247))


def _weight(char: str) -> int:
    code = ord(char)
    return 1 if any(lo <= code <= hi for lo, hi in _LIGHT) else 2


def twitter_length(text: str) -> int:
    """The length X gives *text*: every link 23, emoji and CJK 2, other characters 1.

    >>> twitter_length("Slides: https://www.slideshare.net/hcsmeufr/a-very-long-address")
    31
    """
    text = unicodedata.normalize("NFC", text)
    total, pos = 0, 0
    for m in _LINK_RE.finditer(text):
        link = m.group().rstrip(_TRAILING)
        if "." not in link.split("://")[-1]:
            continue
        total += sum(_weight(c) for c in text[pos:m.start()]) + TWITTER_URL_LENGTH
        pos = m.start() + len(link)
    return total + sum(_weight(c) for c in text[pos:])


def post_length(network: str, text: str) -> int:
    """How long *network* finds a post."""
    return twitter_length(text) if network == "twitter" else len(unicodedata.normalize("NFC", text))


# --- what the layouts see -------------------------------------------------------------


@dataclass(frozen=True)
class SlotView:
    """One date of an event, every value formatted for the locale."""

    id: str
    title: Rich
    description: Rich | None
    date: Rich  # Wednesday 3 November 2010, capitalised to start a line
    date_inline: Rich  # as inside a sentence: "mercredi 3 novembre 2010" in French
    weekday: str  # Wednesday
    day: str  # 3
    month: str  # November 2010
    iso: str  # 2010-11-03
    time: str | None  # 13:00–14:00
    city: str | None  # Paris: where the time zone is, for "(Paris time)"
    place: Rich | None
    online: Rich | None
    link: str | None
    rule: Rich | None  # Every 1st Wednesday of the month, 13:00–14:00 (a recurring event), as a line
    rule_inline: Rich | None  # every 1st Wednesday of the month, 13:00–14:00: inside a sentence
    today: bool  # on the announcement's date


@dataclass(frozen=True)
class PendingView:
    """An event with months whose days are not set yet."""

    title: Rich
    description: Rich | None
    months: str  # November 2010, February 2011 and May 2011


@dataclass(frozen=True)
class ChannelView:
    """A channel of the deck's channels slide: 'On Twitter' and '#hcsmeufr and @hcsmeufr'."""

    network: Rich
    values: Rich


@dataclass(frozen=True)
class Announcement:
    """Everything the announcement layouts show, for one deck, locale and date."""

    deck_id: str
    locale: str
    language_tag: str  # fr, pt-BR
    direction: str  # ltr | rtl
    since: dt.date
    since_text: Rich
    title: Rich  # the deck's title
    author: str
    next: SlotView
    upcoming: tuple[SlotView, ...]  # next first
    series: tuple[SlotView, ...]  # the next date of each recurring event
    pending: tuple[PendingView, ...]
    channels: tuple[ChannelView, ...]
    brand_name: str
    hashtag: str
    handle: str | None
    website: str | None  # an address, https:// added when the brand gives a bare domain
    website_text: str | None  # as the brand writes it
    email: str | None  # where to write to the organisers (brand, else the deck's channels)
    footer: str
    slides: Rich | None  # where the deck is published (Slideshare), a link
    colors: dict[str, str]
    fonts: dict[str, str]  # role -> family
    font_files: dict[str, dict[str, Path]]  # family -> style -> file
    logo: Path | None

    @property
    def later(self) -> tuple[SlotView, ...]:
        """The dates after the next one."""
        return self.upcoming[1:]


def _mix(color: str, background: str, amount: float) -> str:
    """*color* at *amount* opacity over *background*, as hex (a tint that e-mail clients show)."""
    c = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(background[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(b[i] + (c[i] - b[i]) * amount):02X}" for i in range(3))


def _colors(brand: Brand) -> dict[str, str]:
    roles = ("primary", "secondary", "accent", "text", "muted", "background", "link", "on_primary")
    colors = {role: brand.color(role) for role in roles}
    colors["tint"] = _mix(colors["primary"], colors["background"], 0.07)
    colors["secondary_tint"] = _mix(colors["secondary"], colors["background"], 0.12)
    colors["rule"] = _mix(colors["muted"], colors["background"], 0.25)
    return colors


@dataclass
class _Views:
    """Formats deck values for one locale and brand."""

    deck: Deck
    brand: Brand
    fmt: Formatter
    phrases: Any

    def rich(self, text: str | None, link_tags: bool = True) -> Rich | None:
        return Rich(text, self.brand.links, link_tags) if text else None

    def city(self, event: Event) -> str | None:
        if event.start is None or event.timezone is None:
            return None
        from babel.dates import get_timezone_location

        return str(get_timezone_location(zone(event.timezone), locale=self.fmt.locale, return_city=True))

    def rule(self, event: Event) -> str | None:
        """The same wording of a recurring rule as on the schedule slide, with inline markup."""
        if event.recurrence is None:
            return None
        from .compose import rule_words

        return str(rule_words(event, self.fmt, self.phrases))

    def slot(self, slot: Slot, since: dt.date) -> SlotView:
        ev, fmt, day = slot.event, self.fmt, slot.day
        time = fmt.when(ev.start, ev.end)
        rule = self.rule(ev)
        return SlotView(
            id=ev.id, title=Rich(ev.title, self.brand.links, link_tags=False),
            description=self.rich(ev.description), date=Rich(fmt.capitalise(fmt.date(day, "full"))),
            date_inline=Rich(fmt.date(day, "full")),
            weekday=fmt.capitalise(fmt.weekday(day.weekday())), day=str(day.day),
            month=fmt.month(day.year, day.month, capitalise=True), iso=day.isoformat(), time=time,
            city=self.city(ev), place=self.rich(ev.place), online=self.rich(ev.online), link=ev.link,
            rule=self.rich(fmt.capitalise(rule)) if rule else None, rule_inline=self.rich(rule),
            today=day == since)

    def pending(self, event: Event, since: dt.date) -> PendingView | None:
        months = pending_months(event, since)
        if not months:
            return None
        text = self.fmt.list([self.fmt.month(y, m) for y, m in months])
        return PendingView(Rich(event.title, self.brand.links, link_tags=False),
                           self.rich(event.description), text)

    def channels(self) -> tuple[ChannelView, ...]:
        """The deck's channels slide, if it has one."""
        slide = next((s for s in self.deck.slides if isinstance(s, ChannelsSlide)), None)
        if slide is None:
            return ()
        out = []
        for ch in slide.channels:
            values = [*ch.handles, *(f"[{escape_markup(lk.text)}]({lk.url})" if lk.text else lk.url
                                     for lk in ch.links)]
            values += [ch.email] if ch.email else []
            out.append(ChannelView(Rich(ch.network), Rich(self.fmt.list(values), self.brand.links)))
        return tuple(out)


def _deck_email(deck: Deck) -> str | None:
    for slide in deck.slides:
        if isinstance(slide, ChannelsSlide):
            for ch in slide.channels:
                if ch.email:
                    return ch.email
    return None


def _direction(fmt: Formatter) -> str:
    return "rtl" if fmt.locale.character_order == "right-to-left" else "ltr"


def announcement(deck: Deck, brand: Brand, locale: str, phrases: Any, since: dt.date) -> Announcement:
    """What to announce of (localised) *deck* on *since*: the next date first, then the later ones.

    *phrases* are deckgen's own words (``layouts/phrases.j2``) in the locale's language.
    Raise :class:`DeckgenError` when no event takes place on or after *since*.
    """
    fmt = Formatter(locale)
    views = _Views(deck, brand, fmt, phrases)
    upcoming = slots(deck, since)
    if not upcoming:
        raise no_dates_left(deck, since)
    shown = tuple(views.slot(s, since) for s in upcoming)
    series, seen = [], set()
    for s in shown:
        if s.rule is not None and s.id not in seen:
            series.append(s)
            seen.add(s.id)
    spec = brand.spec
    website = spec.website
    href = website if website is None or "://" in website else f"https://{website}"
    return Announcement(
        deck_id=deck.id, locale=locale, language_tag=locale.replace("_", "-"), direction=_direction(fmt),
        since=since, since_text=Rich(fmt.date(since)), title=Rich(deck.title, link_tags=False),
        author=deck.author, next=shown[0], upcoming=shown, series=tuple(series),
        pending=tuple(p for ev in deck.events if (p := views.pending(ev, since)) is not None),
        channels=views.channels(), brand_name=spec.name, hashtag=spec.hashtag, handle=spec.handle,
        website=href, website_text=website, email=spec.email or _deck_email(deck),
        footer=brand.footer_text(), slides=views.rich(deck.slideshare), colors=_colors(brand),
        fonts={"heading": brand.heading.family, "body": brand.body.family},
        font_files={fam.family: dict(sorted(fam.files.items())) for fam in (brand.heading, brand.body)},
        logo=brand.logo_svg or brand.logo_png)


# --- layouts ------------------------------------------------------------------------------


class _EscapedTranslations:
    """A translator whose texts are HTML-escaped, for HTML layouts.

    With autoescaping, Jinja takes a translated text for HTML; translations are
    untrusted (see :mod:`deckgen.i18n`), so in HTML a ``<`` in a catalog stays a ``<``.
    """

    def __init__(self, translator: Any) -> None:
        self._t = translator

    def gettext(self, message: str) -> Markup:
        return escape(self._t.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        return escape(self._t.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> Markup:
        return escape(self._t.pgettext(context, message))

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> Markup:
        return escape(self._t.npgettext(context, singular, plural, n))


@dataclass
class Layouts:
    """Renders the ``announce/`` layouts of a Jinja environment in one language.

    HTML layouts render in an overlay of the environment that autoescapes every
    template, so the macros they import (``announce/macros.j2``, shared with the text
    layouts) write HTML too; the environment's own rule (by file name) would compile
    those macros as text.  Text layouts render in the environment as it is: ``.txt.j2``
    is never escaped.
    """

    env: Environment
    translator: Any
    search: list[Path] = field(default_factory=list)  # for "not found" messages
    _html_env: Environment | None = field(default=None, init=False, repr=False)

    def _render(self, env: Environment, name: str, translator: Any, **context: Any) -> str:
        from jinja2 import TemplateError, TemplateNotFound

        from .layouts import install

        install(self.env, translator)  # the overlay shares the environment's globals
        try:
            return env.get_template(name).render(**context)
        except TemplateNotFound as exc:
            where = ", ".join(str(p) for p in self.search) or "the layout folders"
            raise RenderError(f"layout '{exc.name or name}' not found in {where}") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{getattr(exc, 'filename', None) or name}:{line}" if line else name
            raise RenderError(f"{where}: layout error: {exc.message or exc}") from None
        finally:
            install(self.env, self.translator)

    def text(self, name: str, **context: Any) -> str:
        """A text layout (not escaped)."""
        return self._render(self.env, name, self.translator, **context)

    def html(self, name: str, **context: Any) -> str:
        """An HTML layout: values and translations escaped."""
        if self._html_env is None:
            self._html_env = self.env.overlay(autoescape=True)
        return self._render(self._html_env, name, _EscapedTranslations(self.translator), **context)


def _tidy(text: str) -> str:
    """Trailing spaces off (but the signature separator's), at most one empty line in a row."""
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


# --- posts -------------------------------------------------------------------------------


def posts(ann: Announcement, layouts: Layouts) -> dict[str, str]:
    """The post for each network (``announce/post-<network>.txt.j2``), checked against its limit."""
    out = {}
    for network, limit in LIMITS.items():
        text = _tidy(layouts.text(f"announce/post-{network}.txt.j2", a=ann)).rstrip("\n")
        length = post_length(network, text)
        if length > limit:
            links = ", links counted as 23" if network == "twitter" else ""
            raise RenderError(
                f"deck '{ann.deck_id}' [{ann.locale}]: the {network} post is {length - limit} characters too long "
                f"({length} of {limit}{links}); shorten the event's title or description in this language, "
                f"or the layout announce/post-{network}.txt.j2")
        out[network] = text + "\n"
    return out


# --- e-mail --------------------------------------------------------------------------------


def _sender(ann: Announcement) -> Address:
    addr = ann.email or "organisers@example.invalid"
    user, _, domain = addr.partition("@")
    return Address(" ".join(ann.author.split()), user, domain)  # a header holds one line


def email_bytes(ann: Announcement, layouts: Layouts) -> bytes:
    """A ready-to-send ``.eml``: multipart/alternative, plain text and branded HTML, both UTF-8.

    ``X-Unsent: 1`` makes Outlook open it as a draft; Date and Message-ID come from
    the announcement date, so the same announcement gives the same bytes.
    """
    # one line, but keep the narrow no-break spaces French puts before ':' (split() would drop them)
    subject = re.sub(r"[ \t\r\n]+", " ", layouts.text("announce/email-subject.txt.j2", a=ann)).strip()
    text = _tidy(layouts.text("announce/email.txt.j2", a=ann))
    html = layouts.html("announce/email.html.j2", a=ann, subject=subject)
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = _sender(ann)
    msg["To"] = "undisclosed-recipients:;"
    msg["Date"] = format_datetime(dt.datetime.combine(ann.since, dt.time(8, 0), tzinfo=dt.timezone.utc))
    msg["Message-ID"] = f"<announce.{ann.since:%Y%m%d}.{ann.locale}.{ann.deck_id}@{UID_DOMAIN}>"
    msg["MIME-Version"] = "1.0"
    msg["X-Unsent"] = "1"
    msg.make_alternative()
    for body, subtype in ((text, "plain"), (html, "html")):
        part = MIMEPart()
        part.set_content(body, subtype=subtype, charset="utf-8", cte="quoted-printable")
        msg.attach(part)
    # quoted-printable never writes "=_", so this boundary cannot occur in a part
    msg.set_boundary("=_deckgen_" + hashlib.sha256((text + html).encode()).hexdigest()[:24])
    msg["Content-Language"] = ann.language_tag
    return msg.as_bytes(policy=email.policy.SMTP)


# --- flyer -------------------------------------------------------------------------------


#: how many times the flyer may be made more compact to fit its page
FLYER_COMPACT_LEVELS = 3


def flyer_html(ann: Announcement, layouts: Layouts, compact: int = 0, channels: int | None = None) -> str:
    """The HTML of the one-page A4 flyer (``announce/flyer.html.j2``), for WeasyPrint.

    *compact* (0 to 2) asks the layout for fewer dates and smaller type, for a second
    and third try when the page overflows; *channels* is how many of the deck's channels it
    shows (all by default).
    """
    shown = len(ann.channels) if channels is None else channels
    return layouts.html("announce/flyer.html.j2", a=ann, compact=compact, channels=shown)


# --- calendar -----------------------------------------------------------------------------


def uid(deck: Deck, event: Event, day: dt.date | None = None) -> str:
    """The stable UID of an event (a series) or of one date of a dated event.

    The same in every language: the French and English files describe the same
    events, so importing both into one calendar updates rather than duplicates.

    >>> from deckgen.model import Event
    >>> uid(type("D", (), {"id": "hcsmeu-anniversary"})(), Event(id="tweetup", title="T", dates=["2010-09-01"]))
    'tweetup.hcsmeu-anniversary@deckgen'
    """
    suffix = f"-{day:%Y%m%d}" if day is not None else ""
    return f"{event.id}{suffix}.{deck.id}@{UID_DOMAIN}"


def _texts(vevent: Any, event: Event, lang: str, links: LinkStyle) -> None:
    params = {"LANGUAGE": lang}
    vevent.add("summary", str(Rich(event.title, links)), parameters=params)
    description = [str(Rich(event.description, links))] if event.description else []
    if event.online and event.place:
        description.append(str(Rich(event.online, links)))
    if event.link:
        description.append(event.link)
    if description:
        vevent.add("description", "\n\n".join(description), parameters=params)
    where = event.place or event.online
    if where:
        vevent.add("location", str(Rich(where, links)), parameters=params)
    if event.link:
        vevent.add("url", event.link)


def _times(vevent: Any, slot: Slot) -> None:
    if slot.start is not None and slot.end is not None:
        vevent.add("dtstart", slot.start)
        vevent.add("dtend", slot.end)
    elif slot.start is not None:  # no end given: RFC 5545 would make it last no time at all
        vevent.add("dtstart", slot.start)
        vevent.add("duration", UNTIMED_END_DURATION)
    else:  # a whole day: DTEND is the next day (RFC 5545 3.6.1)
        vevent.add("dtstart", slot.day)
        vevent.add("dtend", slot.day + dt.timedelta(days=1))


def _rrule(event: Event, rule: Recurrence) -> dict[str, Any]:
    """The RRULE of *rule*: UNTIL (in UTC when timed, RFC 5545 3.3.10) or COUNT, whichever ends first."""
    out: dict[str, Any] = {"freq": "monthly", "byday": f"{rule.ordinal}{rule.weekday[:2].upper()}"}
    by_count = (recurrence_dates(rule.model_copy(update={"until": None, "skip": []}))
                if rule.count is not None else None)
    if by_count is not None and (rule.until is None or by_count[-1] <= rule.until):
        out["count"] = rule.count
        return out
    assert rule.until is not None  # the model requires 'until' or 'count'
    last = Slot(event, rule.until).start
    out["until"] = last.astimezone(dt.timezone.utc) if last is not None else rule.until
    return out


def _series(deck: Deck, event: Event, rule: Recurrence, stamp: dt.datetime, lang: str) -> Any:
    from icalendar import Event as VEvent

    first = Slot(event, rule.first)
    ve = VEvent()
    ve.add("uid", uid(deck, event))
    ve.add("dtstamp", stamp)
    _times(ve, first)
    ve.add("rrule", _rrule(event, rule))
    if rule.skip:
        skipped = sorted(rule.skip)
        ve.add("exdate", [Slot(event, d).start or d for d in skipped])
    _texts(ve, event, lang, LinkStyle())
    return ve


def _calendar(deck: Deck, locale: str) -> Calendar:
    from icalendar import Calendar
    from icalendar import Event as VEvent

    lang = locale.replace("_", "-")
    stamp = dt.datetime.combine(deck.date, dt.time(0), tzinfo=dt.timezone.utc)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    title = str(Rich(deck.title))
    cal.add("name", title)
    cal.add("x-wr-calname", title)
    if deck.subject:
        cal.add("x-wr-caldesc", str(Rich(deck.subject)))
    days: list[dt.date] = []
    for ev in deck.events:
        if ev.recurrence is not None:
            cal.add_component(_series(deck, ev, ev.recurrence, stamp, lang))
            days += [ev.recurrence.first, *recurrence_dates(ev.recurrence)[-1:]]
        for item in ev.dates:
            if item.date is None:  # only a month: no day to put in a calendar yet
                continue
            ve = VEvent()
            ve.add("uid", uid(deck, ev, item.date))
            ve.add("dtstamp", stamp)
            _times(ve, Slot(ev, item.date))
            _texts(ve, ev, lang, LinkStyle())
            cal.add_component(ve)
            days.append(item.date)
    if days:  # VTIMEZONE for every TZID used, over the years the events span (and a few more)
        cal.add_missing_timezones(first_date=dt.date(min(days).year, 1, 1),
                                  last_date=dt.date(max(days).year + TZ_YEARS_AFTER, 1, 1))
    return cal


def calendar_bytes(deck: Deck, locale: str) -> bytes:
    """The iCalendar file (RFC 5545) of (localised) *deck*'s events, the whole series.

    A recurring event is one VEVENT with an RRULE (and EXDATE for skipped dates);
    each dated event is a VEVENT; a month without a day yet is left out.  UIDs and
    DTSTAMP are derived from the deck, so rebuilding gives the same bytes.
    """
    return _calendar(deck, locale).to_ical()
