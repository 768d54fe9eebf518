"""A chart: bar, column, stacked, line or pie, from data in deck.yaml or a CSV file beside it.

The model (the slide's fields, its categories and series, the translatable names of a CSV
file's labels) is here; reading the CSV file and computing the chart — scale, ticks, marks,
labels formatted per locale, alt text — is :mod:`deckgen.charts`, which gives one
:class:`~deckgen.scene.ChartFrame` that the PPTX draws as a native chart and the PDF as SVG.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .. import charts
from ..compose import BODY_BOTTOM, BODY_TOP, CONTENT_W, MX, Composer
from ..errors import DeckgenError, Location, Problem
from ..hints import did_you_mean
from ..markup import plain_text
from ..paths import not_relative
from ..model import MAX_FIGURE, Model, SlideBase, YearMonth
from ..scene import Box, Frame
from . import Kind

Value = Annotated[float | None, Field(ge=-MAX_FIGURE, le=MAX_FIGURE, allow_inf_nan=False)]


class Category(Model):
    """One category: a text label (translated), or a month or a day (formatted per locale, not translated)."""

    text: str | None = Field(default=None, max_length=charts.MAX_CELL)
    month: YearMonth | None = None
    date: dt.date | None = None
    _i18n = ("text",)

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, value: Any) -> Any:
        if isinstance(value, dt.date):
            return {"date": value}
        if isinstance(value, int) and not isinstance(value, bool):
            return {"text": str(value)}  # a year, say
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", text):
                return {"month": text}
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                return {"date": text}
            return {"text": value}
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Category:
        if sum(v is not None for v in (self.text, self.month, self.date)) != 1:
            raise ValueError("give a label, a month (YYYY-MM) or a date (YYYY-MM-DD)")
        return self


class Series(Model):
    """One series: its name (translated) and one number per category."""

    name: str = Field(max_length=charts.MAX_CELL)
    values: list[Value] = Field(min_length=1, max_length=charts.MAX_CATEGORIES,
                                description="One number per category; ~ (null) where there is none.")
    _i18n = ("name",)


class Name(Model):
    """A translatable name for a label of the CSV file: a series' heading or a category."""

    label: str = Field(description="The label exactly as the CSV file writes it.")
    name: str = Field(description="What the slide shows instead (translated).")
    _i18n = ("name",)


class ChartSlide(SlideBase):
    kind: Literal["chart"]
    title: str
    kicker: str | None = Field(default=None, description="Small heading above the title.")
    type: Literal["bar", "column", "line", "pie"] = Field(description="bar (horizontal bars), column (vertical "
                                                          "bars), line or pie.")
    stacked: bool = Field(default=False, description="Stack the series (bar and column charts).")
    subject: str | None = Field(default=None, description="What the numbers are, for the alt text: 'tweetups "
                                "per month'. Default: the title.")
    categories: list[Category] = Field(default_factory=list, max_length=charts.MAX_CATEGORIES,
                                       description="Labels (translated), months (YYYY-MM) or dates (YYYY-MM-DD).")
    series: list[Series] = Field(default_factory=list, max_length=charts.MAX_SERIES)
    data: str | None = Field(default=None, description="A CSV file beside deck.yaml instead of 'categories' and "
                             "'series': a header row (a heading, then one name per series), then a row per "
                             "category.")
    names: list[Name] = Field(default_factory=list, description="Translatable names for labels of the CSV file.")
    format: Literal["number", "percent"] = Field(default="number", description="percent: the values are "
                                                 "fractions, 0.25 is shown as 25 %.")
    decimals: int | None = Field(default=None, ge=0, le=4, description="Decimals shown (default: as written).")
    labels: bool | None = Field(default=None, description="Show every value on the chart (default: up to 30).")
    legend: bool | None = Field(default=None, description="Show the legend (default: several series, or a pie).")
    alt: str | None = Field(default=None, min_length=1, description="Alt text instead of the one made from the "
                            "data.")
    caption: str | None = Field(default=None, description="A line under the chart: its source, a note.")
    _i18n = ("notes", "title", "kicker", "subject", "alt", "caption")

    @model_validator(mode="after")
    def _data(self) -> ChartSlide:
        if self.data is not None:
            if self.categories or self.series:
                raise ValueError("give the data either in 'data' (a CSV file) or in 'categories' and 'series', "
                                 "not both")
            return self
        if not self.categories or not self.series:
            raise ValueError("give 'categories' and 'series', or 'data' (a CSV file beside deck.yaml)")
        if self.names:
            raise ValueError("'names' renames the labels of a CSV file ('data'); name a series with its 'name'")
        for s in self.series:
            if len(s.values) != len(self.categories):
                raise ValueError(f"series '{s.name}' has {len(s.values)} values for {len(self.categories)} "
                                 "categories; give one value per category (~ for none)")
        problem = charts.table_problem(self.type, self.stacked, [s.values for s in self.series])
        if problem:
            raise ValueError(problem)
        return self


def table_of(s: ChartSlide, deck_dir: Path, where: Location | None = None) -> charts.Table:
    """The data of chart slide *s*: its own categories and series, or its CSV file read and checked."""
    if s.data is not None:
        return charts.read_csv(deck_dir / s.data, deck_dir, where, s.type, s.stacked)
    return charts.Table(tuple(charts.Cat(c.text, c.month, c.date) for c in s.categories),
                        tuple((x.name, tuple(x.values)) for x in s.series))


def compose(c: Composer, s: ChartSlide) -> tuple[str, list[Frame], str]:
    frames = c.header(s.title, s.kicker)
    bottom = BODY_BOTTOM - (30 if s.caption else 0)
    subject = plain_text(c.runs(s.subject or s.title, link_tags=False))
    frames.append(charts.compose_chart(
        "chart", Box(MX, BODY_TOP + 4, CONTENT_W, bottom - BODY_TOP - 4), s, table_of(s, c.deck_dir), subject,
        charts.style_of(c.brand), c.fmt, c.say, {n.label: n.name for n in s.names}, field="data",
        source=str(c.deck_dir / s.data) if s.data else None))
    if s.caption:
        frames.append(c.text("caption", Box(MX, bottom + 6, CONTENT_W, 24),
                             [c.para(s.caption, 13, c.c("muted"), italic=True)], field="caption"))
    return c.c("background"), frames, plain_text(c.runs(s.title))


def data_problems(slide: dict[str, Any], deck_dir: Path, at: Callable[[tuple[Any, ...]], Any]) -> list[Problem]:
    """A chart's CSV file read and checked, its problems naming the CSV file and line, and its ``names``
    checked against the file's labels (a :attr:`Kind.check` function, run by the loader)."""
    name = slide.get("data")
    if not isinstance(name, str):
        return []
    if not_relative(name):
        return [Problem(f"'{name}' must be a CSV file beside deck.yaml (a relative path), not an address or "
                        "absolute path", at(("data",)))]
    kind = slide.get("type") if slide.get("type") in ("bar", "column", "line", "pie") else "column"
    try:
        table = charts.read_csv(deck_dir / name, deck_dir, at(("data",)), kind, slide.get("stacked") is True)
    except DeckgenError as exc:
        return list(exc.problems)
    labels = [n for n, _ in table.series] + [c.text for c in table.categories if c.text]
    problems = []
    for j, entry in enumerate(slide.get("names") or []):
        if isinstance(entry, dict) and isinstance(entry.get("label"), str) and entry["label"] not in labels:
            hint = did_you_mean(entry["label"], labels) or f"; its labels are: {', '.join(labels[:12])}"
            problems.append(Problem(f"'{entry['label']}' is not a label of {name}{hint}",
                                    at(("names", j, "label"))))
    return problems


KIND = Kind("chart", ChartSlide, compose, check=data_problems)
