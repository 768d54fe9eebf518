"""A section divider on the brand's secondary colour."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import Composer, hex_mix
from ..markup import plain_text
from ..model import SlideBase
from ..scene import Box, Frame, ShapeFrame
from . import BACKGROUND_DESCRIPTION, Kind, background_file


class SectionSlide(SlideBase):
    kind: Literal["section"]
    title: str
    subtitle: str | None = None
    body: str | None = None
    background: str | None = Field(default=None, description=BACKGROUND_DESCRIPTION)
    _i18n = ("notes", "title", "subtitle", "body")


def compose(c: Composer, s: SectionSlide) -> tuple[str, list[Frame], str]:
    on = c.c("on_primary")
    frames: list[Frame] = (c.backdrop(s.background, c.brand.spec.colors.scrim or c.c("secondary")) if s.background
                           else [ShapeFrame("disc", Box(-160, 300, 420, 420), "ellipse",
                                            hex_mix(on, c.c("secondary"), 0.12))])
    frames.append(ShapeFrame("rule", Box(96, 150, 80, 6), "rect", c.c("accent")))
    frames.append(c.text("title", Box(96, 170, 768, 100),
                         [c.para(s.title, 54, on, font="heading", bold=True, link_tags=False)],
                         field="title", valign="bottom", role="title"))
    paragraphs = []
    if s.subtitle:
        paragraphs.append(c.para(s.subtitle, 26, on))
    if s.body:
        paragraphs.append(c.para(s.body, 26, on, space_before=12 if s.subtitle else 0))
    frames.append(c.text("body", Box(96, 284, 768, 180), paragraphs, field="body", on_dark=True))
    return c.c("secondary"), frames, plain_text(c.runs(s.title))


KIND = Kind("section", SectionSlide, compose, files=background_file)
