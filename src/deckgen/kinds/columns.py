"""Two columns side by side: text and text, text and an image, or an image and text (issue 16)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

from PIL import Image
from pydantic import Field, model_validator

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer, contain
from ..markup import plain_text
from ..model import Item, Model, SlideBase
from ..scene import Box, Frame, ImageFrame, Paragraph
from . import Kind


class Side(Model):
    """One column: text (a heading, paragraphs, bullets) or one image."""

    heading: str | None = Field(default=None, description="A bold line at the top of the column.")
    paragraphs: list[str] = Field(default_factory=list, description="Paragraphs of text (inline markup).")
    items: list[Item] = Field(default_factory=list, description="Bullets, nested as on a bullets slide.")
    image: str | None = Field(default=None, description="Instead of text: an image file beside deck.yaml "
                                                        "(PNG or JPEG).")
    alt: str | None = Field(default=None, min_length=1, description="What the image shows, for screen readers.")
    caption: str | None = Field(default=None, description="A line under the image.")
    _i18n = ("heading", "paragraphs", "alt", "caption")

    @model_validator(mode="after")
    def _one_kind(self) -> Side:
        text = self.heading or self.paragraphs or self.items
        if self.image and text:
            raise ValueError("a column holds text (heading, paragraphs, items) or an image, not both; "
                             "split them over the two columns")
        if not self.image and not text:
            raise ValueError("give the column a 'heading', 'paragraphs' or 'items', or an 'image'")
        if not self.image and (self.alt or self.caption):
            raise ValueError("'alt' and 'caption' belong to an image: add 'image' or remove them")
        return self


class ColumnsSlide(SlideBase):
    kind: Literal["columns"]
    title: str
    kicker: str | None = None
    left: Side
    right: Side
    split: int = Field(default=50, ge=30, le=70, description="The left column's share of the width, in percent.")
    _i18n = ("notes", "title", "kicker")


def files(slide: dict[str, Any]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """The image files the slide names, with their place below the slide (checked by the loader)."""
    for side in ("left", "right"):
        value = slide.get(side)
        if isinstance(value, dict) and isinstance(value.get("image"), str):
            yield value["image"], (side, "image")


def _side(c: Composer, name: str, side: Side, box: Box) -> list[Frame]:
    if side.image:
        path = c.deck_dir / side.image
        with Image.open(path) as im:
            w, h = im.size
        bottom = box.y + box.h - (34 if side.caption else 0)
        out: list[Frame] = [ImageFrame(f"{name}-image", contain(Box(box.x, box.y, box.w, bottom - box.y), w, h),
                                       str(path), plain_text(c.runs(side.alt)))]
        if side.caption:
            out.append(c.text(f"{name}-caption", Box(box.x, bottom + 6, box.w, 28),
                              [c.para(side.caption, 15, c.c("muted"), italic=True, align="center")],
                              field=f"{name}.caption"))
        return out
    paragraphs: list[Paragraph] = []
    if side.heading:
        paragraphs.append(c.para(side.heading, 24, c.c("primary"), font="heading", bold=True))
    for text in side.paragraphs:
        paragraphs.append(c.para(text, 20, space_before=10))

    def add(items: list[Item], level: int) -> None:
        for it in items:
            paragraphs.append(c.para(it.text, 20 if level == 0 else 17, bullet="•", indent=24 + 26 * level,
                                     level=level, bullet_color=c.c("secondary"),
                                     space_before=10 if level == 0 else 4))
            add(it.items, level + 1)

    add(list(side.items), 0)
    return [c.text(name, box, paragraphs, field=name, min_scale=0.55)]


def compose(c: Composer, s: ColumnsSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title, s.kicker)
    gap = 2 * GAP
    left_w = round((CONTENT_W - gap) * s.split / 100, 2)
    right_w = round(CONTENT_W - gap - left_w, 2)
    top, height = BODY_TOP + 4, BODY_BOTTOM - BODY_TOP - 4
    frames += _side(c, "left", s.left, Box(MX, top, left_w, height))
    frames += _side(c, "right", s.right, Box(MX + left_w + gap, top, right_w, height))
    return c.c("background"), frames, plain_text(c.runs(s.title))


KIND = Kind("columns", ColumnsSlide, compose, files=files)
