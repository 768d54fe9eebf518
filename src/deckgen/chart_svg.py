"""A composed chart (:class:`~deckgen.scene.ChartFrame`) as inline SVG, for the PDF and the HTML export.

Everything is drawn where the composer put it: the SVG's view box is the frame's box in page
points, so each mark and label keeps the coordinates the PPTX's chart is set up with. Text is
real text in the brand's body font (searchable, and extracted by ``pdftotext``); every string
is escaped. For the tagged PDF, WeasyPrint makes an inline ``svg`` a ``Figure`` whose ``/Alt``
is its ``title``: the chart's alt text (docs/accessibility.md).
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from .scene import ChartFrame, ChartMark, ChartText

#: line width of a line chart's series, and of gridlines and the zero line, in points
LINE_WIDTH = 2.5
GRID_WIDTH = 0.75


def _n(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _wedge(m: ChartMark) -> str:
    assert m.box is not None
    r = m.box.w / 2
    cx, cy = m.box.x + r, m.box.y + r
    start, end = m.angles
    if end - start >= 359.999:
        return f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{_n(r)}" fill="{m.fill}"/>'

    def at(angle: float) -> tuple[float, float]:
        a = math.radians(angle)
        return cx + r * math.sin(a), cy - r * math.cos(a)

    (x1, y1), (x2, y2) = at(start), at(end)
    large = 1 if end - start > 180 else 0
    return (f'<path d="M{_n(cx)} {_n(cy)}L{_n(x1)} {_n(y1)}A{_n(r)} {_n(r)} 0 {large} 1 {_n(x2)} {_n(y2)}Z" '
            f'fill="{m.fill}" stroke="#FFFFFF" stroke-width="1"/>')


def _mark(m: ChartMark) -> str:
    if m.shape == "line":
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in m.points)
        return (f'<polyline points="{points}" fill="none" stroke="{m.fill}" stroke-width="{LINE_WIDTH}" '
                'stroke-linejoin="round" stroke-linecap="round"/>')
    if m.shape == "wedge":
        return _wedge(m)
    assert m.box is not None
    b = m.box
    if m.shape == "dot":
        return f'<circle cx="{_n(b.x + b.w / 2)}" cy="{_n(b.y + b.h / 2)}" r="{_n(b.w / 2)}" fill="{m.fill}"/>'
    return f'<rect x="{_n(b.x)}" y="{_n(b.y)}" width="{_n(b.w)}" height="{_n(b.h)}" fill="{m.fill}"/>'


def _text(t: ChartText, font: str) -> str:
    weight = ' font-weight="700"' if t.bold else ""
    return (f'<text x="{_n(t.x)}" y="{_n(t.y)}" font-family={quoteattr(font)} font-size="{_n(t.size)}" '
            f'fill="{t.color}" text-anchor="{t.anchor}"{weight}>{escape(t.text)}</text>')


def chart_svg(frame: ChartFrame) -> Markup:
    """The inline ``<svg>`` of *frame*, absolutely placed at its box like every frame."""
    b = frame.box
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="frame chart" data-name={quoteattr(frame.name)} '
           f'role="img" viewBox="{_n(b.x)} {_n(b.y)} {_n(b.w)} {_n(b.h)}" width="{_n(b.w)}pt" height="{_n(b.h)}pt" '
           f'style="left: {b.x}pt; top: {b.y}pt; width: {b.w}pt; height: {b.h}pt">',
           f"<title>{escape(frame.alt)}</title>"]
    for x1, y1, x2, y2 in frame.gridlines:
        out.append(f'<path d="M{_n(x1)} {_n(y1)}L{_n(x2)} {_n(y2)}" stroke="{frame.grid_color}" '
                   f'stroke-width="{GRID_WIDTH}"/>')
    if frame.scale is not None:  # the zero line, where the bars start
        p, plot = frame.scale.position(0.0), frame.plot
        if frame.type == "bar":
            x = plot.x + p * plot.w
            out.append(f'<path d="M{_n(x)} {_n(plot.y)}L{_n(x)} {_n(plot.y + plot.h)}" stroke="{frame.axis_color}" '
                       f'stroke-width="{GRID_WIDTH}"/>')
        else:
            y = plot.y + plot.h - p * plot.h
            out.append(f'<path d="M{_n(plot.x)} {_n(y)}L{_n(plot.x + plot.w)} {_n(y)}" '
                       f'stroke="{frame.axis_color}" stroke-width="{GRID_WIDTH}"/>')
    out += [_mark(m) for m in frame.marks]
    out += [_text(t, frame.font) for t in frame.texts]
    out.append("</svg>")
    return Markup("".join(out))
