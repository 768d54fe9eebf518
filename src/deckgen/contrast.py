"""WCAG 2.2 contrast of every text against the background it sits on, named by brand colour.

Each text frame of a composed slide is drawn on a background: the nearest shape drawn
before it that covers its box (a card, a disc), else the slide's background. Every
paragraph colour, and the link colour of any link in it, is checked against it: at least
4.5:1, or 3:1 for large text (WCAG 2.2, 1.4.3: 18 pt, or 14 pt bold). A failure is a
warning naming both colours as the brand defines them (``colors.accent``), with the
``brand.yaml`` line that sets the text's colour, once per pair of colours and size class
in a deck. Decorative frames (a large quotation mark, initials on an avatar) are exempt,
as WCAG exempts decoration.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import Location, Problem
from .scene import DeckScene, ShapeFrame, SlideScene, TextFrame, text_frames

if TYPE_CHECKING:  # only named in annotations: compose imports this module's colour maths
    from .brand import Brand

NORMAL_MINIMUM = 4.5
LARGE_MINIMUM = 3.0
#: colour roles of a brand, in the order a text colour and a background colour are named by when
#: two roles share it
TEXT_ROLES = ("text", "muted", "link", "primary", "secondary", "accent", "on_primary", "background")
BACKGROUND_ROLES = ("background", "primary", "secondary", "accent", "text", "muted", "link", "on_primary")


def luminance(color: str) -> float:
    """The relative luminance of ``#RRGGBB`` (WCAG 2.2).

    >>> round(luminance("#FFFFFF"), 3), round(luminance("#000000"), 3)
    (1.0, 0.0)
    """
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    """The contrast ratio of two colours, from 1 to 21.

    >>> round(ratio("#767676", "#FFFFFF"), 2)
    4.54
    """
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def is_large(size: float, bold: bool) -> bool:
    """WCAG's large text: at least 18 pt, or 14 pt when bold."""
    return size >= 18 or (bold and size >= 14)


def _covers(shape: ShapeFrame, frame: TextFrame) -> bool:
    """Whether the shape lies under the middle of the frame's text."""
    s, b = shape.box, frame.box
    x, y = b.x + b.w / 2, b.y + frame.offset + min(frame.content_h or b.h, b.h) / 2
    return s.x <= x <= s.x + s.w and s.y <= y <= s.y + s.h


def backgrounds_of(slide: SlideScene, frame: TextFrame) -> list[str]:
    """The colours *frame*'s text may sit on: the last shape drawn before it under its middle, or the slide's.

    A translucent shape (the scrim over a background picture) gives two: its colour over black
    and over white, the darkest and the lightest the picture beneath could make it.
    """
    if frame.fill:  # a cell of a table
        return [frame.fill]
    colors = [slide.background]
    for other in slide.frames:
        if other is frame:
            break
        if isinstance(other, ShapeFrame) and _covers(other, frame):
            if other.opacity < 1:
                colors = [hex_mix(other.fill, under, other.opacity) for under in ("#000000", "#FFFFFF")]
            else:
                colors = [other.fill]
    return colors


def background_of(slide: SlideScene, frame: TextFrame) -> str:
    """The colour *frame*'s text sits on (the first of :func:`backgrounds_of`)."""
    return backgrounds_of(slide, frame)[0]


def hex_mix(color: str, background: str, amount: float) -> str:
    """*color* laid over *background* at opacity *amount*: a tint, or a scrim over what is under it."""
    a = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(background[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02X}" for x, y in zip(a, b))


@dataclass(frozen=True)
class Finding:
    """Text of one colour on one background, too faint."""

    text: str
    background: str
    large: bool
    ratio: float
    slide: str
    field: str


def findings(scene: DeckScene) -> list[Finding]:
    """Every text colour of *scene* below its WCAG minimum, once per (text, background, size class)."""
    seen: set[tuple[str, str, bool]] = set()
    out: list[Finding] = []
    for slide in scene.slides:
        for frame in text_frames(slide.frames):
            if slide.decorative(frame):
                continue
            grounds = backgrounds_of(slide, frame)
            for p in frame.paragraphs:
                size = frame.size(p)
                colors = {(p.color, p.bold or all(r.bold for r in p.runs if r.text.strip()))}
                if frame.role != "title":
                    colors |= {(frame.link_color, p.bold or r.bold) for r in p.runs if r.href}
                for color, bold in sorted(colors):
                    large = is_large(size, bold)
                    value, bg = min((ratio(color, g), g) for g in grounds)
                    key = (color.upper(), bg.upper(), large)
                    if value < (LARGE_MINIMUM if large else NORMAL_MINIMUM) and key not in seen:
                        seen.add(key)
                        out.append(Finding(color, bg, large, value, slide.id, frame.field or frame.name))
    return out


def _name(color: str, brand: Brand, roles: tuple[str, ...]) -> tuple[str, Location | None]:
    """How the brand names *color* (``colors.accent #F4A259``) and where it sets it."""
    for role in roles:
        if brand.color(role).upper() == color.upper():
            where = brand.location("colors", role)
            if where is None and role == "muted":  # muted defaults to the text colour
                where = brand.location("colors", "text")
            if where is None and role == "link":
                where = brand.location("colors", "primary")
            return f"colors.{role} {color.upper()}", where
    colors = brand.spec.colors
    opacity = colors.scrim_opacity
    for scrim in dict.fromkeys(filter(None, (colors.scrim, colors.scrim_light, *(brand.color(r) for r in roles)))):
        for under, picture in (("#000000", "a dark"), ("#FFFFFF", "a light")):
            if hex_mix(scrim, under, opacity).upper() == color.upper():
                return (f"{color.upper()} (the scrim {scrim.upper()} at scrim_opacity {opacity:g} over {picture} "
                        "background picture)", brand.location("colors", "scrim_opacity")
                        or brand.location("colors", "scrim"))
    return f"{color.upper()} (a tint of the brand's colours)", None


def contrast_warnings(scene: DeckScene, brand: Brand) -> list[Problem]:
    """One warning per text colour of *scene* that is too faint on its background, located in brand.yaml."""
    out = []
    for f in findings(scene):
        text, where = _name(f.text, brand, TEXT_ROLES)
        background, bg_where = _name(f.background, brand, BACKGROUND_ROLES)
        if bg_where is not None and where is not None:
            background += f" ({bg_where})"
        need = LARGE_MINIMUM if f.large else NORMAL_MINIMUM
        kind = "large text" if f.large else "text"
        out.append(Problem(
            f"{kind} in {text} on {background} has a contrast of {f.ratio:.2f}:1, below the {need:g}:1 "
            f"WCAG 2.2 asks for (first on slide '{f.slide}', {f.field}); darken or lighten one of them in "
            f"brand '{brand.id}'", where or bg_where, slide=f"{f.slide} [{scene.locale}]"))
    return out
