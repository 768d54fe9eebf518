"""A numbered list, with an optional kicker and intro."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer
from ..markup import plain_text
from ..model import SlideBase
from ..scene import Box, Frame
from . import Kind


class NumberedSlide(SlideBase):
    kind: Literal["numbered"]
    title: str
    kicker: str | None = None
    intro: str | None = None
    items: list[str] = Field(min_length=1)
    _i18n = ("notes", "title", "kicker", "intro", "items")


def compose(c: Composer, s: NumberedSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title, s.kicker)
    paragraphs = []
    if s.intro:
        paragraphs.append(c.para(s.intro, 20, c.c("muted")))
    for i, item in enumerate(s.items, start=1):
        paragraphs.append(c.para(item, 20, bullet="number", number=i, indent=40,
                                 bullet_color=c.c("secondary"), space_before=16))
    frames.append(c.text("body", Box(MX, BODY_TOP, CONTENT_W, BODY_BOTTOM - BODY_TOP), paragraphs,
                         field="items", min_scale=0.6))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("numbered", NumberedSlide, compose)
