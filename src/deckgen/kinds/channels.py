"""Where to find the community: networks with handles, links and addresses."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import Channel, SlideBase, Url
from ..scene import Box, Frame, ShapeFrame
from . import Kind


#: the largest side of the QR code's plate beside the channels, in points
QR_SIDE = 220.0


class ChannelsSlide(SlideBase):
    kind: Literal["channels"]
    title: str
    channels: list[Channel] = Field(min_length=1, max_length=10)
    closing: str | None = None
    qr: Url | None = Field(default=None, max_length=300, description="An address shown as a QR code beside the channels, "
                                                     "e.g. the community's site.")
    _i18n = ("notes", "title", "closing")


def compose(c: Composer, s: ChannelsSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    n = len(s.channels)
    cols = 1 if n <= 3 else 2
    rows = math.ceil(n / cols)
    bottom = BODY_BOTTOM - (40 if s.closing else 0)
    width = CONTENT_W
    if s.qr:  # the code at the right, as tall as the channels' area allows
        side = min(QR_SIDE, bottom - BODY_TOP)
        width -= side + GAP * 2
        frames.append(c.qr("qr", s.qr, Box(MX + CONTENT_W - side, BODY_TOP + (bottom - BODY_TOP - side) / 2,
                                            side, side)))
    cw = (width - (cols - 1) * GAP * 2) / cols
    rh = (bottom - BODY_TOP) / rows
    for i, ch in enumerate(s.channels):
        col, r = divmod(i, rows)
        box = Box(MX + col * (cw + GAP * 2), BODY_TOP + r * rh, cw, rh - 6)
        values = list(ch.handles)
        values += [f"[{escape_markup(lk.text)}]({lk.url})" if lk.text else lk.url for lk in ch.links]
        if ch.email:
            values.append(ch.email)
        frames.append(ShapeFrame(f"channel-{i + 1}-mark", Box(box.x, box.y + 4, 4, box.h - 8), "rect",
                                 c.c("secondary")))
        frames.append(c.text(f"channel-{i + 1}", Box(box.x + 14, box.y, box.w - 14, box.h),
                             [c.para(ch.network, 14, c.c("secondary"), bold=True, link_tags=False),
                              c.para(c.fmt.list(values), 17, space_before=1)],
                             field=f"channels[{i + 1}]", valign="middle", min_scale=0.55))
    if s.closing:
        frames.append(c.closing(s.closing, bottom + 6, 34, align="center"))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("channels", ChannelsSlide, compose)
