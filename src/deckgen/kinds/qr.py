"""A QR code of a web address, large, with words beside it (issue 16)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer
from ..markup import plain_text
from ..model import SlideBase, Url
from ..scene import Box, Frame
from . import Kind

#: the side of the code's plate, quiet zone included, in points
SIDE = 300.0
#: the longest address made into a code: longer ones make codes too dense to scan from a slide
MAX_QR_URL = 300


class QrSlide(SlideBase):
    kind: Literal["qr"]
    title: str
    url: Url = Field(max_length=MAX_QR_URL, description="The address the code holds, shown under the text too.")
    text: str | None = Field(default=None, description="Words beside the code, e.g. 'Scan to join us'.")
    _i18n = ("notes", "title", "text")


def compose(c: Composer, s: QrSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    side = min(SIDE, BODY_BOTTOM - BODY_TOP)
    frames.append(c.qr("qr", s.url, Box(MX, BODY_TOP + (BODY_BOTTOM - BODY_TOP - side) / 2, side, side)))
    x = MX + side + 2 * GAP
    paragraphs = []
    if s.text:
        paragraphs.append(c.para(s.text, 28, c.c("primary"), font="heading", bold=True))
    paragraphs.append(c.para(s.url, 22, c.c("link"),
                             space_before=14))
    frames.append(c.text("text", Box(x, BODY_TOP, MX + CONTENT_W - x, BODY_BOTTOM - BODY_TOP), paragraphs,
                         field="text", valign="middle", min_scale=0.55))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("qr", QrSlide, compose)
