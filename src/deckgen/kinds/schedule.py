"""Upcoming dates of the deck's events, one card per event."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer, hex_mix, rule_words
from ..events import occurrences
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import SlideBase
from ..scene import Box, Frame, ShapeFrame
from . import Kind


class ScheduleSlide(SlideBase):
    kind: Literal["schedule"]
    title: str
    events: list[str] = Field(min_length=1, description="Ids of deck events to list.")
    show: int = Field(default=4, ge=1, le=12, description="How many dates of a recurring event to list.")
    closing: str | None = None
    _i18n = ("notes", "title", "closing")


def _occurrence_text(c: Composer, occ: Any) -> str:
    fmt = c.fmt
    if occ.date is not None:
        text = fmt.capitalise(fmt.date(occ.date))
    else:
        text = fmt.month(*occ.month, capitalise=True)
    if occ.today:
        text = c.say.today(text, escape_markup(fmt.today()))
    return text


def rule_text(c: Composer, ev: Any) -> str:
    """The wording of a recurring event: ``Every 1st Wednesday of the month, 1:00 – 2:00 PM``."""
    return c.fmt.capitalise(rule_words(ev, c.fmt, c.say))


def compose(c: Composer, s: ScheduleSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    events = [c.deck.event(e) for e in s.events]
    cols = len(events)
    cw = (CONTENT_W - (cols - 1) * GAP * 2) / cols
    bottom = BODY_BOTTOM - (40 if s.closing else 0)
    tint = hex_mix(c.c("primary"), c.c("background"), 0.07)
    for i, ev in enumerate(events):
        x = MX + i * (cw + GAP * 2)
        frames.append(ShapeFrame(f"event-{i + 1}-card", Box(x, BODY_TOP, cw, bottom - BODY_TOP), "roundrect",
                                 tint))
        paragraphs = [c.para(ev.title, 22, c.c("primary"), font="heading", bold=True, link_tags=False)]
        if ev.recurrence is not None:
            paragraphs.append(c.para(rule_text(c, ev), 16, c.c("muted"), space_before=4))
        elif ev.description:
            paragraphs.append(c.para(ev.description, 16, c.c("muted"), space_before=4))
        where = ev.online or ev.place
        if where:
            paragraphs.append(c.para(where, 16, c.c("muted"), space_before=2))
        for j, occ in enumerate(occurrences(ev, s.show)):
            paragraphs.append(c.para(_occurrence_text(c, occ), 19, bullet="•", indent=24,
                                     bullet_color=c.c("secondary"), space_before=10 if j == 0 else 4))
        frames.append(c.text(f"event-{i + 1}", Box(x + 20, BODY_TOP + 14, cw - 40, bottom - BODY_TOP - 28),
                             paragraphs, field=f"events[{i + 1}]", min_scale=0.55))
    if s.closing:
        frames.append(c.text("closing", Box(MX, bottom + 6, CONTENT_W, 34),
                             [c.para(s.closing, 18, c.c("text"), align="center")], field="closing"))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("schedule", ScheduleSlide, compose)
