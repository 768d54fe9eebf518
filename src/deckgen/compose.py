"""Lay out each slide kind: localised deck + brand → positioned frames.

This is the single place where the look of a slide kind is decided (positions,
sizes, colours).  Both renderers only draw what it returns, which is what keeps
the PPTX and the PDF alike.  deckgen's own words (``today!``, the wording of a
recurring rule) come from the layout ``phrases.j2``, translated by deckgen's own
catalogs (:mod:`deckgen.phrasebook`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from PIL import Image

from .brand import Brand
from .events import occurrences
from .formatting import Formatter, escape_markup
from .markup import LinkStyle, Run, parse, plain_text
from .measure import Piece, load_metrics, widest_word, wrap_lines
from .model import (
    BulletsSlide,
    ChannelsSlide,
    Deck,
    Figure,
    FiguresSlide,
    ImageSlide,
    Item,
    NumberedSlide,
    PeopleSlide,
    QuoteSlide,
    ScheduleSlide,
    SectionSlide,
    SlideBase,
    StatementSlide,
    TitleSlide,
)
from .scene import (
    LINE_HEIGHT,
    PAGE_H,
    PAGE_W,
    Box,
    DeckScene,
    Frame,
    ImageFrame,
    Paragraph,
    ShapeFrame,
    SlideScene,
    TextFrame,
    title_first,
)

# --- the shared geometry (points on a 960 x 540 page) --------------------------
MX = 56.0  # side margin
CONTENT_W = PAGE_W - 2 * MX
BODY_TOP = 136.0
BODY_BOTTOM = 474.0
FOOTER_Y = 504.0
GAP = 16.0
#: the PNG logo is used in the PDF when it has at least this many pixels per inch where it is drawn;
#: below, the SVG (when the brand has one)
LOGO_PNG_MIN_DPI = 300


class Phrases(Protocol):
    """deckgen's own words in the target language (``layouts/phrases.j2``)."""

    def __getattr__(self, name: str) -> Callable[..., str]: ...


def _hex_mix(color: str, background: str, amount: float) -> str:
    """*color* laid over *background* at opacity *amount* (for tints)."""
    a = [int(color[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(background[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x * amount + y * (1 - amount)):02X}" for x, y in zip(a, b))


@dataclass
class Composer:
    """Composes every slide of one deck in one locale and brand."""

    deck: Deck
    deck_dir: Path
    brand: Brand
    fmt: Formatter
    say: Phrases

    @property
    def links(self) -> LinkStyle:
        return self.brand.links

    def c(self, role: str) -> str:
        return self.brand.color(role)

    # --- text helpers ------------------------------------------------------------
    def runs(self, text: str | None, *, link_tags: bool = True) -> tuple[Run, ...]:
        if not text:
            return ()
        runs = parse(text, self.links)
        if not link_tags:  # titles: hashtags and handles are words, not links
            runs = tuple(replace(r, href=None, kind="text") if r.kind in ("hashtag", "handle") else r
                         for r in runs)
        return runs

    def para(self, text: str | tuple[Run, ...] | None, size: float, color: str | None = None, **kw) -> Paragraph:
        runs = text if isinstance(text, tuple) else self.runs(text, link_tags=kw.pop("link_tags", True))
        return Paragraph(runs=runs, size=size, color=color or self.c("text"), **kw)

    def text(self, name: str, box: Box, paragraphs: list[Paragraph], field: str = "",
             valign: str = "top", role: str = "body", min_scale: float = 0.6, on_dark: bool = False) -> TextFrame:
        if on_dark:  # hashtags and handles are words here: presentation programs draw every
            # hyperlink in the theme's link colour, unreadable on a dark background
            paragraphs = [replace(p, runs=tuple(replace(r, href=None, kind="text")
                                                 if r.kind in ("hashtag", "handle") else r for r in p.runs))
                          for p in paragraphs]
        frame = TextFrame(name, box, tuple(p for p in paragraphs if p.runs), valign, role, field, min_scale,
                          link_color=self.c("on_primary") if on_dark else self.c("link"))
        return fit(frame, self.brand)

    def header(self, title: str | None, kicker: str | None = None) -> list[Frame]:
        frames: list[Frame] = []
        if kicker:
            frames.append(self.text("kicker", Box(MX, 30, CONTENT_W - 110, 22),
                                    [self.para(kicker, 14, self.c("secondary"), bold=True, link_tags=False)],
                                    field="kicker", role="kicker"))
        if title:
            y = 50 if kicker else 38
            frames.append(self.text("title", Box(MX, y, CONTENT_W - 110, 110 - y),
                                    [self.para(title, 34, self.c("primary"), font="heading", bold=True,
                                               link_tags=False)],
                                    field="title", valign="bottom", role="title", min_scale=0.7))
        frames.append(ShapeFrame("rule", Box(MX, 118, 56, 4), "rect", self.c("accent")))
        frames += self.logo(Box(PAGE_W - MX - 100, 36, 100, 30), on_light=True)
        return frames

    def footer(self, number: int, total: int, on_dark: bool = False) -> list[Frame]:
        color = self.c("on_primary") if on_dark else self.c("muted")
        frames: list[Frame] = [
            self.text("footer", Box(MX, FOOTER_Y, 600, 18),
                      [self.para(escape_markup(self.brand.footer_text()), 11, color, link_tags=False)],
                      role="footer", on_dark=on_dark),
            self.text("page-number", Box(PAGE_W - MX - 120, FOOTER_Y, 120, 18),
                      [self.para(self.say.page_number(number, total), 11, color, align="right")],
                      role="footer"),
        ]
        if not on_dark:
            frames.insert(0, ShapeFrame("footer-band", Box(0, PAGE_H - 6, PAGE_W, 6), "rect", self.c("primary")))
        return frames

    def logo(self, box: Box, on_light: bool = False) -> list[Frame]:
        """The brand's logo in *box*, right-aligned: the version for light or dark backgrounds."""
        suffix = "_on_light" if on_light else ""
        png = self.brand.logos.get("png" + suffix)
        if png is None:
            return []
        with Image.open(png) as im:
            w, h = im.size
        placed = _contain(box, w, h, align="right")
        svg = self.brand.logos.get("svg" + suffix)
        # The PDF takes the SVG only where the PNG would look soft: WeasyPrint draws an SVG
        # again on every page (about a tenth of a slide's PDF time), an image once per file.
        sharp = w / (placed.w / 72) >= LOGO_PNG_MIN_DPI
        return [ImageFrame("logo", placed, str(png), self.brand.spec.name,
                           role="logo", vector=str(svg) if svg and not sharp else None)]

    # --- kinds ---------------------------------------------------------------------
    def compose(self) -> DeckScene:
        total = len(self.deck.slides)
        return self.scene([self.slide(slide, i, total) for i, slide in enumerate(self.deck.slides, start=1)])

    def slide(self, slide: SlideBase, number: int, total: int) -> SlideScene:
        """Compose *slide*, the *number*-th of *total* (``deckgen serve`` composes only the slides that changed)."""
        method: Callable[[SlideBase], tuple[str, list[Frame], str]] = getattr(self, f"_{slide.kind}")
        background, frames, title = method(slide)
        dark = background != self.c("background")
        if slide.kind != "title":
            frames += self.footer(number, total, on_dark=dark)
        return SlideScene(slide.sid, slide.kind, title, background, title_first(frames),
                          plain_text(self.runs(slide.notes)) if slide.notes else "", number)

    def scene(self, scenes: list[SlideScene]) -> DeckScene:
        """The whole deck around its composed slides *scenes*."""
        b = self.brand
        files = {}
        for fam in (b.heading, b.body):
            files.setdefault(fam.family, {}).update({k: str(v) for k, v in fam.files.items()})
        return DeckScene(
            deck_id=self.deck.id, locale=self.fmt.locale_code,
            language_tag=language_tag(self.fmt.locale_code, self.brand.spec.country),
            title=plain_text(self.runs(self.deck.title, link_tags=False)),
            subject=self.deck.subject or "", author=self.deck.author,
            keywords=tuple(self.deck.keywords), date=self.deck.date.isoformat(), slides=tuple(scenes),
            fonts={"heading": b.heading.family, "body": b.body.family}, font_files=files,
            colors={k: self.c(k) for k in ("primary", "secondary", "accent", "text", "muted", "background",
                                            "link", "on_primary")},
        )

    def _title(self, s: TitleSlide) -> tuple[str, list[Frame], str]:
        on = self.c("on_primary")
        frames: list[Frame] = [
            ShapeFrame("disc", Box(610, -150, 560, 560), "ellipse", self.c("secondary")),
            ShapeFrame("dot", Box(560, 330, 150, 150), "ellipse", self.c("accent")),
        ]
        frames.append(self.text("title", Box(64, 92, 560, 120),
                                [self.para(s.title, 92, on, font="heading", bold=True, link_tags=False)],
                                field="title", valign="bottom", role="title", min_scale=0.6))
        frames.append(self.text("subtitle", Box(64, 216, 540, 70),
                                [self.para(s.subtitle, 26, on, link_tags=False)], field="subtitle", on_dark=True))
        when = []
        if s.date:
            when.append(escape_markup(self.fmt.date(s.date)).replace("\\^", "^"))
        time = self.fmt.when(s.start, s.end)
        if time:
            when.append(time)
        paragraphs = [self.para(s.event, 26, self.c("accent"), bold=True, link_tags=False)]
        if when:
            paragraphs.append(self.para(" · ".join(when), 20, on, space_before=6))
        frames.append(self.text("event", Box(64, 300, 520, 100), paragraphs, field="event", on_dark=True))
        if s.hashtag:
            frames.append(self.text("hashtag", Box(64, 430, 400, 50),
                                    [self.para(s.hashtag, 32, self.c("accent"), font="heading", bold=True,
                                               link_tags=False)], field="hashtag"))
        frames += self.logo(Box(PAGE_W - 64 - 200, PAGE_H - 40 - 60, 200, 60))
        return self.c("primary"), frames, plain_text(self.runs(s.title))

    def _section(self, s: SectionSlide) -> tuple[str, list[Frame], str]:
        on = self.c("on_primary")
        frames: list[Frame] = [ShapeFrame("disc", Box(-160, 300, 420, 420), "ellipse",
                                          _hex_mix(on, self.c("secondary"), 0.12)),
                               ShapeFrame("rule", Box(96, 150, 80, 6), "rect", self.c("accent"))]
        frames.append(self.text("title", Box(96, 170, 768, 100),
                                [self.para(s.title, 54, on, font="heading", bold=True, link_tags=False)],
                                field="title", valign="bottom", role="title"))
        paragraphs = []
        if s.subtitle:
            paragraphs.append(self.para(s.subtitle, 26, on))
        if s.body:
            paragraphs.append(self.para(s.body, 26, on, space_before=12 if s.subtitle else 0))
        frames.append(self.text("body", Box(96, 284, 768, 180), paragraphs, field="body", on_dark=True))
        return self.c("secondary"), frames, plain_text(self.runs(s.title))

    def _bullets(self, s: BulletsSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title)
        paragraphs = []
        if s.intro:
            paragraphs.append(self.para(s.intro, 24, self.c("primary"), bold=True))

        def add(items: list[Item], level: int) -> None:
            for it in items:
                size = 24 if level == 0 else 20
                paragraphs.append(self.para(it.text, size, bullet="•", indent=26 + 28 * level,
                                            level=level, bullet_color=self.c("secondary"),
                                            space_before=12 if level == 0 else 4))
                add(it.items, level + 1)

        add(list(s.items), 0)
        bottom = BODY_BOTTOM - (44 if s.closing else 0)
        frames.append(self.text("body", Box(MX, BODY_TOP + 4, CONTENT_W, bottom - BODY_TOP - 4), paragraphs,
                                field="items", min_scale=0.55))
        if s.closing:
            frames.append(self.text("closing", Box(MX, bottom + 6, CONTENT_W, 36),
                                    [self.para(s.closing, 20, self.c("secondary"), bold=True)], field="closing"))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _statement(self, s: StatementSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title, s.kicker)
        frames.append(ShapeFrame("bar", Box(MX, BODY_TOP + 6, 4, BODY_BOTTOM - BODY_TOP - 12), "rect",
                                 self.c("secondary")))
        size = 24 if len(s.paragraphs) == 1 else 19
        paragraphs = [self.para(p, size, italic=len(s.paragraphs) > 1, space_before=12 if i else 0)
                      for i, p in enumerate(s.paragraphs)]
        frames.append(self.text("body", Box(MX + 24, BODY_TOP, CONTENT_W - 24, BODY_BOTTOM - BODY_TOP),
                                paragraphs, field="paragraphs", valign="middle", min_scale=0.6))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _numbered(self, s: NumberedSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title, s.kicker)
        paragraphs = []
        if s.intro:
            paragraphs.append(self.para(s.intro, 20, self.c("muted")))
        for i, item in enumerate(s.items, start=1):
            paragraphs.append(self.para(item, 20, bullet="number", number=i, indent=40,
                                        bullet_color=self.c("secondary"), space_before=16))
        frames.append(self.text("body", Box(MX, BODY_TOP, CONTENT_W, BODY_BOTTOM - BODY_TOP), paragraphs,
                                field="items", min_scale=0.6))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _figure_paragraphs(self, f: Figure) -> list[Paragraph]:
        fmt = self.fmt
        out = []
        # a counted label is chosen by localise(); an untranslated deck still has the pair
        label = f.label if isinstance(f.label, str) else (f.label.one if f.value == 1 else f.label.other)
        if f.value is not None:
            number = fmt.number(int(f.value) if float(f.value).is_integer() else f.value)
            if f.plus:
                number = self.say.at_least(number)
            out.append(self.para(escape_markup(number), 40, self.c("primary"), font="heading", bold=True))
            out.append(self.para(label, 16, bold=True))
        else:
            out.append(self.para(label, 19, self.c("primary"), font="heading", bold=True))
        details: list[str] = []
        if f.detail:
            details.append(f.detail)
        if f.places:
            details.append(fmt.list([
                self.say.place_month(escape_markup(p.place), fmt.month(*map(int, p.month.split("-"))))
                for p in f.places]))
        if f.countries or f.more:
            names = [fmt.country(c) for c in f.countries] + ([f.more] if f.more else [])
            details.append(fmt.list(names))
        if f.names:
            details.append(fmt.list([escape_markup(n) for n in f.names]))
        if f.links:
            details.append(fmt.list([f"[{escape_markup(lk.text or lk.url)}]({lk.url})" for lk in f.links]))
        for d in details:
            out.append(self.para(d, 13, self.c("muted"), space_before=4))
        return out

    def _figures(self, s: FiguresSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title)
        n = len(s.figures)
        cols = n if n <= 4 else math.ceil(n / 2)
        rows = math.ceil(n / cols)
        bottom = BODY_BOTTOM - (40 if s.closing else 0)
        cw = (CONTENT_W - (cols - 1) * GAP) / cols
        ch = (bottom - BODY_TOP - (rows - 1) * GAP) / rows
        tint = _hex_mix(self.c("primary"), self.c("background"), 0.07)
        for i, f in enumerate(s.figures):
            r, col = divmod(i, cols)
            # centre a shorter last row
            in_row = cols if r < rows - 1 else n - cols * (rows - 1)
            offset = (cols - in_row) * (cw + GAP) / 2
            box = Box(MX + offset + col * (cw + GAP), BODY_TOP + r * (ch + GAP), cw, ch)
            frames.append(ShapeFrame(f"card-{i + 1}", box, "roundrect", tint))
            frames.append(ShapeFrame(f"card-{i + 1}-mark", Box(box.x, box.y + 14, 4, 36), "rect",
                                     self.c("accent")))
            frames.append(self.text(f"figure-{i + 1}", Box(box.x + 16, box.y + 10, box.w - 28, box.h - 20),
                                    self._figure_paragraphs(f), field=f"figures[{i + 1}]", min_scale=0.55))
        if s.closing:
            frames.append(self.text("closing", Box(MX, bottom + 6, CONTENT_W, 34),
                                    [self.para(s.closing, 20, self.c("secondary"), bold=True, align="center")],
                                    field="closing"))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _quote(self, s: QuoteSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title) if s.title else []
        frames.append(self.text("quote-mark", Box(MX, 122, 90, 120),
                                [self.para(escape_markup(self.say.quote_mark(self.fmt.quotes()[0])), 140, self.c("accent"),
                                           font="heading", bold=True)],
                                role="decoration"))
        frames.append(self.text("quote", Box(MX + 100, 150, CONTENT_W - 130, 210),
                                [self.para(s.text, 30, self.c("primary"), font="heading", bold=True,
                                           italic=False)],
                                field="text", valign="middle", min_scale=0.55))
        who = f"**{escape_markup(s.author)}**"
        if s.handle:
            who += f" ({s.handle})"
        parts = [who] + ([s.role] if s.role else [])
        line = ", ".join(parts)
        if s.country:
            line += f" ({escape_markup(self.fmt.country(s.country))})"
        frames.append(ShapeFrame("quote-rule", Box(MX + 100, 378, 40, 3), "rect", self.c("secondary")))
        frames.append(self.text("attribution", Box(MX + 100, 390, CONTENT_W - 130, 70),
                                [self.para(line, 18, self.c("muted"))], field="role"))
        return self.c("background"), frames, plain_text(self.runs(s.title or s.text))

    def _occurrence_text(self, occ) -> str:
        fmt = self.fmt
        if occ.date is not None:
            text = fmt.capitalise(fmt.date(occ.date))
        else:
            text = fmt.month(*occ.month, capitalise=True)
        if occ.today:
            text = self.say.today(text, escape_markup(fmt.today()))
        return text

    def rule_text(self, ev: Any) -> str:
        """The wording of a recurring event: ``Every 1st Wednesday of the month, 1:00 – 2:00 PM``."""
        return self.fmt.capitalise(rule_words(ev, self.fmt, self.say))

    def _schedule(self, s: ScheduleSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title)
        events = [self.deck.event(e) for e in s.events]
        cols = len(events)
        cw = (CONTENT_W - (cols - 1) * GAP * 2) / cols
        bottom = BODY_BOTTOM - (40 if s.closing else 0)
        tint = _hex_mix(self.c("primary"), self.c("background"), 0.07)
        for i, ev in enumerate(events):
            x = MX + i * (cw + GAP * 2)
            frames.append(ShapeFrame(f"event-{i + 1}-card", Box(x, BODY_TOP, cw, bottom - BODY_TOP), "roundrect",
                                     tint))
            paragraphs = [self.para(ev.title, 22, self.c("primary"), font="heading", bold=True, link_tags=False)]
            if ev.recurrence is not None:
                paragraphs.append(self.para(self.rule_text(ev), 16, self.c("muted"), space_before=4))
            elif ev.description:
                paragraphs.append(self.para(ev.description, 16, self.c("muted"), space_before=4))
            where = ev.online or ev.place
            if where:
                paragraphs.append(self.para(where, 16, self.c("muted"), space_before=2))
            for j, occ in enumerate(occurrences(ev, s.show)):
                paragraphs.append(self.para(self._occurrence_text(occ), 19, bullet="•", indent=24,
                                            bullet_color=self.c("secondary"), space_before=10 if j == 0 else 4))
            frames.append(self.text(f"event-{i + 1}", Box(x + 20, BODY_TOP + 14, cw - 40, bottom - BODY_TOP - 28),
                                    paragraphs, field=f"events[{i + 1}]", min_scale=0.55))
        if s.closing:
            frames.append(self.text("closing", Box(MX, bottom + 6, CONTENT_W, 34),
                                    [self.para(s.closing, 18, self.c("text"), align="center")], field="closing"))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _channels(self, s: ChannelsSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title)
        n = len(s.channels)
        cols = 1 if n <= 3 else 2
        rows = math.ceil(n / cols)
        bottom = BODY_BOTTOM - (40 if s.closing else 0)
        cw = (CONTENT_W - (cols - 1) * GAP * 2) / cols
        rh = (bottom - BODY_TOP) / rows
        for i, ch in enumerate(s.channels):
            col, r = divmod(i, rows)
            box = Box(MX + col * (cw + GAP * 2), BODY_TOP + r * rh, cw, rh - 6)
            values = list(ch.handles)
            values += [f"[{escape_markup(lk.text)}]({lk.url})" if lk.text else lk.url for lk in ch.links]
            if ch.email:
                values.append(ch.email)
            frames.append(ShapeFrame(f"channel-{i + 1}-mark", Box(box.x, box.y + 4, 4, box.h - 8), "rect",
                                     self.c("secondary")))
            frames.append(self.text(f"channel-{i + 1}", Box(box.x + 14, box.y, box.w - 14, box.h),
                                    [self.para(ch.network, 14, self.c("secondary"), bold=True, link_tags=False),
                                     self.para(self.fmt.list(values), 17, space_before=1)],
                                    field=f"channels[{i + 1}]", valign="middle", min_scale=0.55))
        if s.closing:
            frames.append(self.text("closing", Box(MX, bottom + 6, CONTENT_W, 34),
                                    [self.para(s.closing, 20, self.c("secondary"), bold=True, align="center")],
                                    field="closing"))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _people(self, s: PeopleSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title)
        top = BODY_TOP
        if s.intro:
            frames.append(self.text("intro", Box(MX, BODY_TOP, CONTENT_W, 64),
                                    [self.para(s.intro, 20, self.c("text"))], field="intro"))
            top += 76
        n = len(s.people)
        cw = min(300.0, (CONTENT_W - (n - 1) * GAP * 2) / n)
        x0 = MX + (CONTENT_W - (n * cw + (n - 1) * GAP * 2)) / 2
        d = 112.0
        for i, p in enumerate(s.people):
            x = x0 + i * (cw + GAP * 2)
            circle = Box(x + (cw - d) / 2, top, d, d)
            if p.photo:
                frames.append(ImageFrame(f"person-{i + 1}-photo", circle, str(self.deck_dir / p.photo), p.name,
                                         crop_circle=True))
            else:
                frames.append(ShapeFrame(f"person-{i + 1}-avatar", circle, "ellipse",
                                         self.c("primary") if i % 2 == 0 else self.c("secondary")))
                frames.append(self.text(f"person-{i + 1}-initials", circle,
                                        [self.para(escape_markup(initials(p.name)), 40, self.c("on_primary"),
                                                   font="heading", bold=True, align="center")],
                                        valign="middle", role="decoration"))
            paragraphs = [self.para(escape_markup(p.name), 22, self.c("primary"), font="heading", bold=True,
                                    align="center")]
            if p.handle:
                paragraphs.append(self.para(p.handle, 17, align="center", space_before=2))
            if p.role:
                paragraphs.append(self.para(p.role, 15, self.c("muted"), align="center", space_before=4))
            frames.append(self.text(f"person-{i + 1}", Box(x, top + d + 12, cw, BODY_BOTTOM - top - d - 12),
                                    paragraphs, field=f"people[{i + 1}]", min_scale=0.6))
        return self.c("background"), frames, plain_text(self.runs(s.title))

    def _image(self, s: ImageSlide) -> tuple[str, list[Frame], str]:
        frames = self.header(s.title) if s.title else []
        top = BODY_TOP if s.title else 40.0
        bottom = BODY_BOTTOM - (34 if s.caption else 0)
        path = self.deck_dir / s.file
        with Image.open(path) as im:
            w, h = im.size
        frames.append(ImageFrame("image", _contain(Box(MX, top, CONTENT_W, bottom - top), w, h), str(path),
                                 plain_text(self.runs(s.alt))))
        if s.caption:
            frames.append(self.text("caption", Box(MX, bottom + 6, CONTENT_W, 28),
                                    [self.para(s.caption, 15, self.c("muted"), italic=True, align="center")],
                                    field="caption"))
        return self.c("background"), frames, plain_text(self.runs(s.title or s.alt))


def rule_words(event: Any, fmt: Formatter, say: Phrases) -> str:
    """A recurring event's rule in words, with its time: ``every 1^st^ Wednesday of the month, 1:00 – 2:00 PM``.

    The schedule slide and the announcements both use it, so they say the same.
    """
    r = event.recurrence
    text = say.monthly(r.ordinal, r.weekday)
    if event.start and event.end:
        return say.with_time(text, fmt.time_range(event.start, event.end))
    if event.start:  # an event people write without an end: "every 2nd Tuesday at 18:30"
        return say.at_time(text, fmt.start_time(event.start))
    return text


def initials(name: str) -> str:
    """``Silja Chouquet`` → ``SC``."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    return "".join(p[0].upper() for p in parts[:1] + parts[-1:] if p) if parts else "?"


def _contain(box: Box, w: int, h: int, align: str = "center") -> Box:
    scale = min(box.w / w, box.h / h)
    nw, nh = w * scale, h * scale
    x = box.x + (box.w - nw) if align == "right" else box.x + (box.w - nw) / 2
    return Box(round(x, 2), round(box.y + (box.h - nh) / 2, 2), round(nw, 2), round(nh, 2))


def language_tag(locale_code: str, country: str | None = None) -> str:
    """A BCP 47 tag with region for document properties and proofing: ``fr`` → ``fr-FR``.

    The locale's own region first; then the chapter's *country*, when the language is one of
    its official languages (``en`` for the UK chapter → ``en-GB``, ``fr`` for Switzerland →
    ``fr-CH``); then the region CLDR finds likeliest.
    """
    from babel import Locale
    from babel.core import get_global

    loc = Locale.parse(locale_code)
    if loc.territory:
        return f"{loc.language}-{loc.territory}"
    if country:
        status = get_global("territory_languages").get(country, {}).get(loc.language, {}).get("official_status", "")
        if status in ("official", "de_facto_official"):
            return f"{loc.language}-{country}"

    likely = get_global("likely_subtags").get(loc.language, "")
    region = likely.split("_")[-1] if likely else ""
    return f"{loc.language}-{region}" if region.isalpha() and region.isupper() else loc.language


# --- fitting ---------------------------------------------------------------------

def _pieces(p: Paragraph, brand: Brand, scale: float) -> list[Piece]:
    fam = brand.heading if p.font == "heading" else brand.body
    size = max(1.0, round(p.size * scale * 2) / 2)
    return [Piece(r.text, load_metrics(str(fam.file(p.bold or r.bold, p.italic or r.italic))),
                  size * (0.6 if (r.sup or r.sub) else 1.0)) for r in p.runs]


def _widest_ratio(frame: TextFrame, brand: Brand, scale: float) -> float:
    return max(widest_word(_pieces(p, brand, scale)) / (frame.box.w - p.indent * scale)
               for p in frame.paragraphs)


def measure_height(frame: TextFrame, brand: Brand, scale: float) -> float:
    """Height in points the frame's text takes at *scale* (infinite if a word cannot fit a line)."""
    height = 0.0
    for i, p in enumerate(frame.paragraphs):
        size = max(1.0, round(p.size * scale * 2) / 2)
        pieces = _pieces(p, brand, scale)
        width = frame.box.w - p.indent * scale
        if widest_word(pieces) > width and not any("://" in r.text for r in p.runs):
            return float("inf")  # a word wider than the box: shrink rather than break it
        lines = wrap_lines(pieces, width)
        if i:
            height += p.space_before * scale
        height += lines * size * LINE_HEIGHT
    return height


def fit(frame: TextFrame, brand: Brand) -> TextFrame:
    """Shrink the frame's text step by step until it fits, down to the frame's floor."""
    if not frame.paragraphs:
        return frame
    scale = 1.0
    while True:
        needed = measure_height(frame, brand, scale)
        if needed <= frame.box.h + 0.5:
            return frame.fitted(scale, needed)
        nxt = round(scale - 0.04, 2)
        if nxt < frame.min_scale - 1e-9:
            if needed == float("inf"):  # a word still wider than the box at the floor
                return frame.fitted(scale, frame.box.h, overflow=_widest_ratio(frame, brand, scale) - 1)
            return frame.fitted(scale, needed, overflow=needed / frame.box.h - 1)
        scale = nxt


def capacity(frame: TextFrame, brand: Brand, scale: float = 1.0) -> int:
    """About how many characters of body text *frame* holds with its text at *scale*."""
    if not frame.paragraphs:
        return 0
    p = frame.paragraphs[-1]
    fam = brand.heading if p.font == "heading" else brand.body
    metrics = load_metrics(str(fam.file(p.bold, p.italic)))
    size = p.size * scale
    sample = "the quick brown fox jumps over a lazy dog "
    per_char = metrics.width(sample, size) / len(sample)
    # every paragraph starts a new line: count the room its spacing and short last line take
    pitch = size * LINE_HEIGHT
    lines = max(1, int((frame.box.h - sum(q.space_before * scale for q in frame.paragraphs[1:])) // pitch))
    per_line = (frame.box.w - p.indent * scale) / per_char
    return max(0, int(lines * per_line - 0.5 * per_line * (len(frame.paragraphs) - 1)))


def compose_deck(deck: Deck, deck_dir: Path, brand: Brand, locale: str, phrases: Phrases) -> DeckScene:
    """Compose every slide of (localised) *deck* for *locale* in *brand*, with deckgen's *phrases*."""
    return Composer(deck, deck_dir, brand, Formatter(locale), phrases).compose()
