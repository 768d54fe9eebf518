"""A statement: one or more paragraphs beside a coloured bar, with an optional kicker."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer
from ..markup import plain_text
from ..model import SlideBase
from ..scene import Box, Frame, ShapeFrame
from . import BACKGROUND_DESCRIPTION, Kind, background_file


class StatementSlide(SlideBase):
    kind: Literal["statement"]
    title: str
    kicker: str | None = Field(default=None, description="Small heading above the title.")
    paragraphs: list[str] = Field(min_length=1)
    background: str | None = Field(default=None, description=BACKGROUND_DESCRIPTION)
    _i18n = ("notes", "title", "kicker", "paragraphs")


def compose(c: Composer, s: StatementSlide) -> tuple[str, list[Frame], str]:
    frames = c.backdrop(s.background, c.brand.spec.colors.scrim_light or c.c("background")) if s.background else []
    frames += c.header(s.title, s.kicker)
    frames.append(ShapeFrame("bar", Box(MX, BODY_TOP + 6, 4, BODY_BOTTOM - BODY_TOP - 12), "rect",
                             c.c("secondary")))
    size = 24 if len(s.paragraphs) == 1 else 19
    paragraphs = [c.para(p, size, italic=len(s.paragraphs) > 1, space_before=12 if i else 0)
                  for i, p in enumerate(s.paragraphs)]
    frames.append(c.text("body", Box(MX + 24, BODY_TOP, CONTENT_W - 24, BODY_BOTTOM - BODY_TOP),
                         paragraphs, field="paragraphs", valign="middle", min_scale=0.6))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("statement", StatementSlide, compose, files=background_file)
