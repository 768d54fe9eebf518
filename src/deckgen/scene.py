"""Positioned slide content: the one geometry both renderers draw.

:mod:`deckgen.compose` turns each localised slide into a :class:`SlideScene` of
frames placed in points on a 960 × 540 pt page (PowerPoint's 16:9).  The PPTX
renderer draws each frame as a shape; the PDF layouts place each frame as an
absolutely positioned box.  Sizes are final: text fitting has already happened.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Union

from .markup import Run

PAGE_W = 960.0
PAGE_H = 540.0
LINE_HEIGHT = 1.2  # line pitch as a multiple of the font size, in both renderers


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of a text frame, with its own font, size and colour."""

    runs: tuple[Run, ...]
    size: float
    color: str
    font: str = "body"  # "heading" | "body"
    bold: bool = False
    italic: bool = False
    align: str = "left"  # left | center | right
    space_before: float = 0.0  # points, at the nominal size
    bullet: str | None = None  # "•" or "number"
    number: int = 0  # for numbered paragraphs
    indent: float = 0.0  # left margin for the text (bullets hang in it)
    bullet_color: str | None = None
    level: int = 0


@dataclass(frozen=True)
class TextFrame:
    name: str
    box: Box
    paragraphs: tuple[Paragraph, ...]
    valign: str = "top"  # top | middle | bottom
    role: str = "body"  # title | body | footer | decoration
    field: str = ""  # deck field shown here, for fitting messages
    min_scale: float = 0.6  # the layout's floor for shrinking
    scale: float = 1.0  # chosen by fitting
    overflow: float = 0.0  # how much too long, as a fraction, past the floor
    content_h: float = 0.0  # measured height of the text at the chosen scale
    fill: str | None = None
    link_color: str = "#0000EE"  # links on light backgrounds use the brand's link colour, on dark ones the text's

    def size(self, p: Paragraph) -> float:
        """The final point size of paragraph *p* (after fitting), rounded to 0.5 pt."""
        return max(1.0, round(p.size * self.scale * 2) / 2)

    def spacing(self, p: Paragraph) -> float:
        return round(p.space_before * self.scale, 1)

    def fitted(self, scale: float, content_h: float, overflow: float = 0.0) -> TextFrame:
        return replace(self, scale=scale, content_h=content_h, overflow=overflow)

    @property
    def offset(self) -> float:
        """Space above the text that anchors it at the top, middle or bottom of the box.

        Both renderers use it (the PPTX as the box's top inset, the PDF as padding), so
        every line sits at the same height in both even where a program wraps a line
        differently from our measure; line pitch is exact in both.
        """
        free = max(0.0, self.box.h - self.content_h)
        return round({"top": 0.0, "middle": free / 2, "bottom": free}[self.valign], 2)


@dataclass(frozen=True)
class ShapeFrame:
    name: str
    box: Box
    shape: str  # rect | roundrect | ellipse
    fill: str
    role: str = "decoration"
    opacity: float = 1.0  # below 1: a scrim over a background image


@dataclass(frozen=True)
class ImageFrame:
    name: str
    box: Box
    path: str  # file on disk (a raster image: PNG or JPEG)
    alt: str
    role: str = "image"
    crop_circle: bool = False
    vector: str | None = None  # an SVG rendition the PDF uses instead, when there is one
    cover: bool = False  # fill the box, cropping the picture's overflow (a background), rather than stretch


@dataclass(frozen=True)
class TableFrame:
    """A grid of cells: a native table in the PPTX, an HTML table in the PDF (issue 16).

    Column widths and row heights are final; each cell's text is a fitted :class:`TextFrame`
    whose box is the cell's box less the padding, and whose ``fill`` is the cell's background.
    """

    name: str
    box: Box
    widths: tuple[float, ...]  # points, one per column, summing to box.w
    heights: tuple[float, ...]  # points, one per row (the header row first), summing to box.h
    cells: tuple[tuple[TextFrame, ...], ...]  # rows of cells
    pad_x: float = 6.0  # padding left and right of a cell's text
    pad_y: float = 3.0  # padding above a cell's text (the text's own offset comes on top)
    header_rows: int = 1
    rule: str = "#000000"  # colour of the lines between rows
    alt: str = ""  # a summary for screen readers (the PPTX's alt text)
    role: str = "table"

    def text_frames(self) -> tuple[TextFrame, ...]:
        """Every cell's text, row by row."""
        return tuple(cell for row in self.cells for cell in row)


@dataclass(frozen=True)
class QrFrame:
    """A QR code drawn as vector shapes: dark modules on a light plate, the quiet zone kept (issue 16).

    ``rows`` are the code's modules (``"1"`` dark) without the quiet zone; *box* is the plate,
    quiet zone included, square. Both renderers draw :meth:`runs`, so both draw the same shapes.
    """

    name: str
    box: Box
    rows: tuple[str, ...]
    dark: str
    light: str
    url: str  # what the code holds: its alternative text
    border: int = 4  # the quiet zone, in modules (ISO/IEC 18004 asks for 4)
    role: str = "image"

    @property
    def size(self) -> int:
        """Modules across the plate, quiet zone included."""
        return len(self.rows) + 2 * self.border

    def runs(self) -> list[tuple[int, int, int]]:
        """The dark modules as horizontal runs: (row, first column, length), in plate modules."""
        out = []
        for y, row in enumerate(self.rows):
            x = 0
            while x < len(row):
                if row[x] == "1":
                    end = row.index("0", x) if "0" in row[x:] else len(row)
                    out.append((y + self.border, x + self.border, end - x))
                    x = end
                else:
                    x += 1
        return out

    def svg_path(self) -> str:
        """The runs as one SVG path in plate modules: ``M4 4h7v1h-7z…``."""
        return "".join(f"M{x} {y}h{n}v1h-{n}z" for y, x, n in self.runs())


Frame = Union[TextFrame, ShapeFrame, ImageFrame, TableFrame, QrFrame, "ChartFrame"]


def text_frames(frames: tuple[Frame, ...] | list[Frame]) -> list[TextFrame]:
    """The text of *frames*: each text frame, and the text inside frames made of several (a table's cells).

    The checks that read text (overflow, missing glyphs, contrast, translators' room notes)
    go through here, so a frame type with text inside gives it by a ``text_frames()`` method.
    """
    out: list[TextFrame] = []
    for f in frames:
        if isinstance(f, TextFrame):
            out.append(f)
        elif hasattr(f, "text_frames"):
            out.extend(f.text_frames())
    return out


def _overlap(a: Box, b: Box) -> bool:
    return a.x < b.x + b.w and b.x < a.x + a.w and a.y < b.y + b.h and b.y < a.y + a.h


def title_first(frames: list[Frame] | tuple[Frame, ...]) -> tuple[Frame, ...]:
    """*frames* (in drawing order) in reading order: the title moved before everything it does not sit on.

    Both formats read in drawing order (the PPTX's shape order, the PDF's structure tree), so
    the title goes as early as it can without changing the picture: it moves past text and
    past anything its box does not overlap; a shape drawn beneath it (the title slide's disc)
    stays beneath.
    """
    frames = tuple(frames)
    at = next((i for i, f in enumerate(frames) if isinstance(f, TextFrame) and f.role == "title"), None)
    if at is None:
        return frames
    title = frames[at]
    # text without a fill draws nothing but its letters: the title may go beneath it unseen
    under = max((i for i in range(at) if _overlap(frames[i].box, title.box)
                 and not (isinstance(frames[i], TextFrame) and frames[i].fill is None)), default=-1)
    return frames[:under + 1] + (title,) + frames[under + 1:at] + frames[at + 1:]


@dataclass(frozen=True)
class SlideScene:
    """One slide, ready to draw."""

    id: str
    kind: str
    title: str  # plain text, for outlines and the PPTX title placeholder
    background: str
    frames: tuple[Frame, ...]
    notes: str = ""
    number: int = 0

    def decorative(self, frame: Frame) -> bool:
        """Whether *frame* only decorates: shapes, ornaments (a large quotation mark, initials) and the
        logo repeated on content slides. Screen readers skip it: marked decorative in the PPTX, an
        artifact in the PDF (docs/accessibility.md)."""
        if isinstance(frame, ImageFrame):
            return (frame.role == "logo" and self.kind != "title") or frame.role == "background"
        return frame.role == "decoration"

    def artifact(self, frame: Frame) -> bool:
        """Whether the tagged PDF draws *frame* as an artifact: decoration, and the footer of every page."""
        return self.decorative(frame) or frame.role == "footer"


@dataclass(frozen=True)
class DeckScene:
    """A whole localised deck, ready to draw."""

    deck_id: str
    locale: str
    language_tag: str  # BCP 47 with region, e.g. fr-FR
    title: str
    subject: str
    author: str
    keywords: tuple[str, ...]
    date: str  # ISO date of the deck, for document properties
    slides: tuple[SlideScene, ...]
    fonts: dict[str, str] = field(default_factory=dict)  # role -> family
    font_files: dict[str, dict[str, str]] = field(default_factory=dict)  # family -> style -> path
    colors: dict[str, str] = field(default_factory=dict)


# --- charts (issue 16) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartSeries:
    """One series as drawn: its (translated) name, its values and its colour."""

    name: str
    values: tuple[float | None, ...]
    color: str


@dataclass(frozen=True)
class ChartMark:
    """One drawn mark of a chart, in page points: a bar (``rect``), a line through ``points``, a point
    (``dot``), a pie slice (``wedge``: the pie's *box*, *angles* clockwise from 12 o'clock, in degrees)
    or a legend ``swatch``."""

    shape: str
    fill: str
    series: int
    point: int = -1
    box: Box | None = None
    points: tuple[tuple[float, float], ...] = ()
    angles: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class ChartText:
    """One label of a chart: its baseline at *y*, *anchor* saying whether *x* is its start, middle or end."""

    x: float
    y: float
    text: str
    size: float
    color: str
    anchor: str = "middle"  # start | middle | end
    role: str = "axis"  # axis | value | legend
    bold: bool = False


@dataclass(frozen=True)
class ChartFrame:
    """A chart, composed once (:func:`deckgen.charts.compose_chart`): its data for the PPTX's native chart
    and workbook, and every mark and label at its place for the PDF's SVG. The PPTX chart is set to the
    same plot area, scale, colours, fonts and sizes, so PowerPoint draws what the PDF shows."""

    name: str
    box: Box
    alt: str
    type: str  # bar | column | line | pie
    stacked: bool
    categories: tuple[str, ...]  # as the axis shows them, formatted per locale
    series: tuple[ChartSeries, ...]
    plot: Box  # the plot area (a pie: its circle's square)
    scale: Any  # deckgen.charts.Scale of the value axis; None for a pie
    number_format: str  # OOXML number format of the values (data labels, workbook)
    axis_format: str  # OOXML number format of the value axis
    data_labels: bool
    legend: str  # "" (none) | "t" (top) | "r" (right)
    label_skip: int
    marks: tuple[ChartMark, ...]
    texts: tuple[ChartText, ...]
    gridlines: tuple[tuple[float, float, float, float], ...]
    font: str
    text_color: str
    grid_color: str
    axis_color: str
    axis_size: float
    label_size: float
    legend_size: float
    label_colors: tuple[str, ...] = ()  # colours of labels drawn inside bars or slices
    field: str = ""
    problems: tuple[str, ...] = ()  # what did not fit, for the fit warnings
    source: str | None = None  # the CSV file the data comes from (deckgen serve recomposes when it changes)
    role: str = "chart"
