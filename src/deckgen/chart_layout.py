"""The geometry of a chart: where every bar, point, slice, gridline and label goes, in page points.

:func:`deckgen.charts.compose_chart` hands it a chart's data, formatted labels and brand style;
:class:`Layout` fills the marks, texts and gridlines of the :class:`~deckgen.scene.ChartFrame` and
returns the plot area and value scale, which the PPTX's native chart is set to. Label sizes come
from the brand's font metrics, so long labels shrink or are thinned out here, once, for both
renderers; label offsets are those office suites use, so LibreOffice and PowerPoint draw the
native chart where the PDF draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .charts import ChartStyle, Numbers, Scale, contrast_text, nice_scale
from .scene import Box, ChartMark, ChartSeries, ChartText


@dataclass
class Placed:
    plot: Box
    scale: Scale | None
    skip: int


@dataclass
class Layout:
    """The geometry of one chart (points on the page); fills marks, texts and gridlines."""

    box: Box
    style: ChartStyle
    kind: str
    stacked: bool
    series: tuple[ChartSeries, ...]
    categories: tuple[str, ...]
    number: Numbers
    legend: bool
    labels: bool

    def __post_init__(self) -> None:
        self.marks: list[ChartMark] = []
        self.texts: list[ChartText] = []
        self.grid: list[tuple[float, float, float, float]] = []
        self.problems: list[str] = []
        self.inside_colors: list[str] = []
        self.axis_size = self.style.axis_size

    def w(self, text: str, size: float, bold: bool = False) -> float:
        return self.style.width(text, size, bold)

    def text(self, x: float, y: float, text: str, size: float, anchor: str = "middle", color: str | None = None,
             role: str = "axis", bold: bool = False) -> None:
        """A label whose baseline is at *y*; *anchor* says whether *x* is its start, middle or end."""
        self.texts.append(ChartText(round(x, 2), round(y, 2), text, size, color or self.style.text, anchor, role,
                                    bold))

    # --- legend ---------------------------------------------------------------------------------
    #: space above a legend at the top of the chart: where office suites put it (measured in LibreOffice)
    LEGEND_TOP = 10.5

    def top_legend(self, entries: list[tuple[str, str]]) -> float:
        """A one-line legend centred above the plot; returns its height."""
        size = self.style.legend_size
        # a swatch, a small gap and the name, as PowerPoint and LibreOffice lay out a legend entry
        sw, gap, between = size * 0.6, size * 0.25, size * 0.8
        widths = [sw + gap + self.w(n, size) for n, _ in entries]
        total = sum(widths) + between * (len(entries) - 1)
        if total > self.box.w:
            self.problems.append("the legend is wider than the chart; shorten the series' names")
        x = self.box.x + max(0.0, (self.box.w - total) / 2)
        y = self.box.y + self.LEGEND_TOP
        for (label, color), width in zip(entries, widths):
            self.marks.append(ChartMark("swatch", color, -1, box=Box(round(x, 2), round(y + size * 0.25, 2),
                                                                       sw, sw)))
            self.text(x + sw + gap, y + size * 0.95, label, size, "start", role="legend")
            x += width + between
        return self.LEGEND_TOP + size * 1.2 + 12

    def side_legend(self, entries: list[tuple[str, str]], right: float) -> float:
        """A legend in a column at the right of the box; returns its width."""
        size = self.style.legend_size
        sw, gap, pitch = size * 0.75, size * 0.4, size * 1.6
        width = sw + gap + max(self.w(n, size) for n, _ in entries)
        x = right - width
        y = self.box.y + max(0.0, (self.box.h - pitch * len(entries)) / 2)
        for i, (label, color) in enumerate(entries):
            top = y + i * pitch
            self.marks.append(ChartMark("swatch", color, -1, point=i, box=Box(round(x, 2), round(top + size * 0.25, 2),
                                                                                sw, sw)))
            self.text(x + sw + gap, top + size * 0.95, label, size, "start", role="legend")
        return width + 16

    # --- bar, column and line charts ------------------------------------------------------------
    def category(self) -> Placed:
        st, box = self.style, self.box
        values = [v for s in self.series for v in s.values if v is not None]
        integer = not self.number.percent and all(float(v).is_integer() for v in values)
        if self.stacked:
            sums = [sum(s.values[i] or 0 for s in self.series) for i in range(len(self.categories))]
            scale = nice_scale(0, max(sums), integer=integer)
        else:
            scale = nice_scale(min(values), max(values), integer=integer)
        ticks = [self.number(t, scale.decimals) for t in scale.ticks]
        top = box.y + (self.top_legend([(s.name, s.color) for s in self.series]) if self.legend else 0)
        line_h = st.axis_size * 1.2
        horizontal = self.kind == "bar"
        n = len(self.categories)
        if horizontal:
            size = self._fit_size(self.categories, box.w * 0.3)
            left = max(self.w(c, size) for c in self.categories) + 10
            right_room = self.w(ticks[-1], st.axis_size) / 2 + (self._label_room() if self.labels else 4)
            plot = Box(box.x + left, top + 4, box.w - left - right_room, box.y + box.h - top - 4 - line_h - 8)
            self.axis_size = size
            skip = 1
        else:
            left = max(self.w(t, st.axis_size) for t in ticks) + 10
            head = st.label_size * 1.4 if self.labels and not self.stacked else 6
            plot = Box(box.x + left, top + head, box.w - left - 6, box.y + box.h - top - head - line_h - 8)
            slot = plot.w / n
            size = self._fit_size(self.categories, slot * 0.92)
            widest = max(self.w(c, size) for c in self.categories)
            skip = max(1, math.ceil(widest / (slot * 0.92)))
            self.axis_size = size
            if skip > 1:
                self.problems.append(f"the category labels are too long to show them all: one in {skip} is shown; "
                                     "shorten them")
        plot = Box(*(round(v, 2) for v in (plot.x, plot.y, plot.w, plot.h)))
        self._value_axis(plot, scale, ticks, horizontal)
        self._category_axis(plot, horizontal, skip)
        if self.kind == "line":
            self._lines(plot, scale)
        else:
            self._bars(plot, scale, horizontal)
        return Placed(plot, scale, skip)

    def _label_room(self) -> float:
        widest = max(self.w(self.number(v), self.style.label_size) for s in self.series for v in s.values
                     if v is not None)
        return widest + 8

    def _fit_size(self, labels: tuple[str, ...], room: float) -> float:
        """The axis font size at which the widest label fits *room* (down to the floor)."""
        size = self.style.axis_size
        while size > self.style.min_size and max(self.w(c, size) for c in labels) > room:
            size -= 0.5
        return size

    #: where office suites put axis labels: their gap beside the plot, and how far below it a label's
    #: first line starts (measured in LibreOffice, so that the PDF and the PPTX's chart agree)
    BESIDE = 4.0
    BELOW = 5.5

    def _value_axis(self, plot: Box, scale: Scale, ticks: list[str], horizontal: bool) -> None:
        st = self.style
        for t, label in zip(scale.ticks, ticks):
            p = scale.position(t)
            if horizontal:
                x = round(plot.x + p * plot.w, 2)
                self.grid.append((x, plot.y, x, round(plot.y + plot.h, 2)))
                self.text(x, plot.y + plot.h + st.axis_size * 1.2 + self.BELOW, label, st.axis_size, "middle", st.muted)
            else:
                y = round(plot.y + plot.h - p * plot.h, 2)
                self.grid.append((plot.x, y, round(plot.x + plot.w, 2), y))
                self.text(plot.x - self.BESIDE, y + st.axis_size * 0.35, label, st.axis_size, "end", st.muted)

    def _category_axis(self, plot: Box, horizontal: bool, skip: int) -> None:
        n, st = len(self.categories), self.style
        for i, c in enumerate(self.categories):
            if i % skip:
                continue
            if horizontal:  # first category at the top, as it is read
                y = plot.y + (i + 0.5) * plot.h / n
                self.text(plot.x - self.BESIDE, y + self.axis_size * 0.35, c, self.axis_size, "end", st.text)
            else:
                x = plot.x + (i + 0.5) * plot.w / n
                self.text(x, plot.y + plot.h + self.axis_size * 1.2 + self.BELOW, c, self.axis_size, "middle", st.text)

    #: the gap between groups of bars, as a percentage of a bar's width (OOXML's gapWidth)
    GAP_WIDTH = 60

    def _bars(self, plot: Box, scale: Scale, horizontal: bool) -> None:
        st = self.style
        n, s = len(self.categories), len(self.series)
        slot = (plot.h if horizontal else plot.w) / n
        per_group = 1 if self.stacked else s
        bar = slot / (per_group + self.GAP_WIDTH / 100)
        length = plot.w if horizontal else plot.h
        label_size = st.label_size
        if self.labels and not self.stacked and self.w(self.number(max(
                (v for x in self.series for v in x.values if v is not None), key=abs)), label_size) > bar * 1.5 \
                and not horizontal:
            self.problems.append("the values are too wide to show on every column; fewer series or labels: false")
        for i in range(n):
            base = 0.0
            for j, ser in enumerate(self.series):
                v = ser.values[i]
                if v is None or (self.stacked and v == 0):  # nothing to stack: no segment, no "0" label
                    continue
                lo, hi = (base, base + v) if self.stacked else (min(0.0, v), max(0.0, v))
                if self.stacked:
                    base += v
                offset = slot * i + (slot - bar * per_group) / 2 + (0 if self.stacked else j * bar)
                a, b = scale.position(lo) * length, scale.position(hi) * length
                if horizontal:
                    rect = Box(plot.x + a, plot.y + offset, b - a, bar)
                else:
                    rect = Box(plot.x + offset, plot.y + plot.h - b, bar, b - a)
                rect = Box(*(round(q, 2) for q in (rect.x, rect.y, rect.w, rect.h)))
                self.marks.append(ChartMark("rect", ser.color, j, i, box=rect))
                if self.labels:
                    self._bar_label(rect, v, ser.color, horizontal, v < 0, label_size)

    def _bar_label(self, rect: Box, v: float, fill: str, horizontal: bool, negative: bool, size: float) -> None:
        st = self.style
        label = self.number(v)
        if self.stacked:  # inside the segment, in the colour that reads on it
            color = contrast_text(fill, "#FFFFFF", st.text)
            if color not in self.inside_colors:
                self.inside_colors.append(color)
            self.text(rect.x + rect.w / 2, rect.y + rect.h / 2 + size * 0.35, label, size, "middle", color, "value")
        elif horizontal:
            x = rect.x - 4 if negative else rect.x + rect.w + 4
            self.text(x, rect.y + rect.h / 2 + size * 0.35, label, size, "end" if negative else "start",
                      role="value")
        else:
            y = rect.y + rect.h + size * 1.1 if negative else rect.y - 4
            self.text(rect.x + rect.w / 2, y, label, size, "middle", role="value")

    def _lines(self, plot: Box, scale: Scale) -> None:
        st = self.style
        n = len(self.categories)
        for j, ser in enumerate(self.series):
            run: list[tuple[float, float]] = []
            for i, v in enumerate(ser.values):
                if v is None:  # a gap in the line
                    if len(run) > 1:
                        self.marks.append(ChartMark("line", ser.color, j, points=tuple(run)))
                    run = []
                    continue
                x = round(plot.x + (i + 0.5) * plot.w / n, 2)
                y = round(plot.y + plot.h - scale.position(v) * plot.h, 2)
                run.append((x, y))
                self.marks.append(ChartMark("dot", ser.color, j, i, box=Box(x - 3.5, y - 3.5, 7, 7)))
                if self.labels:
                    self.text(x, y - 8, self.number(v), st.label_size, "middle", role="value")
            if len(run) > 1:
                self.marks.append(ChartMark("line", ser.color, j, points=tuple(run)))
        # lines beneath their dots: draw every line first
        self.marks.sort(key=lambda m: m.shape != "line")

    # --- pie charts -------------------------------------------------------------------------------
    def pie(self) -> Placed:
        st, box = self.style, self.box
        values = [v or 0.0 for v in self.series[0].values]
        colors = [self.style.palette[i % len(self.style.palette)] for i in range(len(values))]
        right = box.x + box.w
        room = self.side_legend(list(zip(self.categories, colors)), right) if self.legend else 0.0
        area = Box(box.x, box.y, box.w - room, box.h)
        r = round(min(area.w, area.h) / 2 - 4, 2)
        cx, cy = round(area.x + area.w / 2, 2), round(area.y + area.h / 2, 2)
        plot = Box(round(cx - r, 2), round(cy - r, 2), round(2 * r, 2), round(2 * r, 2))
        total = sum(values)
        angle = 0.0
        for i, v in enumerate(values):
            sweep = 360.0 * v / total
            if v > 0:
                self.marks.append(ChartMark("wedge", colors[i], 0, i, box=plot,
                                            angles=(round(angle, 4), round(angle + sweep, 4))))
                if self.labels:
                    mid = math.radians(angle + sweep / 2)
                    x, y = cx + 0.62 * r * math.sin(mid), cy - 0.62 * r * math.cos(mid)
                    color = contrast_text(colors[i], "#FFFFFF", st.text)
                    if color not in self.inside_colors:
                        self.inside_colors.append(color)
                    self.text(x, y + st.label_size * 0.35, self.number.fmt.percent(v / total, 0), st.label_size,
                              "middle", color, "value", bold=True)
            angle += sweep
        return Placed(plot, None, 1)
