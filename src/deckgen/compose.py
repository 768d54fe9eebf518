"""Lay out each slide: localised deck + brand → positioned frames.

The :class:`Composer` holds what every kind shares: the page geometry, the header,
footer and logo, text frames and their fitting.  Each kind's own layout (positions,
sizes, colours) is its ``compose`` function in :mod:`deckgen.kinds`; the Composer
dispatches to it.  Both renderers only draw what comes back, which is what keeps
the PPTX and the PDF alike.  deckgen's own words (``today!``, the wording of a
recurring rule) come from the layout ``phrases.j2``, translated by deckgen's own
catalogs (:mod:`deckgen.phrasebook`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PIL import Image

from .contrast import hex_mix  # noqa: F401 (the kinds take their tints from here)
from .formatting import Formatter, escape_markup
from .markup import LinkStyle, Run, parse, plain_text
from .measure import Piece, load_metrics, widest_word, wrap_lines
from .scene import (
    LINE_HEIGHT,
    PAGE_H,
    PAGE_W,
    Box,
    DeckScene,
    Frame,
    ImageFrame,
    Paragraph,
    QrFrame,
    ShapeFrame,
    SlideScene,
    TextFrame,
    title_first,
)

if TYPE_CHECKING:  # imported for types only: the model loads the kinds, which import this module
    from .brand import Brand
    from .model import Deck, SlideBase

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

    def closing(self, text: str, y: float, h: float, size: float = 20, align: str = "left") -> TextFrame:
        """The closing line under a slide's body: one bold line in the secondary colour."""
        return self.text("closing", Box(MX, y, CONTENT_W, h),
                         [self.para(text, size, self.c("secondary"), bold=True, align=align)], field="closing")

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
        placed = contain(box, w, h, align="right")
        svg = self.brand.logos.get("svg" + suffix)
        # The PDF takes the SVG only where the PNG would look soft: WeasyPrint draws an SVG
        # again on every page (about a tenth of a slide's PDF time), an image once per file.
        sharp = w / (placed.w / 72) >= LOGO_PNG_MIN_DPI
        return [ImageFrame("logo", placed, str(png), self.brand.spec.name,
                           role="logo", vector=str(svg) if svg and not sharp else None)]

    def backdrop(self, file: str, scrim: str) -> list[Frame]:
        """A background picture (*file* beside deck.yaml) covering the page, under a scrim of colour *scrim*.

        The scrim's opacity is the brand's (``colors.scrim_opacity``); the contrast check takes the
        text to sit on the scrim over black and over white, whatever the picture shows.
        """
        page = Box(0, 0, PAGE_W, PAGE_H)
        return [ImageFrame("background", page, str(self.deck_dir / file), "", role="background", cover=True),
                ShapeFrame("scrim", page, "rect", scrim, opacity=self.brand.spec.colors.scrim_opacity)]

    def qr(self, name: str, url: str, box: Box) -> QrFrame:
        """A QR code of *url* filling the square *box* (quiet zone included): the brand's dark colour on a
        light plate (its background colour). The dark colour is the primary when it is dark enough for
        a scanner (7:1 on the plate), else the text colour."""
        import segno

        from .contrast import ratio

        code = segno.make(url, error="m", micro=False)
        rows = tuple("".join("1" if v else "0" for v in row) for row in code.matrix)
        light = self.c("background")
        dark = self.c("primary") if ratio(self.c("primary"), light) >= 7 else self.c("text")
        return QrFrame(name, box, rows, dark, light, url)

    # --- kinds ---------------------------------------------------------------------
    def compose(self) -> DeckScene:
        total = len(self.deck.slides)
        return self.scene([self.slide(slide, i, total) for i, slide in enumerate(self.deck.slides, start=1)])

    def slide(self, slide: SlideBase, number: int, total: int) -> SlideScene:
        """Compose *slide*, the *number*-th of *total* (``deckgen serve`` composes only the slides that changed)."""
        from .kinds import kind  # here: the kinds import this module

        background, frames, title = kind(slide.kind).compose(self, slide)
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


def contain(box: Box, w: int, h: int, align: str = "center") -> Box:
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


def widest_ratio(frame: TextFrame, brand: Brand, scale: float) -> float:
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
                return frame.fitted(scale, frame.box.h, overflow=widest_ratio(frame, brand, scale) - 1)
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
