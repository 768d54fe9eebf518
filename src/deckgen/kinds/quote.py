"""A quotation with its author, role, handle and country."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import CONTENT_W, MX, Composer
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import CountryCode, SlideBase
from ..scene import Box, Frame, ShapeFrame
from . import Kind


class QuoteSlide(SlideBase):
    kind: Literal["quote"]
    title: str | None = None
    text: str
    author: str
    role: str | None = None
    handle: str | None = Field(default=None, pattern=r"^@\w{1,30}$")
    country: CountryCode | None = None
    _i18n = ("notes", "title", "text", "role")


def compose(c: Composer, s: QuoteSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title) if s.title else []
    frames.append(c.text("quote-mark", Box(MX, 122, 90, 120),
                         [c.para(escape_markup(c.say.quote_mark(c.fmt.quotes()[0])), 140, c.c("accent"),
                                 font="heading", bold=True)],
                         role="decoration"))
    frames.append(c.text("quote", Box(MX + 100, 150, CONTENT_W - 130, 210),
                         [c.para(s.text, 30, c.c("primary"), font="heading", bold=True,
                                 italic=False)],
                         field="text", valign="middle", min_scale=0.55))
    who = f"**{escape_markup(s.author)}**"
    if s.handle:
        who += f" ({s.handle})"
    parts = [who] + ([s.role] if s.role else [])
    line = ", ".join(parts)
    if s.country:
        line += f" ({escape_markup(c.fmt.country(s.country))})"
    frames.append(ShapeFrame("quote-rule", Box(MX + 100, 378, 40, 3), "rect", c.c("secondary")))
    frames.append(c.text("attribution", Box(MX + 100, 390, CONTENT_W - 130, 70),
                         [c.para(line, 18, c.c("muted"))], field="role"))
    return c.c("background"), frames, plain_text(c.runs(s.title or s.text))


KIND = Kind("quote", QuoteSlide, compose)
