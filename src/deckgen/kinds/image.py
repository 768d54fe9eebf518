"""One picture, contained in the body, with alt text and an optional caption."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from PIL import Image
from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer, contain
from ..markup import plain_text
from ..model import SlideBase
from ..scene import Box, Frame, ImageFrame
from . import Kind


class ImageSlide(SlideBase):
    kind: Literal["image"]
    title: str | None = None
    file: str = Field(description="Image file beside deck.yaml (PNG or JPEG).")
    alt: str | None = Field(default=None, min_length=1,
                            description="Alternative text for screen readers: what the image shows. Without it, "
                                        "the build warns (an error with --strict).")
    caption: str | None = None
    credit: str | None = Field(default=None, description="Who made the image and its licence, in small type "
                               "under it, e.g. 'Photo: Jane Doe, CC BY 4.0'.")
    _i18n = ("notes", "title", "alt", "caption", "credit")


def compose(c: Composer, s: ImageSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title) if s.title else []
    top = BODY_TOP if s.title else 40.0
    bottom = BODY_BOTTOM - (34 if s.caption else 0) - (20 if s.credit else 0)
    path = c.deck_dir / s.file
    with Image.open(path) as im:
        w, h = im.size
    frames.append(ImageFrame("image", contain(Box(MX, top, CONTENT_W, bottom - top), w, h), str(path),
                             plain_text(c.runs(s.alt))))
    if s.caption:
        frames.append(c.text("caption", Box(MX, bottom + 6, CONTENT_W, 28),
                             [c.para(s.caption, 15, c.c("muted"), italic=True, align="center")],
                             field="caption"))
    if s.credit:
        frames.append(c.text("credit", Box(MX, BODY_BOTTOM - 16, CONTENT_W, 18),
                             [c.para(s.credit, 11, c.c("muted"), align="right")], field="credit"))
    return c.c("background"), frames, plain_text(c.runs(s.title or s.alt))


def files(slide: dict[str, Any]) -> Iterable[tuple[Any, tuple[Any, ...]]]:
    """The picture an image slide shows (a :attr:`Kind.files` function)."""
    yield slide.get("file"), ("file",)


KIND = Kind("image", ImageSlide, compose, files=files)
