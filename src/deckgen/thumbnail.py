"""The PPTX's preview picture: the first slide drawn from the scene with Pillow, 256 pixels wide.

File managers and Slideshare-like sites show ``docProps/thumbnail.jpeg`` of a PPTX;
python-pptx ships a blank white 4:3 one. This draws the deck's first slide from the same
frames both renderers draw (shapes, text in the brand's fonts, images) at four times the
size, then scales it down. It needs no PDF, so a PPTX-only build has it too, and the same
scene, fonts and Pillow give the same bytes on every machine.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from .scene import (LINE_HEIGHT, PAGE_H, PAGE_W, ChartFrame, DeckScene, ImageFrame, Paragraph, QrFrame,
                    ShapeFrame, SlideScene, TableFrame, TextFrame)

WIDTH = 256  # pixels, as PowerPoint writes it
OVERSAMPLE = 4
JPEG_QUALITY = 85

_STYLES = {(False, False): ("regular", "bold"), (True, False): ("bold", "regular"),
           (False, True): ("italic", "regular", "bold_italic", "bold"),
           (True, True): ("bold_italic", "bold", "italic", "regular")}


@lru_cache(maxsize=64)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _font_file(scene: DeckScene, p: Paragraph, bold: bool, italic: bool) -> str:
    files = scene.font_files.get(scene.fonts.get(p.font, ""), {})
    for style in _STYLES[(bold, italic)]:
        if style in files:
            return files[style]
    return next(iter(files.values()))


def _rgb(color: str) -> tuple[int, int, int]:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _draw_text(draw: ImageDraw.ImageDraw, frame: TextFrame, scene: DeckScene, k: float) -> None:
    """The frame's paragraphs, word-wrapped in its box (line pitch and sizes as in the slides)."""
    y = (frame.box.y + frame.offset) * k
    for i, p in enumerate(frame.paragraphs):
        size = frame.size(p)
        if i:
            y += frame.spacing(p) * k
        font = _font(_font_file(scene, p, p.bold or any(r.bold for r in p.runs[:1]), p.italic), round(size * k))
        left = (frame.box.x + p.indent * frame.scale) * k
        width = (frame.box.w - p.indent * frame.scale) * k
        words = "".join(r.text for r in p.runs).replace("\n", " \n ").split(" ")
        lines: list[str] = []
        line = ""
        for word in words:
            candidate = f"{line} {word}".strip() if line else word
            if word == "\n" or (line and font.getlength(candidate) > width):
                lines.append(line)
                line = "" if word == "\n" else word
            else:
                line = candidate
        lines.append(line)
        pitch = size * LINE_HEIGHT * k
        for text in lines:
            w = font.getlength(text)
            x = left + {"left": 0, "center": (width - w) / 2, "right": width - w}[p.align]
            # the text's ascent sits in the middle of the line pitch, as both renderers place it
            draw.text((x, y + (pitch - size * k) / 2), text, font=font, fill=_rgb(p.color))
            y += pitch


def _paste_image(canvas: Image.Image, frame: ImageFrame, k: float) -> None:
    box = frame.box
    size = (max(1, round(box.w * k)), max(1, round(box.h * k)))
    with Image.open(frame.path) as im:
        picture = im.convert("RGBA")
    if frame.cover:  # the middle of the picture, in the box's proportions (a background)
        scale = max(size[0] / picture.width, size[1] / picture.height)
        w, h = size[0] / scale, size[1] / scale
        left, top = (picture.width - w) / 2, (picture.height - h) / 2
        picture = picture.crop((round(left), round(top), round(left + w), round(top + h)))
    if frame.crop_circle:  # a centred square, then a round mask
        side = min(picture.size)
        left, top = (picture.width - side) // 2, (picture.height - side) // 2
        picture = picture.crop((left, top, left + side, top + side))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    if frame.crop_circle:
        mask = Image.new("L", size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=255)
        picture.putalpha(Image.composite(picture.getchannel("A"), mask, mask))
    canvas.alpha_composite(picture, (round(box.x * k), round(box.y * k)))


def _draw_table(draw: ImageDraw.ImageDraw, frame: TableFrame, scene: DeckScene, k: float) -> None:
    y = frame.box.y
    for row, h in zip(frame.cells, frame.heights):
        x = frame.box.x
        for cell, w in zip(row, frame.widths):
            if cell.fill:
                draw.rectangle((x * k, y * k, (x + w) * k, (y + h) * k), fill=_rgb(cell.fill))
            _draw_text(draw, cell, scene, k)
            x += w
        y += h


def _draw_qr(draw: ImageDraw.ImageDraw, frame: QrFrame, k: float) -> None:
    b, m = frame.box, frame.box.w / frame.size
    draw.rectangle((b.x * k, b.y * k, (b.x + b.w) * k, (b.y + b.h) * k), fill=_rgb(frame.light))
    for y, x, n in frame.runs():
        draw.rectangle(((b.x + x * m) * k, (b.y + y * m) * k, (b.x + (x + n) * m) * k, (b.y + (y + 1) * m) * k),
                       fill=_rgb(frame.dark))


def draw_slide(slide: SlideScene, scene: DeckScene, width: int = WIDTH) -> Image.Image:
    """*slide* drawn *width* pixels wide (16:9), as an RGB image."""
    k = width * OVERSAMPLE / PAGE_W
    canvas = Image.new("RGBA", (width * OVERSAMPLE, round(PAGE_H * k)), _rgb(slide.background) + (255,))
    for frame in slide.frames:
        draw = ImageDraw.Draw(canvas)
        if isinstance(frame, ShapeFrame) and frame.opacity < 1:  # a scrim, over the picture
            b = frame.box
            layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
            ImageDraw.Draw(layer).rectangle((b.x * k, b.y * k, (b.x + b.w) * k, (b.y + b.h) * k),
                                            fill=_rgb(frame.fill) + (round(frame.opacity * 255),))
            canvas.alpha_composite(layer)
        elif isinstance(frame, ShapeFrame):
            b = frame.box
            xy = (b.x * k, b.y * k, (b.x + b.w) * k, (b.y + b.h) * k)
            fill = _rgb(frame.fill)
            if frame.shape == "ellipse":
                draw.ellipse(xy, fill=fill)
            elif frame.shape == "roundrect":
                draw.rounded_rectangle(xy, radius=min(10, b.w / 2, b.h / 2) * k, fill=fill)
            else:
                draw.rectangle(xy, fill=fill)
        elif isinstance(frame, TextFrame):
            _draw_text(draw, frame, scene, k)
        elif isinstance(frame, ImageFrame):
            _paste_image(canvas, frame, k)
        elif isinstance(frame, TableFrame):
            _draw_table(draw, frame, scene, k)
        elif isinstance(frame, QrFrame):
            _draw_qr(draw, frame, k)
        elif isinstance(frame, ChartFrame):
            _draw_chart(draw, frame, k)
    return canvas.convert("RGB").resize((width, round(width * PAGE_H / PAGE_W)), Image.Resampling.LANCZOS)


def _draw_chart(draw: ImageDraw.ImageDraw, frame: ChartFrame, k: float) -> None:
    """A chart's gridlines, bars, lines, points and slices (labels are too small to read at this size)."""
    for x1, y1, x2, y2 in frame.gridlines:
        draw.line((x1 * k, y1 * k, x2 * k, y2 * k), fill=_rgb(frame.grid_color), width=max(1, round(0.75 * k)))
    for m in frame.marks:
        if m.shape == "line":
            draw.line([(x * k, y * k) for x, y in m.points], fill=_rgb(m.fill), width=max(1, round(2.5 * k)))
            continue
        assert m.box is not None
        b = m.box
        xy = (b.x * k, b.y * k, (b.x + b.w) * k, (b.y + b.h) * k)
        if m.shape == "wedge":  # Pillow's angles run clockwise from 3 o'clock, ours from 12
            draw.pieslice(xy, m.angles[0] - 90, m.angles[1] - 90, fill=_rgb(m.fill))
        elif m.shape == "dot":
            draw.ellipse(xy, fill=_rgb(m.fill))
        else:
            draw.rectangle(xy, fill=_rgb(m.fill))


def thumbnail_jpeg(scene: DeckScene, width: int = WIDTH) -> bytes:
    """The JPEG bytes of the first slide of *scene*, *width* pixels wide."""
    out = io.BytesIO()
    draw_slide(scene.slides[0], scene, width).save(out, "JPEG", quality=JPEG_QUALITY, optimize=False,
                                                     progressive=False, subsampling=2)
    return out.getvalue()
