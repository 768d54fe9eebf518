"""Charts: the model of a chart's data, its CSV files, and the one set of numbers both renderers draw.

A chart's data is written in ``deck.yaml`` (``categories`` and ``series``) or read from a CSV
file beside it (``data``). Either way it becomes a :class:`Table`; :func:`compose_chart` then
computes everything a renderer needs — the value scale and its nice ticks, the box of every bar,
the points of every line, the angles of every slice, every label formatted per locale (Babel,
CLDR) and the alt text — into a :class:`~deckgen.scene.ChartFrame`. The PDF draws it as SVG
(:mod:`deckgen.chart_svg`), the PPTX as a native chart set to the same scale and plot area
(:mod:`deckgen.chart_pptx`), so the two cannot disagree on a number (issue 16).

A CSV file is data, not text to translate: its labels are shown as written, unless the deck
gives one a translatable name (``names``). Nothing in it is ever evaluated: a cell such as
``=HYPERLINK(…)`` is a label like any other, numbers are read by a strict pattern, and the
file's size, rows, columns and cells are bounded. A bad cell is an error naming ``file:line``.

Pure: no file is written here; the only file read is the CSV, through :func:`read_csv`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from babel.dates import format_interval, format_skeleton

from .errors import DeckError, Location, Problem, display_path
from .paths import confine
from .scene import Box, ChartFrame, ChartSeries

# No import of deckgen.model here: the model loads the kinds, and the chart kind imports this
# module. The pydantic model of a chart's fields is the chart kind's (deckgen.kinds.chart).

#: limits of a chart's data (a CSV file is hostile input: its size is bounded before it is parsed)
MAX_CSV_BYTES = 256 * 1024
MAX_CATEGORIES = 120
MAX_SERIES = 8
MAX_CELL = 200  # characters in one label

#: the largest value (as deckgen.model.MAX_FIGURE): numbers are formatted exactly up to here
MAX_FIGURE = 10**15

# --- the data ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cat:
    """One category: a text label, or a month (``YYYY-MM``) or a day, which are formatted per locale."""

    text: str | None = None
    month: str | None = None
    date: dt.date | None = None


class Spec(Protocol):
    """What :func:`compose_chart` reads of a chart's fields (:class:`deckgen.kinds.chart.ChartSlide`)."""

    type: str
    stacked: bool
    format: str
    decimals: int | None
    labels: bool | None
    legend: bool | None
    alt: str | None


def table_problem(kind: str, stacked: bool, values: list[list[float | None]]) -> str | None:
    """What makes these numbers impossible to draw as a *kind* chart, or None."""
    if stacked and kind not in ("bar", "column"):
        return "'stacked' is for bar and column charts"
    if kind == "pie":
        if len(values) != 1:
            return f"a pie chart shows one series, not {len(values)}"
        if any(v is not None and v < 0 for v in values[0]) or not sum(v or 0 for v in values[0]) > 0:
            return "a pie chart's values are shares: none below 0, and some above 0"
    if stacked and any(v is not None and v < 0 for row in values for v in row):
        return "a stacked chart's values cannot be below 0"
    if all(v is None for row in values for v in row):
        return "the chart has no values"
    return None


# --- the data: inline or from a CSV file -------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """A chart's data, resolved: its categories and its series (names and values)."""

    categories: tuple[Cat, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    source: str | None = None  # the CSV file, as shown in messages


_NUMBER = re.compile(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d{1,3})?")


def _number(cell: str, decimal_comma: bool) -> float | None:
    text = cell.strip().replace("\u00a0", "").replace("\u202f", "")
    if not text:
        return None
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".") if "," in text else text
    if not _NUMBER.fullmatch(text):
        raise ValueError
    value = float(text)
    if not math.isfinite(value) or abs(value) > MAX_FIGURE:
        raise ValueError
    return value


def read_csv(path: Path, deck_dir: Path, where: Location | None = None, kind: str = "column",
             stacked: bool = False) -> Table:
    """The chart data of the CSV file *path* (beside deck.yaml), checked; DeckError naming file:line if bad.

    The first row names the series (its first cell heads the categories); every other row is a
    category and its numbers. Commas separate cells, or semicolons, as spreadsheets in many
    languages export (a decimal comma then allowed). UTF-8, with or without a byte-order mark.
    """
    real = confine(path, deck_dir, "the deck folder", DeckError, where)
    shown = display_path(path)
    if not real.is_file():
        raise DeckError(f"chart data file {shown} does not exist; put the CSV file beside deck.yaml", where)
    if real.stat().st_size > MAX_CSV_BYTES:
        raise DeckError(f"{shown} is larger than {MAX_CSV_BYTES // 1024} KiB; a chart shows at most "
                        f"{MAX_CATEGORIES} categories and {MAX_SERIES} series", where)
    try:
        text = real.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = real.read_bytes()[:e.start].count(b"\n") + 1
        raise DeckError(f"{shown} is not UTF-8 text (byte {e.start + 1}); save it as CSV UTF-8",
                        Location(shown, line)) from None
    if "\x00" in text:
        raise DeckError(f"{shown} holds a NUL character; it is not a CSV text file", Location(shown))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(c.strip() for c in row):
                rows.append((reader.line_num, row))
    except csv.Error as e:
        raise DeckError(f"{shown} is not valid CSV: {e}; quote cells that hold a {delimiter!r} or a quote",
                        Location(shown, reader.line_num)) from None
    if len(rows) < 2:
        raise DeckError(f"{shown} needs a header row and at least one row of data", Location(shown, 1))
    (header_line, header), body = rows[0], rows[1:]
    problems: list[Problem] = []
    names = [h.strip() for h in header[1:]]
    if not names or any(not n for n in names):
        problems.append(Problem("the header row names every series: give each column after the first a name",
                                Location(shown, header_line)))
    if len(names) > MAX_SERIES:
        problems.append(Problem(f"{len(names)} series: a chart shows at most {MAX_SERIES}",
                                Location(shown, header_line)))
    if len(body) > MAX_CATEGORIES:
        problems.append(Problem(f"{len(body)} rows of data: a chart shows at most {MAX_CATEGORIES} categories",
                                Location(shown, body[MAX_CATEGORIES][0])))
    if problems:
        raise DeckError(problems)
    categories: list[Cat] = []
    columns: list[list[float | None]] = [[] for _ in names]
    for line, row in body:
        at = Location(shown, line)
        if len(row) != len(header):
            problems.append(Problem(f"{len(row)} cells where the header has {len(header)}; give every row a "
                                    "label and one value per series (empty for none)", at))
            continue
        label = row[0].strip()
        for cell in row:
            if len(cell) > MAX_CELL:
                problems.append(Problem(f"a cell of {len(cell)} characters: at most {MAX_CELL}", at))
                break
        else:
            if not label:
                problems.append(Problem("the first cell of a row is its category: it is empty", at))
            else:
                # a CSV label is data: it stays text (only a month or a day is formatted), and is never evaluated
                categories.append(Cat(month=label) if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", label)
                                  else Cat(text=label))
            for i, cell in enumerate(row[1:]):
                try:
                    columns[i].append(_number(cell, delimiter == ";"))
                except ValueError:
                    example = "1234,5" if delimiter == ";" else "1234.5"
                    problems.append(Problem(f"'{cell.strip()[:40]}' in column '{names[i]}' is not a number; write "
                                            f"digits only (e.g. {example}), or leave the cell empty", at))
    if not problems:
        problem = table_problem(kind, stacked, columns)
        if problem:
            problems.append(Problem(f"{problem} ({shown})", where))
    if problems:
        raise DeckError(problems)
    return Table(tuple(categories), tuple((n, tuple(v)) for n, v in zip(names, columns)), shown)


# --- scales ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """A value axis: from *minimum* to *maximum* in steps of *step* (ticks at each step)."""

    minimum: float
    maximum: float
    step: float

    @property
    def ticks(self) -> tuple[float, ...]:
        n = round((self.maximum - self.minimum) / self.step)
        return tuple(_clean(self.minimum + i * self.step) for i in range(n + 1))

    @property
    def decimals(self) -> int:
        """Decimals the tick labels need (0 for steps of 1, 5, 10; 1 for 2.5 or 0.5)."""
        for d in range(0, 7):
            if abs(round(self.step, d) - self.step) < 1e-9 * max(1.0, abs(self.step)):
                return d
        return 6

    def position(self, value: float) -> float:
        """Where *value* lies along the axis, from 0 (minimum) to 1 (maximum)."""
        return (value - self.minimum) / (self.maximum - self.minimum)


def _clean(x: float) -> float:
    return float(f"{x:.10g}")


def nice_step(raw: float) -> float:
    """The smallest "nice" step (1, 2, 2.5 or 5 times a power of ten) at least *raw*.

    >>> nice_step(1.3), nice_step(2.2), nice_step(7), nice_step(0.03)
    (2.0, 2.5, 10.0, 0.05)
    """
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw * (1 - 1e-9):
            return _clean(m * power)
    return _clean(10 * power)  # pragma: no cover - 10 always qualifies


def nice_scale(low: float, high: float, max_ticks: int = 6, integer: bool = False) -> Scale:
    """A scale from 0 (or below, for negative values) covering *low*…*high* in at most *max_ticks* intervals.

    >>> nice_scale(2, 9)
    Scale(minimum=0.0, maximum=10.0, step=2.0)
    >>> nice_scale(0, 1234.5)
    Scale(minimum=0.0, maximum=1250.0, step=250.0)
    >>> nice_scale(-3, 8)
    Scale(minimum=-4.0, maximum=8.0, step=2.0)
    >>> nice_scale(0, 2, integer=True)
    Scale(minimum=0.0, maximum=2.0, step=1.0)
    """
    low, high = min(low, 0.0), max(high, 0.0)
    if high == low:
        high = low + 1.0
    step = nice_step((high - low) / max_ticks)
    if integer:  # counts: no tick at 0.5 of a tweetup
        step = max(step, 1.0)
    return Scale(_clean(math.floor(low / step + 1e-9) * step), _clean(math.ceil(high / step - 1e-9) * step), step)


# --- composing a chart --------------------------------------------------------------------------


class Say(Protocol):
    """deckgen's own words about charts (``layouts/phrases.j2``)."""

    def chart_alt(self, kind: str, subject: str, categories: str, values: str) -> str: ...
    def chart_pie_alt(self, subject: str, shares: str) -> str: ...
    def chart_range(self, first: str, last: str) -> str: ...
    def chart_values(self, low: str, high: str) -> str: ...
    def chart_series(self, series: str, low: str, high: str) -> str: ...
    def chart_share(self, category: str, share: str) -> str: ...


@dataclass(frozen=True)
class ChartStyle:
    """The brand as a chart uses it: colours, the body font and a way to measure text in it."""

    palette: tuple[str, ...]
    text: str
    muted: str
    grid: str
    background: str
    font: str  # family name
    width: Callable[[str, float, bool], float]  # text, size, bold -> points
    axis_size: float = 13.0
    label_size: float = 12.0
    legend_size: float = 14.0
    min_size: float = 9.0


def contrast_text(fill: str, light: str, dark: str) -> str:
    """Of *light* and *dark*, the colour more readable on *fill* (labels inside bars and slices)."""
    from .contrast import ratio

    return light if ratio(light, fill) >= ratio(dark, fill) else dark


@dataclass
class Numbers:
    fmt: Any  # formatting.Formatter
    percent: bool
    decimals: int

    def __call__(self, value: float, decimals: int | None = None) -> str:
        d = self.decimals if decimals is None else decimals
        return self.fmt.percent(value, d) if self.percent else self.fmt.decimal(value, d)

    def excel(self, decimals: int | None = None) -> str:
        """The same format as an OOXML number format code (separators follow the viewer's locale)."""
        d = self.decimals if decimals is None else decimals
        body = "0" + ("." + "0" * d if d else "")
        return body + "%" if self.percent else "#,##" + body


def _decimals_of(values: list[float], percent: bool) -> int:
    """Decimals the data is written with (at most 2; percentages counted as shown)."""
    best = 0
    for v in values:
        shown = v * 100 if percent else v
        for d in range(0, 3):
            if abs(round(shown, d) - shown) < 1e-9 * max(1.0, abs(shown)):
                break
        best = max(best, d)
    return best


def category_labels(table: Table, fmt: Any, rename: dict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each category as the axis shows it (short: ``Sep 2010``) and as a sentence says it (``September 2010``)."""
    short, long = [], []
    for c in table.categories:
        if c.month is not None:
            day = dt.date(int(c.month[:4]), int(c.month[5:]), 1)
            short.append(format_skeleton("yMMM", day, locale=fmt.locale))
            long.append(fmt.month(day.year, day.month))
        elif c.date is not None:
            short.append(format_skeleton("yMMMd", c.date, locale=fmt.locale))
            long.append(format_skeleton("yMMMMd", c.date, locale=fmt.locale))
        else:
            text = rename.get(c.text or "", c.text or "")
            short.append(text)
            long.append(text)
    return tuple(short), tuple(long)


def _category_range(table: Table, long: tuple[str, ...], fmt: Any, say: Say) -> str:
    cats = table.categories
    first, last = cats[0], cats[-1]
    if len(cats) == 1:
        return long[0]
    if first.month is not None and last.month is not None:
        a = dt.date(int(first.month[:4]), int(first.month[5:]), 1)
        b = dt.date(int(last.month[:4]), int(last.month[5:]), 1)
        if a < b:  # CLDR's own interval: "September 2010 – August 2011", "septembre 2010 – août 2011"
            return format_interval(a, b, "yMMMM", locale=fmt.locale)
    if first.date is not None and last.date is not None and first.date < last.date:
        return format_interval(first.date, last.date, "yMMMMd", locale=fmt.locale)
    if len(cats) <= 6:
        return fmt.list(list(long))
    return say.chart_range(long[0], long[-1])


def alt_text(kind: str, stacked: bool, subject: str, table: Table, names: tuple[str, ...],
             long: tuple[str, ...], number: Numbers, fmt: Any, say: Say) -> str:
    """The chart in one sentence, from its data: ``Column chart: tweetups per month, September 2010 – August
    2011, from 2 to 9``; in the deck's language (deckgen's own words, CLDR's dates, numbers and lists)."""
    if kind == "pie":
        values = table.series[0][1]
        total = sum(v or 0 for v in values)
        shares = [say.chart_share(label, number.fmt.percent((v or 0) / total, 0))
                  for label, v in zip(long, values) if v]
        return say.chart_pie_alt(subject, fmt.list(shares))
    ranges = []
    for name, (_, values) in zip(names, table.series):
        present = [v for v in values if v is not None]
        if not present:
            continue
        low, high = number(min(present)), number(max(present))
        if low == high:  # the same number throughout: "Tweetups: 1", not "from 1 to 1"
            ranges.append(say.chart_share(name, low))
        else:
            ranges.append(say.chart_series(name, low, high) if len(table.series) > 1 else say.chart_values(low, high))
    return say.chart_alt("stacked-" + kind if stacked else kind, subject,
                         _category_range(table, long, fmt, say), fmt.list(ranges))


def compose_chart(name: str, box: Box, spec: Spec, table: Table, subject: str, style: ChartStyle,
                  fmt: Any, say: Say, rename: dict[str, str] | None = None, field: str = "",
                  source: str | None = None) -> ChartFrame:
    """Lay out chart *spec* with data *table* in *box*: scale, ticks, marks, labels, legend and alt text.

    *rename* maps CSV labels to their (translated) names; *subject* says what the numbers are;
    *source* is the CSV file the data was read from, if any.
    """
    rename = rename or {}
    kind, stacked = spec.type, spec.stacked and spec.type in ("bar", "column")
    percent = spec.format == "percent"
    present = [v for _, vs in table.series for v in vs if v is not None]
    decimals = spec.decimals if spec.decimals is not None else _decimals_of(present, percent)
    number = Numbers(fmt, percent, decimals)
    names = tuple(rename.get(n, n) for n, _ in table.series)
    short, long = category_labels(table, fmt, rename)
    series = tuple(ChartSeries(n, vs, style.palette[i % len(style.palette)])
                   for i, (n, (_, vs)) in enumerate(zip(names, table.series)))
    alt = " ".join(spec.alt.split()) if spec.alt else alt_text(kind, stacked, subject, table, names, long,
                                                                number, fmt, say)
    legend = spec.legend if spec.legend is not None else (len(series) > 1 or kind == "pie")
    points = len(short) * (1 if kind == "pie" else len(series))
    labels = spec.labels if spec.labels is not None else points <= 30
    from .chart_layout import Layout  # the geometry; it imports this module's scales and style

    layout = Layout(box, style, kind, stacked, series, short, number, legend, labels)
    frame = layout.pie() if kind == "pie" else layout.category()
    return ChartFrame(
        name=name, box=box, alt=alt, type=kind, stacked=stacked, categories=short, series=series,
        plot=frame.plot, scale=frame.scale, number_format=number.excel(),
        axis_format=number.excel(frame.scale.decimals if frame.scale else 0) if frame.scale else "",
        data_labels=labels, legend="r" if (legend and kind == "pie") else ("t" if legend else ""),
        label_skip=frame.skip, marks=tuple(layout.marks), texts=tuple(layout.texts),
        gridlines=tuple(layout.grid), font=style.font, text_color=style.text, grid_color=style.grid,
        axis_color=style.muted, axis_size=layout.axis_size, label_size=style.label_size,
        legend_size=style.legend_size, label_colors=tuple(layout.inside_colors), field=field,
        problems=tuple(layout.problems), source=source,
    )


def style_of(brand: Any) -> ChartStyle:
    """The chart style of *brand*: its colours in order of weight and its body font."""
    from .compose import hex_mix
    from .measure import load_metrics

    c = brand.color
    bg = c("background")
    palette = (c("primary"), c("accent"), c("secondary"), hex_mix(c("primary"), bg, 0.5),
               hex_mix(c("accent"), bg, 0.55), hex_mix(c("secondary"), bg, 0.5), c("muted"), c("text"))
    body = brand.body

    def width(text: str, size: float, bold: bool) -> float:
        return load_metrics(str(body.file(bold, False))).width(text, size) * 1.03

    return ChartStyle(palette, c("text"), c("muted"), hex_mix(c("muted"), bg, 0.25), bg, body.family, width)
