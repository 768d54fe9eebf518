"""A table: a header row and rows of cells, native in the PPTX and the same grid in the PDF (issue 16).

Cells hold inline markup (translated, each with a ``msgctxt`` naming its row and column)
or data: numbers, dates, months and country codes, formatted per locale and never
translated.  The whole table shares one text size, shrunk until every row fits the
body; a cell still too long at the smallest size is reported on its own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Any, Literal, Union

from pydantic import Field, StrictFloat, StrictInt, ValidationInfo, field_validator, model_validator

from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer, hex_mix, measure_height, widest_ratio
from ..formatting import escape_markup
from ..markup import plain_text
from ..model import MAX_FIGURE, Model, SlideBase, _known_country
from ..scene import Box, Frame, TableFrame, TextFrame
from . import Kind

Format = Literal["auto", "text", "number", "date", "month", "country"]
Align = Literal["left", "center", "right"]
#: a cell as written: text (inline markup), a number, a date, or nothing (an empty cell)
Cell = Union[StrictInt, StrictFloat, dt.date, str, None]

MAX_COLUMNS = 8
MAX_ROWS = 20
BODY_SIZE = 17.0
PAD_X = 7.0
PAD_Y = 4.0
MIN_SCALE = 0.6


class Column(Model):
    """One column: its header and how its cells are shown."""

    header: str = Field(description="The column's heading (inline markup; translated).")
    id: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$",
                           description="Names the column in translators' msgctxt; derived from the header "
                                       "when omitted.")
    format: Format = Field(default="auto", description="How cells are shown: auto (by the value: text, "
                           "number or date), text, number, date, month (YYYY-MM) or country (an ISO code).")
    align: Align | None = Field(default=None, description="left, center or right; numbers default to right.")
    width: float = Field(default=1.0, ge=0.2, le=10, description="Relative width (the columns share the "
                         "slide's width in proportion).")
    _i18n = ("header",)

    @property
    def key(self) -> str:
        """The column's name in msgctxt and messages (set by the table's validator)."""
        assert self.id is not None
        return self.id


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", _unmarked(text).lower()).strip("-")


def _unmarked(text: str) -> str:
    """*text* without markup characters (for ids)."""
    return re.sub(r"[*_`\\\[\]()#@^~]", "", text)


class TableSlide(SlideBase):
    kind: Literal["table"]
    title: str
    intro: str | None = None
    columns: list[Column] = Field(min_length=1, max_length=MAX_COLUMNS)
    rows: list[list[Cell]] = Field(min_length=1, max_length=MAX_ROWS,
                                   description="One list of cells per row, one cell per column; a cell is "
                                               "text, a number, a date (YYYY-MM-DD) or null.")
    closing: str | None = None
    _i18n = ("notes", "title", "intro", "closing")

    @model_validator(mode="before")
    @classmethod
    def _column_ids(cls, value: Any) -> Any:
        """Give every column an id: its own, else the header's words, else c1, c2, …"""
        if not isinstance(value, dict) or not isinstance(value.get("columns"), list):
            return value
        columns, seen = [], set()
        for i, col in enumerate(value["columns"], start=1):
            if isinstance(col, str):
                col = {"header": col}
            if isinstance(col, dict) and not col.get("id") and isinstance(col.get("header"), str):
                base = _slug(col["header"])[:40].strip("-") or f"c{i}"
                key, n = base, 2
                while key in seen:
                    key, n = f"{base}-{n}", n + 1
                col = {**col, "id": key}
            if isinstance(col, dict) and isinstance(col.get("id"), str):
                seen.add(col["id"])
            columns.append(col)
        return {**value, "columns": columns}

    @field_validator("columns")
    @classmethod
    def _unique(cls, columns: list[Column]) -> list[Column]:
        keys = [c.key for c in columns]
        twice = sorted({k for k in keys if keys.count(k) > 1})
        if twice:
            raise ValueError(f"two columns have the id '{twice[0]}'; give each column its own 'id'")
        return columns

    @field_validator("rows")
    @classmethod
    def _cells(cls, rows: list[list[Cell]], info: ValidationInfo) -> list[list[Cell]]:
        columns: list[Column] | None = info.data.get("columns")
        if columns is None:  # the columns are wrong themselves; their message says so
            return rows
        problems = []
        for r, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                problems.append(f"row {r} has {len(row)} cells and the table {len(columns)} columns: give one "
                                "cell per column (null for an empty one)")
                continue
            for col, cell in zip(columns, row):
                why = _cell_problem(col, cell)
                if why:
                    problems.append(f"row {r}, column '{col.key}': {why}")
        if problems:
            raise ValueError("; ".join(problems[:5]) + ("; …" if len(problems) > 5 else ""))
        return rows

    def i18n_items(self) -> Iterator[tuple[tuple[Any, ...], str]]:
        """The translatable cells: text in a text (or auto) column, as (path below the slide, text)."""
        for r, row in enumerate(self.rows):
            for c, (col, cell) in enumerate(zip(self.columns, row)):
                if isinstance(cell, str) and col.format in ("auto", "text"):
                    yield ("rows", r, c), cell


def _cell_problem(col: Column, cell: Cell) -> str | None:
    if cell is None:
        return None
    if isinstance(cell, float) and not math.isfinite(cell):
        return f"{cell} is not a number to show"
    if isinstance(cell, (int, float)) and abs(cell) > MAX_FIGURE:
        return f"{cell} is larger than 10^15"
    if col.format == "number" and not isinstance(cell, (int, float)):
        return f"'{cell}' is not a number (the column's format is number)"
    if col.format == "date" and not isinstance(cell, dt.date):
        return f"'{cell}' is not a date; write it as YYYY-MM-DD"
    if col.format == "month" and not (isinstance(cell, str) and re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", cell)):
        return f"'{cell}' is not a month; write it as YYYY-MM"
    if col.format == "country":
        if not isinstance(cell, str):
            return f"'{cell}' is not a country code"
        try:
            _known_country(cell)
        except ValueError as exc:
            return str(exc)
    return None


def context(slide: TableSlide, path: tuple[Any, ...]) -> str:
    """The msgctxt of a cell: ``<slide>.rows.<row from 1>.<column id>``; a header: ``<slide>.columns.<id>.header``."""
    if path[:1] == ("rows",) and len(path) == 3:
        return f"{slide.sid}.rows.{path[1] + 1}.{slide.columns[path[2]].key}"
    if path[:1] == ("columns",) and len(path) == 3:
        return f"{slide.sid}.columns.{slide.columns[path[1]].key}.{path[2]}"
    return f"{slide.sid}." + ".".join(str(p) for p in path if not isinstance(p, int))


def cell_text(c: Composer, col: Column, cell: Cell) -> str:
    """The cell as inline markup in the locale: data formatted (and escaped), text as written."""
    fmt = c.fmt
    if cell is None:
        return ""
    if isinstance(cell, bool):  # never reached: refused by the model; kept for the type checker
        return str(cell)
    if isinstance(cell, (int, float)):
        return escape_markup(fmt.number(int(cell) if float(cell).is_integer() else cell))
    if isinstance(cell, dt.date):
        return escape_markup(fmt.date(cell, "medium"))
    if col.format == "month":
        year, month = map(int, cell.split("-"))
        return escape_markup(fmt.month(year, month))
    if col.format == "country":
        return escape_markup(fmt.country(cell))
    return cell


def _align(col: Column, rows: list[list[Cell]], index: int) -> str:
    if col.align:
        return col.align
    values = [row[index] for row in rows if row[index] is not None]
    return "right" if values and all(isinstance(v, (int, float)) for v in values) else "left"


def compose(c: Composer, s: TableSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title)
    top = BODY_TOP + 4
    if s.intro:
        frames.append(c.text("intro", Box(MX, BODY_TOP, CONTENT_W, 40), [c.para(s.intro, 20, c.c("muted"))],
                             field="intro"))
        top += 46
    bottom = BODY_BOTTOM - (44 if s.closing else 0)
    total = sum(col.width for col in s.columns)
    widths = [round(CONTENT_W * col.width / total, 2) for col in s.columns]
    widths[-1] = round(CONTENT_W - sum(widths[:-1]), 2)
    aligns = [_align(col, s.rows, i) for i, col in enumerate(s.columns)]
    on, band = c.c("on_primary"), hex_mix(c.c("primary"), c.c("background"), 0.07)

    def cell(r: int, i: int, text: str, header: bool) -> TextFrame:
        color, fill = (on, c.c("primary")) if header else (c.c("text"), band if r % 2 == 0 else c.c("background"))
        para = c.para(text, BODY_SIZE, color, bold=header, align=aligns[i], link_tags=not header)
        field = f"columns[{i + 1}].header" if header else f"rows[{r}].{s.columns[i].key}"
        return TextFrame(f"cell-{r}-{i + 1}", Box(0, 0, widths[i] - 2 * PAD_X, 0), (para,) if para.runs else (),
                         "middle", "body", field, MIN_SCALE, fill=fill,
                         link_color=on if header else c.c("link"))

    grid = [[cell(0, i, col.header, True) for i, col in enumerate(s.columns)]]
    grid += [[cell(r, i, cell_text(c, s.columns[i], v), False) for i, v in enumerate(row)]
             for r, row in enumerate(s.rows, start=1)]
    frames.append(_lay_out(c, grid, widths, Box(MX, top, CONTENT_W, bottom - top), plain_text(c.runs(s.title))))
    if s.closing:
        frames.append(c.closing(s.closing, bottom + 6, 36, size=18))
    return c.c("background"), frames, plain_text(c.runs(s.title))


def _row_heights(c: Composer, grid: list[list[TextFrame]], scale: float) -> list[float]:
    """Each row's height at *scale*: its tallest cell and the padding (infinite when a word cannot fit)."""
    line = BODY_SIZE * scale * 1.2
    return [max([line] + [measure_height(f, c.brand, scale) if f.paragraphs else line for f in row])
            + 2 * PAD_Y * scale for row in grid]


def _lay_out(c: Composer, grid: list[list[TextFrame]], widths: list[float], room: Box, alt: str) -> TableFrame:
    """One text size for the whole table, the largest at which every row fits *room*; then each cell's box."""
    scale = 1.0
    while True:
        heights = _row_heights(c, grid, scale)
        if sum(heights) <= room.h + 0.5 or round(scale - 0.04, 2) < MIN_SCALE - 1e-9:
            break
        scale = round(scale - 0.04, 2)
    finite = [h if math.isfinite(h) else BODY_SIZE * scale * 1.2 + 2 * PAD_Y * scale for h in heights]
    if sum(finite) > room.h:  # too long even at the floor: every row gives up its share, cells report it
        finite = [h * room.h / sum(finite) for h in finite]
    finite = [round(h, 2) for h in finite]
    cells, y = [], room.y
    for row, h in zip(grid, finite):
        x, out = room.x, []
        for f, w in zip(row, widths):
            box = Box(round(x + PAD_X, 2), round(y + PAD_Y * scale, 2), round(w - 2 * PAD_X, 2),
                      round(h - 2 * PAD_Y * scale, 2))
            out.append(_fit_cell(c, TextFrame(f.name, box, f.paragraphs, f.valign, f.role, f.field, f.min_scale,
                                              fill=f.fill, link_color=f.link_color), scale))
            x += w
        cells.append(tuple(out))
        y += h
    return TableFrame("table", Box(room.x, room.y, room.w, round(sum(finite), 2)), tuple(widths), tuple(finite),
                      tuple(cells), PAD_X, round(PAD_Y * scale, 2), 1, alt=alt)


def _fit_cell(c: Composer, f: TextFrame, scale: float) -> TextFrame:
    if not f.paragraphs:
        return f.fitted(scale, 0.0)
    needed = measure_height(f, c.brand, scale)
    if needed == float("inf"):
        return f.fitted(scale, f.box.h, overflow=widest_ratio(f, c.brand, scale) - 1)
    return f.fitted(scale, needed, overflow=needed / f.box.h - 1 if needed > f.box.h + 0.5 else 0.0)


KIND = Kind("table", TableSlide, compose, context=context)
