"""A bulleted list, nested to any depth, with an optional intro and closing line."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer
from ..markup import plain_text
from ..model import Item, SlideBase
from ..scene import Box, Frame
from . import Kind


class BulletsSlide(SlideBase):
    kind: Literal["bullets"]
    title: str
    intro: str | None = None
    items: list[Item] = Field(min_length=1)
    closing: str | None = None
    _i18n = ("notes", "title", "intro", "closing")


def compose(c: Composer, s: BulletsSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    paragraphs = []
    if s.intro:
        paragraphs.append(c.para(s.intro, 24, c.c("primary"), bold=True))

    def add(items: list[Item], level: int) -> None:
        for it in items:
            size = 24 if level == 0 else 20
            paragraphs.append(c.para(it.text, size, bullet="•", indent=26 + 28 * level,
                                     level=level, bullet_color=c.c("secondary"),
                                     space_before=12 if level == 0 else 4))
            add(it.items, level + 1)

    add(list(s.items), 0)
    bottom = BODY_BOTTOM - (44 if s.closing else 0)
    frames.append(c.text("body", Box(MX, BODY_TOP + 4, CONTENT_W, bottom - BODY_TOP - 4), paragraphs,
                         field="items", min_scale=0.55))
    if s.closing:
        frames.append(c.closing(s.closing, bottom + 6, 36))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("bullets", BulletsSlide, compose)
