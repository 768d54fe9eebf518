"""Key figures: up to eight numbers in cards, each with its label and details."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer, hex_mix
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import Figure, SlideBase
from ..scene import Box, Frame, Paragraph, ShapeFrame
from . import Kind


class FiguresSlide(SlideBase):
    kind: Literal["figures"]
    title: str
    figures: list[Figure] = Field(min_length=1, max_length=8)
    closing: str | None = None
    _i18n = ("notes", "title", "closing")


def _figure_paragraphs(c: Composer, f: Figure) -> list[Paragraph]:
    fmt = c.fmt
    out = []
    # a counted label is chosen by localise(); an untranslated deck still has the pair
    label = f.label if isinstance(f.label, str) else (f.label.one if f.value == 1 else f.label.other)
    if f.value is not None:
        number = fmt.number(int(f.value) if float(f.value).is_integer() else f.value)
        if f.plus:
            number = c.say.at_least(number)
        out.append(c.para(escape_markup(number), 40, c.c("primary"), font="heading", bold=True))
        out.append(c.para(label, 16, bold=True))
    else:
        out.append(c.para(label, 19, c.c("primary"), font="heading", bold=True))
    details: list[str] = []
    if f.detail:
        details.append(f.detail)
    if f.places:
        details.append(fmt.list([
            c.say.place_month(escape_markup(p.place), fmt.month(*map(int, p.month.split("-"))))
            for p in f.places]))
    if f.countries or f.more:
        names = [fmt.country(code) for code in f.countries] + ([f.more] if f.more else [])
        details.append(fmt.list(names))
    if f.names:
        details.append(fmt.list([escape_markup(n) for n in f.names]))
    if f.links:
        details.append(fmt.list([f"[{escape_markup(lk.text or lk.url)}]({lk.url})" for lk in f.links]))
    for d in details:
        out.append(c.para(d, 13, c.c("muted"), space_before=4))
    return out


def compose(c: Composer, s: FiguresSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    n = len(s.figures)
    cols = n if n <= 4 else math.ceil(n / 2)
    rows = math.ceil(n / cols)
    bottom = BODY_BOTTOM - (40 if s.closing else 0)
    cw = (CONTENT_W - (cols - 1) * GAP) / cols
    ch = (bottom - BODY_TOP - (rows - 1) * GAP) / rows
    tint = hex_mix(c.c("primary"), c.c("background"), 0.07)
    for i, f in enumerate(s.figures):
        r, col = divmod(i, cols)
        # centre a shorter last row
        in_row = cols if r < rows - 1 else n - cols * (rows - 1)
        offset = (cols - in_row) * (cw + GAP) / 2
        box = Box(MX + offset + col * (cw + GAP), BODY_TOP + r * (ch + GAP), cw, ch)
        frames.append(ShapeFrame(f"card-{i + 1}", box, "roundrect", tint))
        frames.append(ShapeFrame(f"card-{i + 1}-mark", Box(box.x, box.y + 14, 4, 36), "rect",
                                 c.c("accent")))
        frames.append(c.text(f"figure-{i + 1}", Box(box.x + 16, box.y + 10, box.w - 28, box.h - 20),
                             _figure_paragraphs(c, f), field=f"figures[{i + 1}]", min_scale=0.55))
    if s.closing:
        frames.append(c.closing(s.closing, bottom + 6, 34, align="center"))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("figures", FiguresSlide, compose)
