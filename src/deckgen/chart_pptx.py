"""A composed chart (:class:`~deckgen.scene.ChartFrame`) as a native, editable PowerPoint chart.

python-pptx writes the chart part and its embedded workbook (``add_chart`` with
``CategoryChartData``); the chart is then set to the composer's numbers, so PowerPoint and
LibreOffice draw what the PDF shows: the same plot area (a manual layout, as fractions of the
frame), the same value scale and ticks, gap between bars, colours, fonts and sizes, labels and
legend. A presenter who fixes a number in PowerPoint edits the workbook, and the chart follows.

The workbook holds plain strings and numbers only. python-pptx's workbook writer hands every
cell to XlsxWriter's ``write``, which turns a string starting with ``=`` into a formula: a CSV
label such as ``=HYPERLINK(…)`` would become a live formula. :class:`_PlainWorkbook` writes with
XlsxWriter's string-to-formula, string-to-URL and string-to-number conversions off, and with the
deck's date as the workbook's creation date, so equal decks give equal bytes.

Number formats: OOXML format codes (``#,##0.0``, ``0%``) take their separators from the viewer's
locale, not the file's, so a French deck opened in an English PowerPoint shows ``1,234.5``. The
categories and series names are written as the deck's locale shows them (``sept. 2010``); the
numbers stay numbers, so they can be edited and computed with. This is as far as OOXML allows.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import (XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE,
                             XL_TICK_LABEL_POSITION, XL_TICK_MARK)
from pptx.oxml.ns import qn
from pptx.util import Pt
from xlsxwriter import Workbook

from .charts import ChartStyle, contrast_text
from .render_pptx import _rgb, _sub, emu  # the PPTX renderer's own helpers (it imports this module lazily)
from .scene import ChartFrame

_TYPES = {
    ("column", False): XL_CHART_TYPE.COLUMN_CLUSTERED, ("column", True): XL_CHART_TYPE.COLUMN_STACKED,
    ("bar", False): XL_CHART_TYPE.BAR_CLUSTERED, ("bar", True): XL_CHART_TYPE.BAR_STACKED,
    ("line", False): XL_CHART_TYPE.LINE_MARKERS, ("pie", False): XL_CHART_TYPE.PIE,
}
#: the gap between groups of bars, as a percentage of a bar (the composer's ``chart_layout.Layout.GAP_WIDTH``)
GAP_WIDTH = 60


class _PlainWorkbook(CategoryWorkbookWriter):
    """python-pptx's category workbook, with every cell a plain string or number and a fixed date."""

    def __init__(self, chart_data: Any, created: dt.datetime) -> None:
        super().__init__(chart_data)
        self._created = created

    @contextmanager
    def _open_worksheet(self, xlsx_file: Any) -> Any:
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
        workbook.set_properties({"created": self._created, "author": "deckgen"})
        worksheet = workbook.add_worksheet()
        yield workbook, worksheet
        workbook.close()


class _ChartData(CategoryChartData):
    """Category chart data whose workbook is a :class:`_PlainWorkbook`."""

    def __init__(self, number_format: str, created: dt.datetime) -> None:
        super().__init__(number_format)
        self._created = created

    @property
    def _workbook_writer(self) -> CategoryWorkbookWriter:  # type: ignore[override]
        return _PlainWorkbook(self, self._created)


def chart_data(frame: ChartFrame, created: dt.datetime) -> CategoryChartData:
    """The data of *frame* for python-pptx: its categories as shown, its series' names and values."""
    data = _ChartData(frame.number_format, created)
    data.categories = list(frame.categories)
    for s in frame.series:
        data.add_series(s.name, list(s.values))
    return data


def _font(font: Any, frame: ChartFrame, size: float, color: str, bold: bool = False) -> None:
    font.name = frame.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = _rgb(color)


def add_chart(slide: Any, shape_id: int, frame: ChartFrame, created: dt.datetime) -> Any:
    """Draw *frame* on *slide* as a native chart with its workbook; returns the graphic frame."""
    b = frame.box
    graphic = slide.shapes.add_chart(_TYPES[(frame.type, frame.stacked)], emu(b.x), emu(b.y), emu(b.w), emu(b.h),
                                     chart_data(frame, created))
    cnvpr = graphic._element.nvGraphicFramePr.cNvPr
    cnvpr.set("id", str(shape_id))
    cnvpr.set("name", frame.name)
    cnvpr.set("descr", frame.alt)  # alt text: no public API (python-pptx#1139)
    chart = graphic.chart
    chart.has_title = False
    _font(chart.font, frame, frame.axis_size, frame.text_color)
    _legend(chart, frame)
    plot = chart.plots[0]
    if frame.type == "pie":
        _pie(plot, frame)
    else:
        _axes(chart, frame)
        _series(plot, frame)
    _labels(plot, frame)
    _xml(chart, frame)
    return graphic


def _legend(chart: Any, frame: ChartFrame) -> None:
    chart.has_legend = bool(frame.legend)
    if frame.legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP if frame.legend == "t" else XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
        _font(chart.legend.font, frame, frame.legend_size, frame.text_color)


def _axes(chart: Any, frame: ChartFrame) -> None:
    scale = frame.scale
    values = chart.value_axis
    values.minimum_scale, values.maximum_scale, values.major_unit = scale.minimum, scale.maximum, scale.step
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = _rgb(frame.grid_color)
    values.major_gridlines.format.line.width = Pt(0.75)
    values.format.line.fill.background()
    values.major_tick_mark = values.minor_tick_mark = XL_TICK_MARK.NONE
    values.tick_labels.number_format = frame.axis_format
    values.tick_labels.number_format_is_linked = False
    _font(values.tick_labels.font, frame, ChartStyle.axis_size, frame.axis_color)  # value ticks keep their size
    categories = chart.category_axis
    categories.major_tick_mark = categories.minor_tick_mark = XL_TICK_MARK.NONE
    categories.format.line.color.rgb = _rgb(frame.axis_color)
    categories.format.line.width = Pt(0.75)
    categories.has_major_gridlines = False
    _font(categories.tick_labels.font, frame, frame.axis_size, frame.text_color)
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # beside the plot, as the PDF, even below zero
    if frame.type == "bar":
        categories.reverse_order = True  # the first category on top, as the PDF reads


def _series(plot: Any, frame: ChartFrame) -> None:
    if frame.type in ("bar", "column"):
        plot.gap_width = GAP_WIDTH
        plot.overlap = 100 if frame.stacked else 0
    plot.vary_by_categories = False
    for s, shown in zip(plot.series, frame.series):
        if frame.type == "line":
            s.smooth = False
            s.format.line.color.rgb = _rgb(shown.color)
            s.format.line.width = Pt(2.5)
            s.marker.style = XL_MARKER_STYLE.CIRCLE
            s.marker.size = 7
            s.marker.format.fill.solid()
            s.marker.format.fill.fore_color.rgb = _rgb(shown.color)
            s.marker.format.line.fill.background()
        else:
            s.format.fill.solid()
            s.format.fill.fore_color.rgb = _rgb(shown.color)
            s.format.line.fill.background()


def _pie(plot: Any, frame: ChartFrame) -> None:
    plot.vary_by_categories = True
    series = plot.series[0]
    wedges = {m.point: m.fill for m in frame.marks if m.shape == "wedge"}
    for i in range(len(frame.categories)):
        point = series.points[i]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = _rgb(wedges.get(i, frame.series[0].color))
        point.format.line.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        point.format.line.width = Pt(1)


def _labels(plot: Any, frame: ChartFrame) -> None:
    plot.has_data_labels = frame.data_labels
    if not frame.data_labels:
        return
    labels = plot.data_labels
    inside = frame.type == "pie" or frame.stacked
    if frame.type == "pie":
        labels.number_format = "0%"
        labels.show_percentage, labels.show_value = True, False
    else:
        labels.number_format = frame.number_format
        labels.show_value = True
    labels.number_format_is_linked = False
    labels.position = (XL_LABEL_POSITION.CENTER if inside else
                       XL_LABEL_POSITION.ABOVE if frame.type == "line" else XL_LABEL_POSITION.OUTSIDE_END)
    _font(labels.font, frame, frame.label_size, frame.text_color, bold=frame.type == "pie")
    if inside:  # in each bar or slice, the colour the composer chose for it
        colors = {(m.series, m.point): m.fill for m in frame.marks if m.shape in ("rect", "wedge")}
        for j, s in enumerate(plot.series):
            for i in range(len(frame.categories)):
                fill = colors.get((j, i))
                if fill is None:
                    continue
                color = contrast_text(fill, "#FFFFFF", frame.text_color)
                label = s.points[i].data_label
                _font(label.font, frame, frame.label_size, color, bold=frame.type == "pie")
                label.position = XL_LABEL_POSITION.CENTER


def _xml(chart: Any, frame: ChartFrame) -> None:
    """What python-pptx has no API for, in one place: the plot area's manual layout, the chart space
    without fill or border, gaps for missing values, and every category label shown (or every n-th)."""
    space = chart._chartSpace
    c = space.chart
    plot_area = c.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        plot_area.insert(0, layout)
    for child in list(layout):
        layout.remove(child)
    manual = _sub(layout, "c:manualLayout")
    b, p = frame.box, frame.plot
    _sub(manual, "c:layoutTarget", val="inner")
    _sub(manual, "c:xMode", val="edge")
    _sub(manual, "c:yMode", val="edge")
    for tag, value in (("c:x", (p.x - b.x) / b.w), ("c:y", (p.y - b.y) / b.h), ("c:w", p.w / b.w),
                       ("c:h", p.h / b.h)):
        _sub(manual, tag, val=f"{value:.5f}")
    blanks = c.find(qn("c:dispBlanksAs"))
    if blanks is not None:
        blanks.set("val", "gap")
    cat_ax = plot_area.find(qn("c:catAx"))
    if cat_ax is not None:
        for old in cat_ax.findall(qn("c:tickLblSkip")):
            cat_ax.remove(old)
        skip = etree.Element(qn("c:tickLblSkip"))
        skip.set("val", str(frame.label_skip))
        # tickLblSkip comes after lblOffset (CT_CatAx's sequence); noMultiLvlLbl may follow
        anchor = cat_ax.find(qn("c:lblOffset"))
        if anchor is None:
            anchor = cat_ax.find(qn("c:lblAlgn"))
        if anchor is not None:
            anchor.addnext(skip)
        else:
            after = cat_ax.find(qn("c:noMultiLvlLbl"))
            if after is not None:
                after.addprevious(skip)
            else:
                cat_ax.append(skip)
    if frame.type == "bar":  # reversed categories: the value axis stays at the bottom
        val_ax = plot_area.find(qn("c:valAx"))
        crosses = val_ax.find(qn("c:crosses")) if val_ax is not None else None
        if crosses is not None:
            crosses.set("val", "max")
    if frame.data_labels and frame.stacked:  # as the composer: no label on an empty segment
        for j, ser in enumerate(plot_area.iter(qn("c:ser"))):
            zeros = [i for i, v in enumerate(frame.series[j].values) if v == 0]
            labels = ser.find(qn("c:dLbls"))
            for i in zeros if labels is not None else ():
                label = etree.Element(qn("c:dLbl"))
                _sub(label, "c:idx", val=str(i))
                _sub(label, "c:delete", val="1")
                labels.insert(len(labels.findall(qn("c:dLbl"))), label)  # dLbl elements come first
    sppr = space.find(qn("c:spPr"))
    if sppr is None:
        sppr = etree.Element(qn("c:spPr"))
        txpr = space.find(qn("c:txPr"))
        (txpr.addprevious(sppr) if txpr is not None else c.addnext(sppr))
    for child in list(sppr):
        sppr.remove(child)
    _sub(sppr, "a:noFill")
    _sub(_sub(sppr, "a:ln"), "a:noFill")
