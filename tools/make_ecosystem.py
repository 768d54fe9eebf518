"""Draw the #hcsmeufr "digital ecosystem" diagram for the hcsmeu-anniversary deck.

The picture is a hub-and-spoke diagram: a dark central circle labelled
"#hcsmeufr" / "tweetup" (the monthly conversation on Twitter), ringed by a thin
accent circle, with seven white rounded-rectangle satellites laid out on an
ellipse around it (Twitter, Wiki, Google Docs, LinkedIn, Facebook, Slideshare,
E-mail), each joined to the centre by a teal line.  Twitter sits at the top and
the other six form mirror-image pairs.  Labels are plain text set in the deck's
Noto fonts; there are no logos.

The canvas is 1600 x 860 px with a fully transparent background, so that it
sits on the slide's white background.  Everything is drawn at twice that size
and downscaled with LANCZOS for anti-aliasing.  The script checks that no two
shapes overlap and that everything keeps clear of the canvas edge.  The output
is deterministic: no timestamps or metadata are written, so rerunning the
script gives the same bytes.

Rerun from the repository root with::

    .venv/bin/python tools/make_ecosystem.py

It writes ``decks/hcsmeu-anniversary/ecosystem.png``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO_ROOT = Path(__file__).resolve().parent.parent
FONT_DIR = REPO_ROOT / "assets" / "fonts" / "noto"
BOLD_FONT = FONT_DIR / "NotoSansDisplay-Bold.ttf"
REGULAR_FONT = FONT_DIR / "NotoSans-Regular.ttf"
OUTPUT = REPO_ROOT / "decks" / "hcsmeu-anniversary" / "ecosystem.png"

# Final canvas size, and the supersampling factor used for anti-aliasing.
WIDTH, HEIGHT = 1600, 860
SCALE = 2
MIN_MARGIN = 20  # minimum clearance from the canvas edge
MIN_GAP = 24  # minimum clearance between two shapes

# Colours.
CENTRE_FILL = "#0B4F6C"
CENTRE_TEXT = "#FFFFFF"
ACCENT = "#F4A259"
TEAL = "#137C78"
SATELLITE_FILL = "#FFFFFF"
LABEL_TEXT = "#1F2933"
SUB_TEXT = "#52606D"

# Geometry, in final (1x) pixels.
HUB_RADIUS = 160
ACCENT_GAP = 9
ACCENT_WIDTH = 4
ORBIT_RX, ORBIT_RY = 560, 320
BOX_HEIGHT = 124
BOX_PADDING_X = 34
BOX_RADIUS = 26
BOX_OUTLINE = 4
LINE_WIDTH = 5
LINE_GAP = 7  # space between the accent ring and the start of each spoke
HUB_LINE_GAP = 16  # space between the hub's two lines of text
BOX_LINE_GAP = 15  # space between a satellite's label and sub-label

# Type sizes, in final (1x) pixels.
HUB_LABEL_SIZE = 50
HUB_SUB_SIZE = 34
LABEL_SIZE = 42
SUB_SIZE = 29


@dataclass(frozen=True)
class Satellite:
    """One node around the hub.

    ``angle`` is the ellipse parameter in degrees, clockwise from the top.
    """

    label: str
    sub: str
    angle: float


SATELLITES: tuple[Satellite, ...] = (
    Satellite("Twitter", "#hcsmeufr · @hcsmeufr", 0),
    Satellite("Wiki", "hcsmeufr.wikispaces.com", 58),
    Satellite("Google Docs", "calendar · guestbook", 112),
    Satellite("LinkedIn", "group", 155),
    Satellite("Facebook", "page", 205),
    Satellite("Slideshare", "decks", 248),
    Satellite("E-mail", "hcsmeufr@gmail.com", 302),
)

Box = tuple[float, float, float, float]  # left, top, right, bottom


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in final (1x) pixels."""

    hub: tuple[float, float]
    boxes: tuple[Box, ...]


def s(value: float) -> int:
    """Convert a final-pixel length to supersampled pixels."""
    return round(value * SCALE)


def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """Load a TrueType font at ``size`` final pixels (scaled for supersampling)."""
    return ImageFont.truetype(str(path), s(size))


def box_width(
    sat: Satellite, bold: ImageFont.FreeTypeFont, regular: ImageFont.FreeTypeFont
) -> float:
    """Width (final pixels) of the rounded rectangle that fits ``sat``'s labels."""
    text = max(bold.getlength(sat.label), regular.getlength(sat.sub)) / SCALE
    return math.ceil(text + 2 * BOX_PADDING_X)


def ring_radius() -> float:
    """Outer radius of the accent ring around the hub."""
    return HUB_RADIUS + ACCENT_GAP + ACCENT_WIDTH


def plan_layout(width: float) -> Layout:
    """Place the hub and the satellites, centring the whole drawing vertically.

    Every satellite is ``width`` wide; they sit on an ellipse around the hub.
    """
    offsets = []
    for sat in SATELLITES:
        t = math.radians(sat.angle)
        offsets.append((ORBIT_RX * math.sin(t), -ORBIT_RY * math.cos(t)))
    top = min(min(dy for _, dy in offsets) - BOX_HEIGHT / 2, -ring_radius())
    bottom = max(max(dy for _, dy in offsets) + BOX_HEIGHT / 2, ring_radius())
    hub = (WIDTH / 2, (HEIGHT - top - bottom) / 2)
    boxes = tuple(
        (
            hub[0] + dx - width / 2,
            hub[1] + dy - BOX_HEIGHT / 2,
            hub[0] + dx + width / 2,
            hub[1] + dy + BOX_HEIGHT / 2,
        )
        for dx, dy in offsets
    )
    return Layout(hub, boxes)


def centre_of(box: Box) -> tuple[float, float]:
    """Centre point of a box."""
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def check_layout(layout: Layout) -> None:
    """Raise ``ValueError`` if shapes overlap or come too close to the canvas edge."""
    hx, hy = layout.hub
    ring = ring_radius()
    shapes: list[Box] = [(hx - ring, hy - ring, hx + ring, hy + ring), *layout.boxes]
    for left, top, right, bottom in shapes:
        if min(left, top, WIDTH - right, HEIGHT - bottom) < MIN_MARGIN:
            raise ValueError(f"shape {(left, top, right, bottom)} is too close to the canvas edge")
    for i, a in enumerate(shapes):
        for b in shapes[i + 1 :]:
            apart_x = max(b[0] - a[2], a[0] - b[2])
            apart_y = max(b[1] - a[3], a[1] - b[3])
            if max(apart_x, apart_y) < MIN_GAP:
                raise ValueError(f"shapes {a} and {b} are too close together")


def cap_height(font: ImageFont.FreeTypeFont) -> float:
    """Height of a capital letter above the baseline, in supersampled pixels."""
    return -font.getbbox("H", anchor="ls")[1]


def draw_text_block(
    draw: ImageDraw.ImageDraw,
    centre: tuple[float, float],
    lines: tuple[tuple[str, ImageFont.FreeTypeFont, str], ...],
    gap: float,
) -> None:
    """Draw lines of text as one block, centred horizontally and vertically on ``centre``.

    Each line is measured from its font's cap height down to its baseline, so the
    block is optically centred whatever ascenders or descenders the words have.
    """
    cx, cy = centre
    heights = [cap_height(font) for _, font, _ in lines]
    baseline = s(cy) - (sum(heights) + s(gap) * (len(lines) - 1)) / 2
    for (text, font, colour), height in zip(lines, heights, strict=True):
        baseline += height
        draw.text((s(cx), baseline), text, font=font, fill=colour, anchor="ms")
        baseline += s(gap)


def draw_spokes(draw: ImageDraw.ImageDraw, layout: Layout) -> None:
    """Draw a line from just outside the accent ring to each satellite's centre."""
    hx, hy = layout.hub
    start_radius = ring_radius() + LINE_GAP
    for box in layout.boxes:
        px, py = centre_of(box)
        angle = math.atan2(py - hy, px - hx)
        start = (hx + start_radius * math.cos(angle), hy + start_radius * math.sin(angle))
        draw.line([(s(start[0]), s(start[1])), (s(px), s(py))], fill=TEAL, width=s(LINE_WIDTH))


def draw_hub(draw: ImageDraw.ImageDraw, hub: tuple[float, float]) -> None:
    """Draw the central circle, its accent ring and its two-line label."""
    hx, hy = hub
    ring = ring_radius()
    draw.ellipse(
        [s(hx - ring), s(hy - ring), s(hx + ring), s(hy + ring)],
        outline=ACCENT,
        width=s(ACCENT_WIDTH),
    )
    r = HUB_RADIUS
    draw.ellipse([s(hx - r), s(hy - r), s(hx + r), s(hy + r)], fill=CENTRE_FILL)
    draw_text_block(
        draw,
        hub,
        (
            ("#hcsmeufr", load_font(BOLD_FONT, HUB_LABEL_SIZE), CENTRE_TEXT),
            ("tweetup", load_font(REGULAR_FONT, HUB_SUB_SIZE), CENTRE_TEXT),
        ),
        gap=HUB_LINE_GAP,
    )


def draw_satellite(
    draw: ImageDraw.ImageDraw,
    sat: Satellite,
    box: Box,
    fonts: tuple[ImageFont.FreeTypeFont, ImageFont.FreeTypeFont],
) -> None:
    """Draw one rounded-rectangle satellite with its label and sub-label."""
    bold, regular = fonts
    draw.rounded_rectangle(
        [s(v) for v in box],
        radius=s(BOX_RADIUS),
        fill=SATELLITE_FILL,
        outline=TEAL,
        width=s(BOX_OUTLINE),
    )
    draw_text_block(
        draw,
        centre_of(box),
        ((sat.label, bold, LABEL_TEXT), (sat.sub, regular, SUB_TEXT)),
        gap=BOX_LINE_GAP,
    )


def render() -> Image.Image:
    """Render the whole diagram and return the final, downscaled RGBA image."""
    bold = load_font(BOLD_FONT, LABEL_SIZE)
    regular = load_font(REGULAR_FONT, SUB_SIZE)
    # One width for every satellite keeps the diagram calm and regular.
    layout = plan_layout(max(box_width(sat, bold, regular) for sat in SATELLITES))
    check_layout(layout)

    image = Image.new("RGBA", (s(WIDTH), s(HEIGHT)), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw_spokes(draw, layout)
    draw_hub(draw, layout.hub)
    for sat, box in zip(SATELLITES, layout.boxes, strict=True):
        draw_satellite(draw, sat, box, (bold, regular))
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def save(image: Image.Image, path: Path) -> None:
    """Save ``image`` as an optimised PNG with no metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.info.clear()
    image.save(path, format="PNG", optimize=True)


def main() -> None:
    save(render(), OUTPUT)
    print(f"wrote {OUTPUT.relative_to(REPO_ROOT)} ({OUTPUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
