"""Up to six people with photo (or initials), handle and role."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, GAP, MX, Composer, initials
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import Person, SlideBase
from ..scene import Box, Frame, ImageFrame, ShapeFrame
from . import Kind


class PeopleSlide(SlideBase):
    kind: Literal["people"]
    title: str
    intro: str | None = None
    people: list[Person] = Field(min_length=1, max_length=6)
    _i18n = ("notes", "title", "intro")


def compose(c: Composer, s: PeopleSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    top = BODY_TOP
    if s.intro:
        frames.append(c.text("intro", Box(MX, BODY_TOP, CONTENT_W, 64),
                             [c.para(s.intro, 20, c.c("text"))], field="intro"))
        top += 76
    n = len(s.people)
    cw = min(300.0, (CONTENT_W - (n - 1) * GAP * 2) / n)
    x0 = MX + (CONTENT_W - (n * cw + (n - 1) * GAP * 2)) / 2
    d = 112.0
    for i, p in enumerate(s.people):
        x = x0 + i * (cw + GAP * 2)
        circle = Box(x + (cw - d) / 2, top, d, d)
        if p.photo:
            frames.append(ImageFrame(f"person-{i + 1}-photo", circle, str(c.deck_dir / p.photo), p.name,
                                     crop_circle=True))
        else:
            frames.append(ShapeFrame(f"person-{i + 1}-avatar", circle, "ellipse",
                                     c.c("primary") if i % 2 == 0 else c.c("secondary")))
            frames.append(c.text(f"person-{i + 1}-initials", circle,
                                 [c.para(escape_markup(initials(p.name)), 40, c.c("on_primary"),
                                         font="heading", bold=True, align="center")],
                                 valign="middle", role="decoration"))
        paragraphs = [c.para(escape_markup(p.name), 22, c.c("primary"), font="heading", bold=True,
                             align="center")]
        if p.handle:
            paragraphs.append(c.para(p.handle, 17, align="center", space_before=2))
        if p.role:
            paragraphs.append(c.para(p.role, 15, c.c("muted"), align="center", space_before=4))
        frames.append(c.text(f"person-{i + 1}", Box(x, top + d + 12, cw, BODY_BOTTOM - top - d - 12),
                             paragraphs, field=f"people[{i + 1}]", min_scale=0.6))
    return c.c("background"), frames, plain_text(c.runs(s.title))


def files(slide: dict[str, Any]) -> Iterable[tuple[Any, tuple[Any, ...]]]:
    """The photos of a people slide (a :attr:`Kind.files` function)."""
    people = slide.get("people")
    for j, person in enumerate(people if isinstance(people, list) else []):
        if isinstance(person, dict):
            yield person.get("photo"), ("people", j, "photo")


KIND = Kind("people", PeopleSlide, compose, files=files)
