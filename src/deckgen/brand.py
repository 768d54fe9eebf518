"""Brands: a chapter's colours, fonts, logo and links, resolved along ``extends``.

``assets/brands/<id>/brand.yaml`` holds a brand; a chapter brand ``extends`` the
community brand and overrides only what differs (mappings merge key by key).
Font files are looked up under ``assets/fonts/``, logos beside ``brand.yaml``.
Every problem names the file and line it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from .errors import BrandError, Location, Problem, display_path
from .load import Path_, read_yaml, validation_problems
from .markup import LinkStyle
from .model import HEX_COLOR_RE, SLIDE_ID_RE, Model
from .paths import confine, outside_message

BRANDS_DIR = Path("assets") / "brands"
FONTS_DIR = Path("assets") / "fonts"
STYLES = ("regular", "bold", "italic", "bold_italic")

HexColor = Field(pattern=HEX_COLOR_RE, description="a colour written #RRGGBB, e.g. #0B4F6C")


class Colors(Model):
    primary: str = HexColor
    secondary: str = HexColor
    accent: str = HexColor
    text: str = HexColor
    background: str = HexColor
    muted: str | None = Field(default=None, pattern=HEX_COLOR_RE, description="Secondary text; default: text.")
    link: str | None = Field(default=None, pattern=HEX_COLOR_RE, description="Link colour; default: primary.")
    on_primary: str = Field(default="#FFFFFF", pattern=HEX_COLOR_RE, description="Text on primary backgrounds.")
    scrim: str | None = Field(default=None, pattern=HEX_COLOR_RE,
                              description="Laid over a background image of a title or section slide so its "
                                          "text keeps its contrast; default: the slide's own colour.")
    scrim_light: str | None = Field(default=None, pattern=HEX_COLOR_RE,
                                    description="Laid over a background image of a statement slide (dark text); "
                                                "default: background.")
    scrim_opacity: float = Field(default=0.8, ge=0.5, le=1.0,
                                 description="How opaque the scrim is, from 0.5 to 1 (1 hides the image).")


class FontFamily(Model):
    family: str = Field(description="Family name, as PowerPoint and CSS will name it.")
    regular: str | None = None
    bold: str | None = None
    italic: str | None = None
    bold_italic: str | None = None


class Fonts(Model):
    heading: FontFamily
    body: FontFamily


class Logo(Model):
    png: str | None = Field(default=None, description="Logo for dark backgrounds (the title slide), PNG.")
    svg: str | None = Field(default=None, description="The same as SVG (the PDF prefers it).")
    png_on_light: str | None = Field(default=None, description="Logo for light backgrounds (content slides), PNG.")
    svg_on_light: str | None = Field(default=None, description="The same as SVG.")


class Social(Model):
    hashtag_url: str = "https://twitter.com/hashtag/{tag}"
    handle_url: str = "https://twitter.com/{handle}"


class Template(Model):
    """A chapter's own PowerPoint template and which of its layouts each slide kind uses."""

    file: str = Field(description="A 16:9 .pptx beside brand.yaml.")
    layouts: dict[str, str] = Field(
        default_factory=dict,
        description="Slide kind (title, section, bullets, …, or 'default') → layout name in the template.")


class BrandSpec(Model):
    id: str = Field(pattern=SLIDE_ID_RE)
    extends: str | None = Field(default=None, pattern=SLIDE_ID_RE)
    name: str
    hashtag: str = Field(pattern=r"^#\w+$")
    handle: str | None = Field(default=None, pattern=r"^@\w{1,30}$")
    website: str | None = None
    email: str | None = None
    colors: Colors
    fonts: Fonts
    logo: Logo = Field(default_factory=Logo)
    footer: str = Field(default="{hashtag}", description="Footer text; {hashtag}, {handle}, {website}, {name}.")
    social: Social = Field(default_factory=Social)
    languages: list[str] = Field(default_factory=list,
                                 description="The chapter's languages, built by 'deckgen build --chapter'.")
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$",
                                description="The chapter's country (ISO 3166-1, e.g. GB): its region tags the "
                                            "language of decks in one of the country's official languages "
                                            "(en-GB for proofing).")
    template: Template | None = None


@dataclass(frozen=True)
class FontFiles:
    """A resolved font family: the name and the file of each style."""

    family: str
    files: dict[str, Path]

    def file(self, bold: bool = False, italic: bool = False) -> Path:
        """The file for a style, falling back to the nearest available one."""
        want = {(False, False): "regular", (True, False): "bold",
                (False, True): "italic", (True, True): "bold_italic"}[(bold, italic)]
        order = {"regular": ["regular", "bold"], "bold": ["bold", "regular"],
                 "italic": ["italic", "regular", "bold_italic", "bold"],
                 "bold_italic": ["bold_italic", "bold", "italic", "regular"]}[want]
        for style in order:
            if style in self.files:
                return self.files[style]
        return next(iter(self.files.values()))


@dataclass(frozen=True)
class Brand:
    """A fully resolved brand, ready for the renderers."""

    spec: BrandSpec
    directory: Path
    chain: tuple[str, ...]
    heading: FontFiles
    body: FontFiles
    logos: dict[str, Path]  # png, svg, png_on_light, svg_on_light (those the brand has)
    files: tuple[Path, ...]  # every file the brand reads (for rebuild checks)
    template: Path | None = None
    template_layouts: tuple[tuple[str, str], ...] = ()
    locations: tuple[tuple[tuple[object, ...], Location], ...] = ()

    def location(self, *path: object) -> Location | None:
        """Where a brand value was set (file and line), for messages."""
        return dict(self.locations).get(tuple(path))

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def logo_png(self) -> Path | None:
        """The logo for dark backgrounds, as PNG."""
        return self.logos.get("png")

    @property
    def logo_svg(self) -> Path | None:
        """The logo for dark backgrounds, as SVG."""
        return self.logos.get("svg")

    @property
    def colors(self) -> Colors:
        return self.spec.colors

    @property
    def links(self) -> LinkStyle:
        return LinkStyle(self.spec.social.hashtag_url, self.spec.social.handle_url)

    def color(self, role: str) -> str:
        """The hex colour of a role (``primary``, ``muted``, ``link``, …), defaults applied."""
        c = self.spec.colors
        if role == "muted":
            return c.muted or c.text
        if role == "link":
            return c.link or c.primary
        return str(getattr(c, role))

    def footer_text(self) -> str:
        s = self.spec
        return s.footer.format(hashtag=s.hashtag, handle=s.handle or "", website=s.website or "", name=s.name)


def _merge(base: dict[str, Any], over: dict[str, Any], base_pos: dict[Path_, Location],
           over_pos: dict[Path_, Location], path: Path_ = ()) -> tuple[dict[str, Any], dict[Path_, Location]]:
    out = dict(base)
    pos = {k: v for k, v in base_pos.items()}
    for key, value in over.items():
        p = path + (key,)
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key], pos = _merge(out[key], value, pos, over_pos, p)
        else:
            out[key] = value
            for k in [k for k in pos if k[: len(p)] == p]:
                del pos[k]
        pos.update({k: v for k, v in over_pos.items() if k[: len(p)] == p})
    return out, pos


def brand_dirs(project: Path) -> list[Path]:
    """Where brands are looked up: the project's ``assets/brands``."""
    return [project / BRANDS_DIR]


def _find(brand_id: str, project: Path) -> Path | None:
    for d in brand_dirs(project):
        f = d / brand_id / "brand.yaml"
        if f.is_file():
            return f
    return None


def known_brands(project: Path) -> list[str]:
    """Ids of every brand of the project."""
    return sorted({p.parent.name for d in brand_dirs(project) if d.is_dir() for p in d.glob("*/brand.yaml")})


def _read(brand_id: str, project: Path, seen: tuple[str, ...], referrer: Location | None
          ) -> tuple[dict[str, Any], dict[Path_, Location], list[Path], tuple[str, ...]]:
    file = _find(brand_id, project)
    if file is None:
        known = ", ".join(known_brands(project)) or "none"
        raise BrandError(f"unknown brand '{brand_id}'; brands in {BRANDS_DIR}/: {known}", referrer)
    where = display_path(file)
    confine(file, project, "the project", BrandError, referrer)
    data, positions = read_yaml(file, BrandError, max_bytes=256 * 1024)
    locs = {k: Location(where, *v) for k, v in positions.items()}
    data.setdefault("id", brand_id)
    if data["id"] != brand_id:
        raise BrandError(f"id '{data['id']}' does not match the folder name '{brand_id}'", locs.get(("id",)))
    # files beside brand.yaml: resolve relative to this file
    if isinstance(data.get("logo"), dict):
        data["logo"] = {k: str(file.parent / v) if isinstance(v, str) else v for k, v in data["logo"].items()}
    if isinstance(data.get("template"), dict) and isinstance(data["template"].get("file"), str):
        data["template"] = {**data["template"], "file": str(file.parent / data["template"]["file"])}
    parent = data.get("extends")
    chain = seen + (brand_id,)
    if isinstance(parent, str):
        if parent in chain:
            cycle = " → ".join(chain + (parent,))
            raise BrandError(f"'extends' makes a cycle: {cycle}; remove one 'extends'", locs.get(("extends",)))
        pdata, ppos, pfiles, pchain = _read(parent, project, chain, locs.get(("extends",)))
        merged, mpos = _merge(pdata, data, ppos, locs)
        return merged, mpos, pfiles + [file], pchain
    return data, locs, [file], chain


def _font_problem(path: Path) -> str | None:
    """Why the font at *path* cannot be used for measuring text, or None (read once, then cached)."""
    from .measure import load_metrics

    try:
        load_metrics(str(path))
    except Exception as exc:  # noqa: BLE001 - fontTools raises many kinds for a file that is no font
        return (f"is not a TrueType or OpenType font ({type(exc).__name__}); "
                "use the .ttf or .otf file of the font family")
    return None


def load_brand(brand_id: str, project: Path, referrer: Location | None = None) -> Brand:
    """Resolve brand *brand_id* of *project* along its ``extends`` chain."""
    data, locs, files, chain = _read(brand_id, project, (), referrer)
    data["id"] = brand_id
    data.pop("extends", None)
    try:
        spec = BrandSpec.model_validate(data)
    except ValidationError as exc:
        top = Location(display_path(files[-1]), 1, 1)
        raise BrandError(validation_problems(exc, data, {(): top, **locs}, "", BrandSpec)) from None
    problems: list[Problem] = []
    fonts_root = project / FONTS_DIR

    def font_family(role: str) -> FontFiles:
        fam: FontFamily = getattr(spec.fonts, role)
        found: dict[str, Path] = {}
        for style in STYLES:
            name = getattr(fam, style)
            if name is None:
                continue
            path = fonts_root / name
            where = locs.get(("fonts", role, style))
            outside = outside_message(path, project, "the project")  # '../../../etc/passwd' (issue 12, B13)
            if outside is not None:
                problems.append(Problem(f"font file '{name}': {outside}", where))
            elif not path.is_file():
                problems.append(Problem(
                    f"font file '{name}' for {role} {style.replace('_', ' ')} not found in {FONTS_DIR}/; "
                    "add the file or fix the path", where))
            elif (unreadable := _font_problem(path)) is not None:
                problems.append(Problem(f"font file '{name}' {unreadable}", where))
            else:
                found[style] = path
        if not found and not any(getattr(fam, s) for s in STYLES):
            problems.append(Problem(f"fonts.{role} names no font file; give at least 'regular' or 'bold'",
                                    locs.get(("fonts", role))))
        return FontFiles(fam.family, found)

    heading, body = font_family("heading"), font_family("body")
    logos: dict[str, Path] = {}
    for kind in ("png", "svg", "png_on_light", "svg_on_light"):
        name = getattr(spec.logo, kind)
        if name is None:
            continue
        path = Path(name)
        suffix = "." + kind.split("_")[0]
        outside = outside_message(path, project, "the project")  # an absolute path elsewhere (issue 12, B14)
        if outside is not None:
            problems.append(Problem(f"logo.{kind}: {outside}", locs.get(("logo", kind))))
        elif not path.is_file():
            problems.append(Problem(f"logo file '{path.name}' not found beside brand.yaml",
                                    locs.get(("logo", kind))))
        elif path.suffix.lower() != suffix:
            problems.append(Problem(f"logo.{kind} must be a {suffix} file", locs.get(("logo", kind))))
        else:
            logos[kind] = path
    for svg, png in (("svg", "png"), ("svg_on_light", "png_on_light")):
        if getattr(spec.logo, svg) and not getattr(spec.logo, png):
            problems.append(Problem(f"logo.{svg} needs logo.{png} too: the PPTX needs a raster logo "
                                    "(export the SVG as a PNG at 2-3x its size)", locs.get(("logo", svg))))
    template = None
    if spec.template is not None:
        template = Path(spec.template.file)
        outside = outside_message(template, project, "the project")
        if outside is not None:
            problems.append(Problem(f"template.file: {outside}", locs.get(("template", "file"))))
        elif template.suffix.lower() != ".pptx":
            problems.append(Problem("template.file must be a .pptx file (save a .potx as .pptx in PowerPoint)",
                                    locs.get(("template", "file"))))
        elif not template.is_file():
            problems.append(Problem(f"template file '{template.name}' not found beside brand.yaml",
                                    locs.get(("template", "file"))))
    for i, lang in enumerate(spec.languages):
        try:
            from babel import Locale, UnknownLocaleError

            Locale.parse(lang)
        except (UnknownLocaleError, ValueError):
            problems.append(Problem(f"unknown language '{lang}'; use codes such as fr, de, el",
                                    locs.get(("languages", i)) or locs.get(("languages",))))
    if spec.country is not None:
        from babel.core import get_global

        if spec.country not in get_global("territory_languages"):
            problems.append(Problem(f"unknown country '{spec.country}'; use an ISO 3166-1 code such as GB, CH, "
                                    "DE", locs.get(("country",))))
    if problems:
        raise BrandError(problems)
    used = files + list(heading.files.values()) + list(body.files.values())
    used += list(logos.values()) + ([template] if template else [])
    return Brand(spec, files[-1].parent, chain, heading, body, logos, tuple(used), template,
                 tuple(spec.template.layouts.items()) if spec.template else (),
                 tuple((k, v) for k, v in locs.items() if isinstance(v, Location)))
