"""The title slide: the deck's title, subtitle, event and date on the brand's primary colour."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ..compose import PAGE_H, PAGE_W, Composer
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import Clock, SlideBase, _check_end
from ..scene import Box, Frame, ShapeFrame
from . import BACKGROUND_DESCRIPTION, Kind, background_file


class TitleSlide(SlideBase):
    kind: Literal["title"]
    title: str
    subtitle: str | None = None
    event: str | None = Field(default=None, description="What the deck is for, e.g. 'First anniversary celebration'.")
    date: dt.date | None = None
    start: Clock | None = None
    end: Clock | None = None
    hashtag: str | None = Field(default=None, pattern=r"^#\w+$")
    background: str | None = Field(default=None, description=BACKGROUND_DESCRIPTION)
    _i18n = ("notes", "title", "subtitle", "event")

    @field_validator("end")
    @classmethod
    def _end(cls, value: dt.time | None, info: ValidationInfo) -> dt.time | None:
        return _check_end(value, info.data)


def compose(c: Composer, s: TitleSlide) -> tuple[str, list[Frame], str]:
    on = c.c("on_primary")
    frames: list[Frame]
    if s.background:  # the picture instead of the brand's circles
        frames = c.backdrop(s.background, c.brand.spec.colors.scrim or c.c("primary"))
    else:
        frames = [
            ShapeFrame("disc", Box(610, -150, 560, 560), "ellipse", c.c("secondary")),
            ShapeFrame("dot", Box(560, 330, 150, 150), "ellipse", c.c("accent")),
        ]
    frames.append(c.text("title", Box(64, 92, 560, 120),
                         [c.para(s.title, 92, on, font="heading", bold=True, link_tags=False)],
                         field="title", valign="bottom", role="title", min_scale=0.6))
    frames.append(c.text("subtitle", Box(64, 216, 540, 70),
                         [c.para(s.subtitle, 26, on, link_tags=False)], field="subtitle", on_dark=True))
    when = []
    if s.date:
        when.append(escape_markup(c.fmt.date(s.date)).replace("\\^", "^"))
    time = c.fmt.when(s.start, s.end)
    if time:
        when.append(time)
    paragraphs = [c.para(s.event, 26, c.c("accent"), bold=True, link_tags=False)]
    if when:
        paragraphs.append(c.para(" · ".join(when), 20, on, space_before=6))
    frames.append(c.text("event", Box(64, 300, 520, 100), paragraphs, field="event", on_dark=True))
    if s.hashtag:
        frames.append(c.text("hashtag", Box(64, 430, 400, 50),
                             [c.para(s.hashtag, 32, c.c("accent"), font="heading", bold=True,
                                     link_tags=False)], field="hashtag"))
    frames += c.logo(Box(PAGE_W - 64 - 200, PAGE_H - 40 - 60, 200, 60))
    return c.c("primary"), frames, plain_text(c.runs(s.title))


KIND = Kind("title", TitleSlide, compose, files=background_file)
