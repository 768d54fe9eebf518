"""Draw the #hcsmeu wordmark logo of every brand, and check the brands' colour contrast.

Every brand under ``assets/brands/<id>/brand.yaml`` gets a logo drawn in its own
colours (the brand's ``extends`` chain is followed, mappings merged key by key,
the way ``deckgen.brand`` does it):

* the mark: a rounded speech bubble in the brand's ``accent`` colour, its tail at
  the bottom left, holding a "health" plus made of two rounded bars in the brand's
  ``secondary`` colour;
* the wordmark "#hcsmeu" (the community brand's hashtag), set in Noto Sans Display
  Bold;
* for a chapter, its code ("fr", "uk", …: the chapter hashtag without "#hcsmeu")
  set smaller and lowered like a subscript.

Two variants are written beside each ``brand.yaml``:

* ``logo.svg`` / ``logo.png``: the light version, for dark backgrounds (the title
  slide's ``primary``): wordmark in ``on_primary`` (white), chapter code in
  ``accent``.  This is the one ``brand.yaml`` names under ``logo``.
* ``logo-dark.svg`` / ``logo-dark.png``: the same logo for light backgrounds:
  wordmark in ``primary``, chapter code in ``secondary``.

The SVG uses shapes and paths only, no ``<text>``: the letters are the font's
glyph outlines, converted with fontTools' ``SVGPathPen``, so the file does not
depend on any installed font.  The PNG is drawn with Pillow from the same font
file and the same geometry, at 3x the SVG's size (180 px high, about 520-600 px
wide) on a transparent background; everything is drawn 4x larger again and
downscaled for anti-aliasing.  All logos share one height and one type size, so a
chapter's logo is only wider than the community's by its code.  No kerning is
applied (in either format), so both place every glyph identically.

The output is deterministic: no timestamps or metadata (PNG written with
``optimize=True`` and no text chunks), numbers rounded to two decimals, so
rerunning the script gives the same bytes.  It fails if a PNG reaches 40 KB or an
SVG 60 KB.

``--check-contrast`` draws nothing: it prints, for every brand, the WCAG 2
contrast ratios of the colour pairs the slides use and exits with status 1 if
any is below its minimum (4.5:1 for normal text, 3:1 for large text, that is
text of 18 pt or more, or 14 pt bold).

Rerun from the repository root with::

    .venv/bin/python tools/make_logos.py                   # (re)draw every logo
    .venv/bin/python tools/make_logos.py fr de             # only these brands
    .venv/bin/python tools/make_logos.py --check-contrast  # check every brand
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont
from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parent.parent
BRANDS_DIR = REPO_ROOT / "assets" / "brands"
FONT_FILE = REPO_ROOT / "assets" / "fonts" / "noto" / "NotoSansDisplay-Bold.ttf"

MAX_PNG_BYTES = 40 * 1024
MAX_SVG_BYTES = 60 * 1024

# Defaults of the optional colour roles, as in deckgen.brand.Colors / Brand.color.
DEFAULT_ON_PRIMARY = "#FFFFFF"

# Geometry, in SVG user units (the PNG is PNG_SCALE times larger).  The logo is
# HEIGHT high; the community logo is about 175 wide, a chapter logo at most 200,
# so every logo fits the title slide's 200 x 60 pt logo box at full height.
HEIGHT = 60
PAD = 4  # clearance at the left and right edge
BASELINE = 39.5  # of the wordmark
WORD_SIZE = 30  # type size of "#hcsmeu"
CODE_SIZE = 18  # type size of the chapter code
CODE_DROP = 6  # the chapter code's baseline sits this much below the wordmark's
CODE_GAP = 1.5  # between the wordmark and the chapter code
# The speech bubble: a rounded rectangle sitting on the wordmark's baseline, with
# a tail at its bottom left; the plus is centred in the rectangle.
BUBBLE_W, BUBBLE_H, BUBBLE_R = 30.0, 27.0, 8.0
TAIL = ((4.0, -2.0), (13.0, -2.0), (3.0, 7.5))  # from the bubble's bottom-left corner
PLUS_LEN, PLUS_BAR = 17.0, 6.0  # arm length (end to end) and bar thickness
MARK_GAP = 6.5  # between the bubble and the wordmark

PNG_SCALE = 3  # the PNG's pixels per SVG unit
SUPERSAMPLE = 4  # drawn this much larger, then downscaled


# --- brands -------------------------------------------------------------------------


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def read_brand(brand_id: str, seen: tuple[str, ...] = ()) -> dict[str, Any]:
    """The brand's data with its ``extends`` chain merged in (and ``chain`` added)."""
    if brand_id in seen:
        raise SystemExit(f"brand '{brand_id}': 'extends' makes a cycle: {' → '.join(seen + (brand_id,))}")
    file = BRANDS_DIR / brand_id / "brand.yaml"
    data = YAML(typ="safe").load(file.read_text(encoding="utf-8")) or {}
    parent = data.pop("extends", None)
    if parent:
        base = read_brand(parent, seen + (brand_id,))
        merged = _merge(base, data)
        merged["chain"] = base["chain"] + [brand_id]
        return merged
    data["chain"] = [brand_id]
    return data


def all_brands() -> list[str]:
    return sorted(p.parent.name for p in BRANDS_DIR.glob("*/brand.yaml"))


@dataclass(frozen=True)
class Palette:
    primary: str
    secondary: str
    accent: str
    text: str
    background: str
    muted: str
    link: str
    on_primary: str

    @classmethod
    def of(cls, data: dict[str, Any]) -> Palette:
        c = data["colors"]
        return cls(primary=c["primary"], secondary=c["secondary"], accent=c["accent"], text=c["text"],
                   background=c["background"], muted=c.get("muted") or c["text"],
                   link=c.get("link") or c["primary"], on_primary=c.get("on_primary") or DEFAULT_ON_PRIMARY)


# --- contrast ---------------------------------------------------------------------------


def luminance(color: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB``."""
    channels = [int(color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# (foreground role, background role, minimum ratio, where the slides use the pair)
CONTRAST_PAIRS = (
    ("on_primary", "primary", 4.5, "title slide text"),
    ("on_primary", "secondary", 4.5, "section slide text, footer"),
    ("text", "background", 4.5, "body text"),
    ("link", "background", 4.5, "links"),
    ("muted", "background", 4.5, "small text, footer"),
    ("accent", "primary", 3.0, "title slide event and hashtag (large bold)"),
    ("secondary", "background", 3.0, "closing lines (20 pt bold), bullets"),
)


def check_contrast(brand_ids: list[str]) -> int:
    failures = 0
    for brand_id in brand_ids:
        pal = Palette.of(read_brand(brand_id))
        print(f"{brand_id}: primary {pal.primary}, secondary {pal.secondary}, accent {pal.accent}, "
              f"text {pal.text}, muted {pal.muted}, link {pal.link}, background {pal.background}, "
              f"on_primary {pal.on_primary}")
        for fg, bg, minimum, use in CONTRAST_PAIRS:
            ratio = contrast(getattr(pal, fg), getattr(pal, bg))
            ok = ratio >= minimum
            failures += not ok
            print(f"  {'ok  ' if ok else 'FAIL'} {fg:>10} on {bg:<10} {ratio:5.2f}:1  (≥ {minimum}:1; {use})")
    if failures:
        print(f"{failures} colour pair(s) below the minimum contrast", file=sys.stderr)
        return 1
    print("every colour pair has enough contrast")
    return 0


# --- drawing --------------------------------------------------------------------------


def _num(v: float) -> str:
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


@dataclass(frozen=True)
class Run:
    """A piece of text: its glyph origins (x, in user units), baseline and size."""

    text: str
    x: float
    baseline: float
    size: float
    role: str  # "word" or "code"


class Logo:
    def __init__(self, font: TTFont, word: str, code: str):
        self.font = font
        self.cmap = font.getBestCmap()
        self.hmtx = font["hmtx"]
        self.upm = font["head"].unitsPerEm
        self.glyphs = font.getGlyphSet()
        x = PAD + BUBBLE_W + MARK_GAP
        self.runs = [Run(word, x, BASELINE, WORD_SIZE, "word")]
        x += self.advance(word, WORD_SIZE)
        if code:
            x += CODE_GAP
            self.runs.append(Run(code, x, BASELINE + CODE_DROP, CODE_SIZE, "code"))
            x += self.advance(code, CODE_SIZE)
        self.width = int(-(-(x + PAD) // 1))  # whole units, so the PNG is a whole number of pixels

    def advance(self, text: str, size: float) -> float:
        return sum(self.hmtx[self.cmap[ord(ch)]][0] for ch in text) * size / self.upm

    def origins(self, run: Run) -> list[tuple[str, float]]:
        out, x = [], run.x
        for ch in run.text:
            out.append((ch, x))
            x += self.hmtx[self.cmap[ord(ch)]][0] * run.size / self.upm
        return out

    # The mark: the bubble (x, y, w, h), its tail polygon and the two bars of the plus.
    def bubble(self) -> tuple[float, float, float, float]:
        return PAD, BASELINE - BUBBLE_H, BUBBLE_W, BUBBLE_H

    def tail(self) -> list[tuple[float, float]]:
        bx, by, _, bh = self.bubble()
        return [(bx + dx, by + bh + dy) for dx, dy in TAIL]

    def plus(self) -> list[tuple[float, float, float, float]]:
        bx, by, bw, bh = self.bubble()
        cx, cy = bx + bw / 2, by + bh / 2
        return [(cx - PLUS_BAR / 2, cy - PLUS_LEN / 2, PLUS_BAR, PLUS_LEN),
                (cx - PLUS_LEN / 2, cy - PLUS_BAR / 2, PLUS_LEN, PLUS_BAR)]

    # --- SVG ---
    def svg(self, colors: dict[str, str], title: str) -> str:
        bx, by, bw, bh = self.bubble()
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width}" height="{HEIGHT}" '
            f'viewBox="0 0 {self.width} {HEIGHT}" role="img">',
            f"<title>{_xml(title)}</title>",
            f'<g fill="{colors["bubble"]}"><rect x="{_num(bx)}" y="{_num(by)}" width="{_num(bw)}" '
            f'height="{_num(bh)}" rx="{_num(BUBBLE_R)}"/>'
            f'<path d="M{" L".join(f"{_num(x)} {_num(y)}" for x, y in self.tail())}Z"/></g>',
            f'<g fill="{colors["plus"]}">' + "".join(
                f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" rx="{_num(PLUS_BAR / 2)}"/>'
                for x, y, w, h in self.plus()) + "</g>",
        ]
        for run in self.runs:
            d = []
            for ch, x in self.origins(run):
                pen = SVGPathPen(self.glyphs, ntos=_num)
                s = run.size / self.upm
                self.glyphs[self.cmap[ord(ch)]].draw(TransformPen(pen, (s, 0, 0, -s, x, run.baseline)))
                d.append(pen.getCommands())
            parts.append(f'<path fill="{colors[run.role]}" d="{"".join(d)}"/>')
        parts.append("</svg>")
        return "\n".join(parts) + "\n"

    # --- PNG ---
    def png(self, colors: dict[str, str]) -> Image.Image:
        k = PNG_SCALE * SUPERSAMPLE
        im = Image.new("RGBA", (self.width * k, HEIGHT * k), (0, 0, 0, 0))
        draw = ImageDraw.Draw(im)
        bx, by, bw, bh = self.bubble()
        draw.rounded_rectangle([bx * k, by * k, (bx + bw) * k - 1, (by + bh) * k - 1], radius=BUBBLE_R * k,
                               fill=colors["bubble"])
        draw.polygon([(x * k, y * k) for x, y in self.tail()], fill=colors["bubble"])
        for x, y, w, h in self.plus():
            draw.rounded_rectangle([x * k, y * k, (x + w) * k - 1, (y + h) * k - 1], radius=PLUS_BAR / 2 * k,
                                   fill=colors["plus"])
        for run in self.runs:
            font = ImageFont.truetype(str(FONT_FILE), size=round(run.size * k),
                                      layout_engine=ImageFont.Layout.BASIC)
            for ch, x in self.origins(run):
                draw.text((x * k, run.baseline * k), ch, font=font, fill=colors[run.role], anchor="ls")
        # Downscale with premultiplied alpha, so that edges keep their colour.
        small = im.convert("RGBa").resize((self.width * PNG_SCALE, HEIGHT * PNG_SCALE), Image.Resampling.LANCZOS)
        return small.convert("RGBA")


def _xml(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_logos(brand_ids: list[str]) -> int:
    font = TTFont(FONT_FILE)
    problems = 0
    for brand_id in brand_ids:
        data = read_brand(brand_id)
        pal = Palette.of(data)
        root = read_brand(data["chain"][0])
        word = root["hashtag"]
        code = data["hashtag"][len(word):] if data["hashtag"].startswith(word) else brand_id
        if len(data["chain"]) == 1:
            code = ""
        logo = Logo(font, word, code)
        variants = {
            "logo": {"bubble": pal.accent, "plus": pal.secondary, "word": pal.on_primary, "code": pal.accent},
            "logo-dark": {"bubble": pal.accent, "plus": pal.secondary, "word": pal.primary, "code": pal.secondary},
        }
        out_dir = BRANDS_DIR / brand_id
        for name, colors in variants.items():
            svg_path, png_path = out_dir / f"{name}.svg", out_dir / f"{name}.png"
            svg_path.write_text(logo.svg(colors, data["name"]), encoding="utf-8", newline="\n")
            logo.png(colors).save(png_path, optimize=True)
            for path, limit in ((svg_path, MAX_SVG_BYTES), (png_path, MAX_PNG_BYTES)):
                size = path.stat().st_size
                flag = "" if size < limit else f"  TOO LARGE (limit {limit} bytes)"
                problems += bool(flag)
                print(f"wrote {path.relative_to(REPO_ROOT)} ({size} bytes){flag}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("brands", nargs="*", help="brand ids (default: every brand under assets/brands/)")
    parser.add_argument("--check-contrast", action="store_true",
                        help="print the WCAG contrast ratios of every brand's colour pairs; exit 1 on a failure")
    args = parser.parse_args(argv)
    known = all_brands()
    unknown = [b for b in args.brands if b not in known]
    if unknown:
        parser.error(f"unknown brand(s) {', '.join(unknown)}; brands: {', '.join(known)}")
    brands = args.brands or known
    return check_contrast(brands) if args.check_contrast else make_logos(brands)


if __name__ == "__main__":
    sys.exit(main())
