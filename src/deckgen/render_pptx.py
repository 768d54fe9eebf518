"""Draw a :class:`~deckgen.scene.DeckScene` as an editable PPTX (python-pptx); return the bytes.

The presentation starts from a 16:9 template whose master carries the brand's
theme colours and fonts, so what a presenter adds in PowerPoint is on-brand too.
Titles go into title placeholders (outline and accessibility views list them);
everything else is native, editable text boxes and shapes at the scene's
positions, with explicit font sizes.  Raw XML edits are kept to the few things
python-pptx has no API for, each in a small function below.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from copy import deepcopy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.exc import PackageNotFoundError
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn
from pptx.parts.slide import SlidePart
from pptx.shapes.picture import Picture
from pptx.util import Emu

from .errors import Location, Problem
from .markup import Run
from .pptx_template import TemplateError, keep_needed_parts, open_template
from .scene import Box, ChartFrame, DeckScene, ImageFrame, Paragraph, QrFrame, ShapeFrame, SlideScene, TableFrame, TextFrame

EMU_PER_PT = 12700
SLIDE_W, SLIDE_H = Emu(12192000), Emu(6858000)
#: the id of the slide-number fields (any GUID; PowerPoint uses one per field type)
FIELD_ID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
#: slide kind -> layout of the default template; "default" is every other kind
DEFAULT_BINDINGS = {"title": "Title Slide", "section": "Section Header", "default": "Title Only"}
KEEP_LAYOUTS = ("Title Slide", "Title Only", "Section Header", "Blank")
TITLE_TYPES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)


@dataclass(frozen=True)
class PptxTemplate:
    """A chapter's own .pptx and the layout each slide kind uses."""

    path: Path
    bindings: tuple[tuple[str, str], ...] = ()

    def layout_for(self, kind: str) -> str:
        b = dict(self.bindings)
        return b.get(kind) or b.get("default") or DEFAULT_BINDINGS.get(kind) or DEFAULT_BINDINGS["default"]


def _describe_layouts(prs) -> str:
    parts = []
    for lay in prs.slide_layouts:
        kinds = ", ".join(sorted({str(ph.placeholder_format.type).split(".")[-1].split(" ")[0].lower()
                                  for ph in lay.placeholders})) or "no placeholders"
        parts.append(f"'{lay.name}' ({kinds})")
    return "; ".join(parts)


def check_template(template: PptxTemplate, kinds: Iterable[str], where: Location | None) -> list[Problem]:
    """Problems with a chapter template, found before anything is built (never a repair dialog)."""
    try:
        prs = open_template(template.path)
    except TemplateError as exc:  # a zip bomb, or not a zip at all (issue 12, B15)
        return [Problem(str(exc), where)]
    except PackageNotFoundError:
        return [Problem(f"the template {template.path.name} is not a PowerPoint file (not a .pptx package); "
                        "save it again from PowerPoint as .pptx", where)]
    except Exception as exc:  # python-pptx raises several kinds for a broken package
        return [Problem(f"cannot open the template {template.path.name}: {exc}; save it again as .pptx", where)]
    problems = []
    if (prs.slide_width, prs.slide_height) != (SLIDE_W, SLIDE_H):
        w, h = prs.slide_width / 914400, prs.slide_height / 914400
        problems.append(Problem(f"the template {template.path.name} is {w:.2f} × {h:.2f} in; deckgen needs a "
                                "16:9 template of 13.333 × 7.5 in (Design → Slide Size → Widescreen)", where))
    layouts = {lay.name: lay for lay in prs.slide_layouts}
    by_layout: dict[str, list[str]] = {}
    for kind in sorted(set(kinds)):
        by_layout.setdefault(template.layout_for(kind), []).append(kind)
    for name, bound in by_layout.items():
        which = ", ".join(f"'{k}'" for k in bound) if len(bound) <= 3 else f"{len(bound)} kinds"
        layout = layouts.get(name)
        if layout is None:
            problems.append(Problem(f"slide kind {which} is bound to layout '{name}', which the template "
                                    f"{template.path.name} does not have; its layouts are: "
                                    f"{_describe_layouts(prs)}", where))
        elif not any(ph.placeholder_format.type in TITLE_TYPES for ph in layout.placeholders):
            problems.append(Problem(f"layout '{name}' (for {which}) has no title placeholder, so "
                                    "slide titles would be missing from the outline; bind a layout with a title: "
                                    f"{_describe_layouts(prs)}", where))
    return problems
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
#: Office's extensions: a shape marked decorative (skipped by screen readers), and a link drawn
#: in its run's colour instead of the theme's hyperlink colour
DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
ADEC = "http://schemas.microsoft.com/office/drawing/2017/decorative"
LINK_COLOR_EXT = "{A12FA001-AC4F-418D-AE19-62706E023703}"
AHYP = "http://schemas.microsoft.com/office/drawing/2018/hyperlinkcolor"
#: where the title of a slide that shows none is kept: above the slide, where no program draws it
#: but PowerPoint's outline, its accessibility checker and screen readers find it
OFF_SLIDE_TITLE = (56.0, -80.0, 848.0, 60.0)
#: points added to the width of every text box (see _text_box_geometry)
WRAP_SLACK = 1.0



def emu(points: float) -> Emu:
    return Emu(round(points * EMU_PER_PT))


def _rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color.lstrip("#").upper())


# --- template ------------------------------------------------------------------

def _theme_xml(blob: bytes, scene: DeckScene) -> bytes:
    """The theme with the brand's colour scheme and fonts."""
    root = etree.fromstring(blob)
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    ns = {"a": a}
    root.set("name", "deckgen")
    colors = scene.colors
    scheme = {
        "dk1": colors["text"], "lt1": colors["background"], "dk2": colors["primary"], "lt2": "#F2F4F5",
        "accent1": colors["primary"], "accent2": colors["secondary"], "accent3": colors["accent"],
        "accent4": colors["muted"], "accent5": colors["link"], "accent6": colors["secondary"],
        "hlink": colors["link"], "folHlink": colors["link"],
    }
    clr = root.find(".//a:clrScheme", ns)
    clr.set("name", "deckgen")
    for name, value in scheme.items():
        el = clr.find(f"a:{name}", ns)
        for child in list(el):
            el.remove(child)
        etree.SubElement(el, f"{{{a}}}srgbClr", val=value.lstrip("#").upper())
    fonts = root.find(".//a:fontScheme", ns)
    fonts.set("name", "deckgen")
    for tag, family in (("majorFont", scene.fonts["heading"]), ("minorFont", scene.fonts["body"])):
        latin = fonts.find(f"a:{tag}/a:latin", ns)
        latin.set("typeface", family)
        for extra in fonts.findall(f"a:{tag}/a:font", ns):  # script-specific fallbacks of Office
            extra.getparent().remove(extra)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def widescreen(prs, keep: Iterable[str]):
    """Make python-pptx's 4:3 default presentation 16:9, keeping only the layouts named in *keep*."""
    fx = SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    master = prs.slide_master
    for layout in list(master.slide_layouts):
        if layout.name not in keep:
            master.slide_layouts.remove(layout)
    for part in [master, *master.slide_layouts]:
        for ph in part.placeholders:
            if ph._element.xfrm is not None:  # only placeholders with their own geometry
                ph.left, ph.width = Emu(round(ph.left * fx)), Emu(round(ph.width * fx))
    return prs


@lru_cache(maxsize=8)
def _template_bytes(theme_key: tuple) -> bytes:
    """A 16:9 template with the brand's theme; cached per brand within a process."""
    colors, fonts = dict(theme_key[0]), dict(theme_key[1])
    prs = widescreen(Presentation(), KEEP_LAYOUTS)
    master = prs.slide_master
    master.background.fill.solid()
    master.background.fill.fore_color.rgb = _rgb(colors["background"])
    theme = master.part.part_related_by(RT.THEME)
    fake = DeckScene("", "", "", "", "", "", (), "", (), fonts=fonts, colors=colors)
    theme._blob = _theme_xml(theme.blob, fake)
    buf = io.BytesIO()
    prs.save(buf)
    return buf.getvalue()


# --- text ------------------------------------------------------------------------

_ALGN = {"left": "l", "center": "ctr", "right": "r"}


def _hex(color: str) -> str:
    return color.lstrip("#").upper()


@lru_cache(maxsize=None)
def _qn(tag: str) -> str:
    return qn(tag)


def _sub(parent, tag: str, **attrs: str):
    return etree.SubElement(parent, _qn(tag), attrs)


def _mark_decorative(cnvpr) -> None:
    """Mark a shape decorative (PowerPoint's "Mark as decorative"): screen readers skip it."""
    ext = _sub(_sub(cnvpr, "a:extLst"), "a:ext", uri=DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{ADEC}}}decorative", {"val": "1"}, nsmap={"adec": ADEC})


def _link(props, rel_id: str) -> None:
    """A hyperlink on a run, drawn in the run's own colour (Office's ``hlinkClr``), like the PDF."""
    click = _sub(props, "a:hlinkClick")
    click.set(qn("r:id"), rel_id)
    ext = _sub(_sub(click, "a:extLst"), "a:ext", uri=LINK_COLOR_EXT)
    etree.SubElement(ext, f"{{{AHYP}}}hlinkClr", {"val": "tx"}, nsmap={"ahyp": AHYP})


def _paragraph_xml(txbody, para: Paragraph, frame: TextFrame, first: bool, scene: DeckScene,
                   fonts: dict[str, str], link_id, field: tuple[object, int] | None = None) -> None:
    """One ``a:p``: written as DrawingML directly, since bullets, numbering and per-run language
    have no python-pptx API, and its per-property proxies cost most of the PPTX time."""
    size = frame.size(para)
    p = _sub(txbody, "a:p")
    ppr = _sub(p, "a:pPr", algn=_ALGN[para.align])
    if para.bullet is None:
        ppr.set("marL", "0")
        ppr.set("indent", "0")
    else:
        hang = min(para.indent, 26 if para.bullet != "number" else 40) * frame.scale
        ppr.set("marL", str(emu(para.indent * frame.scale)))
        ppr.set("indent", str(-emu(hang)))
    _sub(_sub(ppr, "a:lnSpc"), "a:spcPts", val=str(round(size * 1.2 * 100)))
    _sub(_sub(ppr, "a:spcBef"), "a:spcPts", val=str(round((0 if first else frame.spacing(para)) * 100)))
    _sub(_sub(ppr, "a:spcAft"), "a:spcPts", val="0")
    if para.bullet is None:
        _sub(ppr, "a:buNone")
    else:
        if para.bullet_color:
            _sub(_sub(ppr, "a:buClr"), "a:srgbClr", val=_hex(para.bullet_color))
        if para.bullet == "number":
            # the paragraph's own font; PowerPoint and LibreOffice give the number the weight of
            # the first run, and so does the PDF (frames.html.j2)
            _sub(ppr, "a:buFont", typeface=fonts[para.font])
            _sub(ppr, "a:buAutoNum", type="arabicPeriod", startAt=str(para.number))
        else:
            _sub(ppr, "a:buFont", typeface=fonts["body"])
            _sub(ppr, "a:buChar", char=para.bullet)
    sz = str(round(size * 100))

    def rpr(parent, bold: bool, italic: bool, color: str) -> object:
        # cap="none": the template's section layout sets all caps
        r = _sub(parent, "a:rPr", lang=scene.language_tag, sz=sz, b="1" if bold else "0",
                 i="1" if italic else "0", cap="none", dirty="0")
        _sub(_sub(r, "a:solidFill"), "a:srgbClr", val=_hex(color))
        _sub(r, "a:latin", typeface=fonts[para.font])
        return r

    for run in para.runs:
        if run.text == "\n":
            rpr(_sub(p, "a:br"), para.bold, para.italic, para.color)
            continue
        r = _sub(p, "a:r")
        color = para.color
        if run.href and frame.role != "title":
            color = frame.link_color
        props = rpr(r, para.bold or run.bold, para.italic or run.italic, color)
        if run.sup or run.sub:
            props.set("baseline", "30000" if run.sup else "-25000")
        if run.href:
            # as in the PDF: links, addresses and e-mails underlined, hashtags and handles not
            props.set("u", "sng" if run.kind in ("link", "url", "email") else "none")
            _link(props, link_id(run.href))
        if field is not None and field[0] == run:
            _slide_number(p, r, run.text, field[1], props)
            continue
        _sub(r, "a:t").text = run.text
    _sub(p, "a:endParaRPr", lang=scene.language_tag, sz=sz, dirty="0")


def _slide_number(p, r, text: str, at: int, props) -> None:
    """Write run *r* (of paragraph *p*) as the text before the slide number at *at*, a ``slidenum``
    field, and the text after: PowerPoint and LibreOffice keep the number right when slides move."""
    number = re.match(r"\d+", text[at:]).group(0)  # type: ignore[union-attr]
    before, after = text[:at], text[at + len(number):]
    if before:
        _sub(r, "a:t").text = before
    else:
        p.remove(r)
    fld = _sub(p, "a:fld", id=FIELD_ID, type="slidenum")
    fld.append(deepcopy(props))
    _sub(fld, "a:t").text = number
    if after:
        rest = _sub(p, "a:r")
        rest.append(deepcopy(props))
        _sub(rest, "a:t").text = after


def _number_at(frame: TextFrame, number: int) -> tuple[object, int] | None:
    """The run of the page-number frame that shows *number*, and where in it (None when none does)."""
    if frame.name != "page-number":
        return None
    for p in frame.paragraphs:
        for run in p.runs:
            m = re.search(rf"(?<!\d){number}(?!\d)", run.text)
            if m:
                return run, m.start()
    return None


def _fill_text(shape, frame: TextFrame, scene: DeckScene, fonts: dict[str, str]) -> None:
    tf = shape.text_frame
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = tf.margin_bottom = 0
    # Middle and bottom anchoring is done by the composer (frame.offset), the same way for the
    # PDF, so both formats put every line at the same height even where LibreOffice or
    # PowerPoint would wrap a line differently from our measure.
    tf.margin_top = emu(frame.offset)
    tf.vertical_anchor = MSO_ANCHOR.TOP
    txbody = tf._txBody
    for p in txbody.findall(qn("a:p")):
        txbody.remove(p)
    _paragraphs(txbody, frame, scene, fonts, shape.part)


def _text_box_geometry(frame) -> Box:
    """The box of a text frame in the PPTX: :data:`WRAP_SLACK` wider than the PDF's, on the side its
    text is aligned away from.

    LibreOffice wraps a line a hair before the box's edge where WeasyPrint fits it: a line
    that just fits in the PDF went onto two lines in the PPTX. The slack is under the width
    of any word, so no line that wraps in the PDF fits in the PPTX instead.
    """
    b = frame.box
    if not isinstance(frame, TextFrame) or not frame.paragraphs:
        return b
    align = frame.paragraphs[0].align
    shift = {"left": 0.0, "center": WRAP_SLACK / 2, "right": WRAP_SLACK}[align]
    return Box(b.x - shift, b.y, b.w + WRAP_SLACK, b.h)


def _place(shape, frame) -> None:
    b = _text_box_geometry(frame)
    shape.left, shape.top, shape.width, shape.height = emu(b.x), emu(b.y), emu(b.w), emu(b.h)


# Text boxes and plain shapes are written as XML directly (python-pptx's add_textbox and
# add_shape search the whole slide for a free shape id and go through a proxy per property:
# most of the PPTX time). The XML is what python-pptx writes, with the properties set.

def _sp(tree, shape_id: int, frame, text_box: bool, decorative: bool = False):
    """A ``p:sp`` at *frame*'s box, appended to the slide's shape *tree*; returns (sp, spPr)."""
    sp = _sub(tree, "p:sp")
    nv = _sub(sp, "p:nvSpPr")
    cnvpr = _sub(nv, "p:cNvPr", id=str(shape_id), name=frame.name)
    if decorative:
        _mark_decorative(cnvpr)
    if text_box:
        _sub(nv, "p:cNvSpPr", txBox="1")
    else:
        _sub(nv, "p:cNvSpPr")
    _sub(nv, "p:nvPr")
    sppr = _sub(sp, "p:spPr")
    xfrm = _sub(sppr, "a:xfrm")
    b = _text_box_geometry(frame) if text_box else frame.box
    _sub(xfrm, "a:off", x=str(emu(b.x)), y=str(emu(b.y)))
    _sub(xfrm, "a:ext", cx=str(emu(b.w)), cy=str(emu(b.h)))
    return sp, sppr


_PRESETS = {"rect": "rect", "roundrect": "roundRect", "ellipse": "ellipse"}


def _shape(tree, shape_id: int, frame: ShapeFrame, decorative: bool) -> None:
    """A filled shape without outline, shadow or text."""
    sp, sppr = _sp(tree, shape_id, frame, text_box=False, decorative=decorative)
    geom = _sub(sppr, "a:prstGeom", prst=_PRESETS[frame.shape])
    av = _sub(geom, "a:avLst")
    if frame.shape == "roundrect":
        adj = min(0.5, 10 / min(frame.box.w, frame.box.h))
        _sub(av, "a:gd", name="adj", fmla=f"val {int(adj * 100000)}")
    color = _sub(_sub(sppr, "a:solidFill"), "a:srgbClr", val=_hex(frame.fill))
    if frame.opacity < 1:  # a scrim: the background picture shows through
        _sub(color, "a:alpha", val=str(round(frame.opacity * 100000)))
    _sub(_sub(sppr, "a:ln"), "a:noFill")
    _sub(sppr, "a:effectLst")
    style = _sub(sp, "p:style")
    # effectRef 0: no theme effect. With python-pptx's idx 2 the theme's shadow applies, and
    # LibreOffice draws it despite the empty effectLst above (python-pptx#446)
    for tag, idx in (("a:lnRef", "1"), ("a:fillRef", "3"), ("a:effectRef", "0")):
        _sub(_sub(style, tag, idx=idx), "a:schemeClr", val="accent1")
    _sub(_sub(style, "a:fontRef", idx="minor"), "a:schemeClr", val="lt1")
    body = _sub(sp, "p:txBody")
    _sub(body, "a:bodyPr", rtlCol="0", anchor="ctr")
    _sub(body, "a:lstStyle")
    _sub(body, "a:p")


def _text_box(tree, shape_id: int, frame: TextFrame, scene: DeckScene, fonts: dict[str, str], part,
              decorative: bool, number: int) -> None:
    sp, sppr = _sp(tree, shape_id, frame, text_box=True, decorative=decorative)
    _sub(_sub(sppr, "a:prstGeom", prst="rect"), "a:avLst")
    _sub(sppr, "a:noFill")
    body = _sub(sp, "p:txBody")
    # anchored at the top: the composer offsets middle and bottom text itself (see _fill_text)
    _sub(_sub(body, "a:bodyPr", wrap="square", lIns="0", rIns="0", bIns="0", tIns=str(emu(frame.offset)),
              anchor="t"), "a:noAutofit")
    _sub(body, "a:lstStyle")
    _paragraphs(body, frame, scene, fonts, part, number)


def _paragraphs(txbody, frame: TextFrame, scene: DeckScene, fonts: dict[str, str], part, number: int = 0) -> None:
    links: dict[str, str] = {}

    def link_id(url: str) -> str:
        if url not in links:
            links[url] = part.relate_to(url, RT.HYPERLINK, is_external=True)
        return links[url]

    field = _number_at(frame, number) if number else None
    for i, para in enumerate(frame.paragraphs):
        _paragraph_xml(txbody, para, frame, i == 0, scene, fonts, link_id, field)
    if not frame.paragraphs:
        _sub(txbody, "a:p")


def _picture(slide, shape_id: int, frame: ImageFrame, images: dict[Path, object]):
    """A picture of *frame* (python-pptx's ``add_picture``, with one image part per file and deck).

    ``add_picture`` reads and hashes the file again for every picture, then looks through
    every part of the package for one with the same hash: the logo of every slide made
    that quadratic in the number of slides.
    """
    part = images.get(frame.path)
    if part is None:
        part, rel = slide.part.get_or_add_image_part(frame.path)
        images[frame.path] = part
    else:
        rel = slide.part.relate_to(part, RT.IMAGE)
    # name and alt text are set on the element: python-pptx writes the name into its XML unescaped
    pic = slide.shapes._spTree.add_pic(shape_id, "Picture", "", rel, emu(frame.box.x), emu(frame.box.y),
                                       emu(frame.box.w), emu(frame.box.h))
    return Picture(pic, slide.shapes)


def _draw(slide, frame, s: SlideScene, scene: DeckScene, title_ph, shape_id: int,
          images: dict[Path, object]) -> None:
    shapes = slide.shapes
    fonts = scene.fonts
    decorative = s.decorative(frame)
    if isinstance(frame, TableFrame):
        _table(slide, shape_id, frame, scene)
        return
    if isinstance(frame, QrFrame):
        _qr(shapes._spTree, shape_id, frame)
        return
    if isinstance(frame, ShapeFrame):
        _shape(shapes._spTree, shape_id, frame, decorative)
        return
    if isinstance(frame, ChartFrame):  # a native chart with its workbook (issue 16)
        from .chart_pptx import add_chart

        add_chart(slide, shape_id, frame, dt.datetime.fromisoformat(scene.date))
        return
    if isinstance(frame, ImageFrame):
        pic = _picture(slide, shape_id, frame, images)
        if frame.crop_circle:  # a round portrait: crop the photo to a centred square first
            iw, ih = pic.image.size
            excess = (max(iw, ih) - min(iw, ih)) / 2 / max(iw, ih)
            if iw > ih:
                pic.crop_left = pic.crop_right = excess
            elif ih > iw:
                pic.crop_top = pic.crop_bottom = excess
            pic.auto_shape_type = MSO_SHAPE.OVAL
        if frame.cover:  # a background: the picture fills its box, its overflow cropped evenly
            _crop_to_cover(pic, frame.box)
        pic.name = frame.name
        cnvpr = pic._element._nvXxPr.cNvPr
        # alt text: no public API (python-pptx#1139); a decorative picture has none
        cnvpr.set("descr", "" if decorative else frame.alt)
        if decorative:
            _mark_decorative(cnvpr)
        return
    if frame.role == "title" and title_ph is not None:
        _place(title_ph, frame)
        _fill_text(title_ph, frame, scene, fonts)
        shapes._spTree.append(title_ph._element)  # keep the scene's drawing order
        return
    _text_box(shapes._spTree, shape_id, frame, scene, fonts, slide.part, decorative, s.number)


# --- tables (issue 16) ----------------------------------------------------------------

#: PowerPoint's "No Style, No Grid": every fill and line of a deckgen table is its own
NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"


def _table(slide, shape_id: int, frame: TableFrame, scene: DeckScene) -> None:
    """A native table (``a:tbl``) with the scene's column widths, row heights, fills and fitted cell text."""
    b = frame.box
    shape = slide.shapes.add_table(len(frame.heights), len(frame.widths), emu(b.x), emu(b.y), emu(b.w), emu(b.h))
    cnvpr = shape._element.nvGraphicFramePr.cNvPr
    cnvpr.set("id", str(shape_id))
    cnvpr.set("name", frame.name)
    cnvpr.set("descr", frame.alt)
    table = shape.table
    tbl = table._tbl
    tbl.tblPr.set("firstRow", "1" if frame.header_rows else "0")  # the header row, for screen readers
    tbl.tblPr.set("bandRow", "0")
    style = tbl.tblPr.find(qn("a:tableStyleId"))
    style.text = NO_STYLE_TABLE
    for column, w in zip(table.columns, frame.widths):
        column.width = emu(w)
    for row, h in zip(table.rows, frame.heights):
        row.height = emu(h)
    for r, cells in enumerate(frame.cells):
        for c, text in enumerate(cells):
            _table_cell(table.cell(r, c), text, frame, scene, shape.part)


def _table_cell(cell, frame: TextFrame, table: TableFrame, scene: DeckScene, part) -> None:
    """One cell: its fill, no lines, insets from the table's padding, and its text anchored as in the PDF."""
    align = frame.paragraphs[0].align if frame.paragraphs else "left"
    # the slack of text boxes (see _text_box_geometry), taken from the side the text is aligned away from
    slack_l = {"left": 0.0, "center": WRAP_SLACK / 2, "right": WRAP_SLACK}[align]
    cell.margin_left = emu(table.pad_x - slack_l)
    cell.margin_right = emu(table.pad_x - (WRAP_SLACK - slack_l))
    cell.margin_top = emu(table.pad_y + frame.offset)
    cell.margin_bottom = 0
    cell.vertical_anchor = MSO_ANCHOR.TOP
    tcpr = cell._tc.get_or_add_tcPr()
    for side in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        _sub(_sub(tcpr, side, w="0"), "a:noFill")
    if frame.fill:
        _sub(_sub(tcpr, "a:solidFill"), "a:srgbClr", val=_hex(frame.fill))
    txbody = cell._tc.get_or_add_txBody()
    for p in txbody.findall(qn("a:p")):
        txbody.remove(p)
    _paragraphs(txbody, frame, scene, scene.fonts, part)


def _crop_to_cover(pic, box: Box) -> None:
    """Crop the picture so that, stretched to *box*, it keeps its proportions (CSS ``object-fit: cover``)."""
    iw, ih = pic.image.size
    image, frame = iw / ih, box.w / box.h
    if image > frame:  # wider than the box: crop left and right
        pic.crop_left = pic.crop_right = (1 - frame / image) / 2
    elif image < frame:
        pic.crop_top = pic.crop_bottom = (1 - image / frame) / 2


# --- QR codes (issue 16) -------------------------------------------------------------------------

def _qr(tree, shape_id: int, frame: QrFrame) -> None:
    """One shape: the light plate, and the dark modules as one custom geometry of rectangles.

    Grouped so the code moves as one piece; its alternative text is the address it holds.
    """
    b = frame.box
    grp = _sub(tree, "p:grpSp")
    nv = _sub(grp, "p:nvGrpSpPr")
    _sub(nv, "p:cNvPr", id=str(shape_id), name=frame.name, descr=frame.url)
    _sub(nv, "p:cNvGrpSpPr")
    _sub(nv, "p:nvPr")
    xfrm = _sub(_sub(grp, "p:grpSpPr"), "a:xfrm")
    for tag in ("a:off", "a:chOff"):
        _sub(xfrm, tag, x=str(emu(b.x)), y=str(emu(b.y)))
    for tag in ("a:ext", "a:chExt"):
        _sub(xfrm, tag, cx=str(emu(b.w)), cy=str(emu(b.h)))
    for i, name in enumerate((f"{frame.name}-plate", f"{frame.name}-modules")):
        sp = _sub(grp, "p:sp")
        snv = _sub(sp, "p:nvSpPr")
        _sub(snv, "p:cNvPr", id=str(shape_id * 1000 + i + 1), name=name)
        _sub(snv, "p:cNvSpPr")
        _sub(snv, "p:nvPr")
        sppr = _sub(sp, "p:spPr")
        sx = _sub(sppr, "a:xfrm")
        _sub(sx, "a:off", x=str(emu(b.x)), y=str(emu(b.y)))
        _sub(sx, "a:ext", cx=str(emu(b.w)), cy=str(emu(b.h)))
        if i == 0:
            _sub(_sub(sppr, "a:prstGeom", prst="rect"), "a:avLst")
            color = frame.light
        else:
            _qr_geometry(sppr, frame)
            color = frame.dark
        _sub(_sub(sppr, "a:solidFill"), "a:srgbClr", val=_hex(color))
        _sub(_sub(sppr, "a:ln"), "a:noFill")


def _qr_geometry(sppr, frame: QrFrame) -> None:
    """The dark modules as one ``a:custGeom`` path in module units (the same runs as the PDF's SVG path)."""
    geom = _sub(sppr, "a:custGeom")
    for tag in ("a:avLst", "a:gdLst", "a:ahLst", "a:cxnLst"):
        _sub(geom, tag)
    _sub(geom, "a:rect", l="0", t="0", r="r", b="b")
    path = _sub(_sub(geom, "a:pathLst"), "a:path", w=str(frame.size), h=str(frame.size))
    for y, x, n in frame.runs():
        for i, (px, py) in enumerate(((x, y), (x + n, y), (x + n, y + 1), (x, y + 1))):
            _sub(_sub(path, "a:moveTo" if i == 0 else "a:lnTo"), "a:pt", x=str(px), y=str(py))
        _sub(path, "a:close")


class _Slides:
    """Adds slides to one presentation, each in constant time, and keeps what they share (image parts).

    python-pptx's ``add_slide`` looks through every relationship of the presentation for
    one to the new slide (there is none: the slide is new) and through every slide id for
    the largest, which made a long deck quadratic (on 1,500 slides, a third of the PPTX
    time). Here the relationship is added directly and the ids counted: the same rIds,
    ids and part names as ``add_slide`` gives.
    """

    def __init__(self, prs) -> None:
        self.prs = prs
        self._ids = itertools.count(prs.slides._sldIdLst._next_id)
        self.images: dict[Path, object] = {}

    def add(self, layout, with_title: bool):
        """A slide on *layout* with only the layout's title placeholder, if wanted.

        Every frame other than the title is drawn as a text box, shape or picture, so the
        layout's other placeholders would only be removed again.
        """
        part = self.prs.part
        slide_part = SlidePart.new(part._next_slide_partname, part.package, layout.part)
        rel = part._rels._add_relationship(RT.SLIDE, slide_part)
        slide = slide_part.slide
        if with_title:
            title = next((ph for ph in layout.iter_cloneable_placeholders() if ph.element.ph_type in TITLE_TYPES),
                         None)
            if title is not None:
                slide.shapes.clone_placeholder(title)
        self.prs.slides._sldIdLst._add_sldId(id=next(self._ids), rId=rel)
        return slide


def _add_slide(slides: _Slides, s: SlideScene, scene: DeckScene, layouts: dict[str, object],
               template: PptxTemplate) -> None:
    slide = slides.add(layouts[template.layout_for(s.kind)], True)
    images = slides.images
    title_ph = next(iter(slide.placeholders), None)
    bg = slide.background.fill
    bg.solid()
    bg.fore_color.rgb = _rgb(s.background)
    # shape ids as python-pptx gives them: one more than the largest on the slide
    next_id = max((int(i) for i in slide.shapes._spTree.xpath("//@id") if i.isdigit()), default=0) + 1
    if title_ph is not None and not any(isinstance(f, TextFrame) and f.role == "title" for f in s.frames):
        _hidden_title(slide, title_ph, s, scene)
    for frame in s.frames:
        if isinstance(frame, TextFrame) and frame.role == "title" and title_ph is not None:
            _draw(slide, frame, s, scene, title_ph, 0, images)  # keeps its id
            continue
        _draw(slide, frame, s, scene, title_ph, next_id, images)
        next_id += 1
    if s.notes:
        slide.notes_slide.notes_text_frame.text = s.notes
        _keep_serialized(slide.notes_slide.part)
    _keep_serialized(slide.part)


def _hidden_title(slide, title_ph, s: SlideScene, scene: DeckScene) -> None:
    """Give a slide that shows no title (an image or a quote without one) its title, above the slide.

    PowerPoint's accessibility checker wants a title on every slide, and its outline and screen
    readers name slides by it; off the slide, no program draws it. It is read first.
    """
    x, y, w, h = OFF_SLIDE_TITLE
    frame = TextFrame("title", Box(x, y, w, h),
                      (Paragraph((Run(s.title or s.id),), 28, scene.colors["primary"], font="heading", bold=True),),
                      role="title")
    _draw(slide, frame, s, scene, title_ph, 0, {})
    tree = slide.shapes._spTree
    tree.remove(title_ph._element)
    tree.insert(2, title_ph._element)  # after the group's own properties: first in reading order


@lru_cache(maxsize=None)
def _serialized_class(cls: type) -> type:
    return type(f"Serialized{cls.__name__}", (cls,), {"blob": property(lambda self: self._serialized)})


def _keep_serialized(part) -> None:
    """Keep a finished slide's XML as bytes (what saving would write) instead of its element tree.

    python-pptx holds every slide's tree until the file is saved: about 0.13 MiB a slide, most
    of the memory of a long deck. Nothing reads a slide again once it is drawn, so its part
    keeps the serialized XML (``blob``) and its relationships, and drops the tree.
    """
    blob = part.blob
    part.__class__ = _serialized_class(type(part))
    part._serialized = blob
    for cached in ("slide", "notes_slide", "_element"):  # the tree and what python-pptx cached on it
        part.__dict__.pop(cached, None)


def _core_properties(prs, scene: DeckScene) -> None:
    cp = prs.core_properties
    cp.title = scene.title
    cp.author = scene.author
    cp.subject = scene.subject
    cp.keywords = "; ".join(scene.keywords)
    cp.language = scene.language_tag
    cp.last_modified_by = "deckgen"
    cp.comments = ""
    cp.category = ""
    cp.revision = 1
    when = dt.datetime.fromisoformat(scene.date)
    cp.created = cp.modified = when
    cp.last_printed = when


def _app_properties(prs, scene: DeckScene) -> None:
    """Rewrite docProps/app.xml, which python-pptx leaves as its template's (4:3, 0 slides)."""
    from xml.sax.saxutils import escape

    part = next((p for p in prs.part.package.iter_parts() if str(p.partname) == "/docProps/app.xml"), None)
    if part is None:
        return
    titles = [s.title for s in scene.slides]
    theme = "deckgen" if prs.slide_master.part.part_related_by(RT.THEME) else "Office Theme"
    notes = sum(1 for s in scene.slides if s.notes)
    parts = "".join(f"<vt:lpstr>{escape(t)}</vt:lpstr>" for t in [theme, *titles])
    part._blob = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<TotalTime>0</TotalTime><Application>deckgen</Application>"
        "<PresentationFormat>Widescreen</PresentationFormat>"
        f"<Slides>{len(titles)}</Slides><Notes>{notes}</Notes><HiddenSlides>0</HiddenSlides>"
        '<HeadingPairs><vt:vector size="4" baseType="variant">'
        "<vt:variant><vt:lpstr>Theme</vt:lpstr></vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant>"
        "<vt:variant><vt:lpstr>Slide Titles</vt:lpstr></vt:variant>"
        f"<vt:variant><vt:i4>{len(titles)}</vt:i4></vt:variant></vt:vector></HeadingPairs>"
        f'<TitlesOfParts><vt:vector size="{len(titles) + 1}" baseType="lpstr">{parts}</vt:vector></TitlesOfParts>'
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>16.0000</AppVersion></Properties>"
    ).encode("utf-8")


def _drop_slides(prs) -> None:
    """Remove a template's own sample slides (no public API: python-pptx#67)."""
    ids = prs.slides._sldIdLst
    for sld in list(ids):
        prs.part.drop_rel(sld.rId)
        ids.remove(sld)


def render_pptx(scene: DeckScene, template: PptxTemplate | None = None) -> bytes:
    """The PPTX bytes of *scene*, on deckgen's template with the brand's theme or on a chapter's *template*."""
    if template is None:
        key = (tuple(sorted(scene.colors.items())), tuple(sorted(scene.fonts.items())))
        prs = Presentation(io.BytesIO(_template_bytes(key)))
        template = PptxTemplate(Path("deckgen-default.pptx"))
    else:
        prs = open_template(template.path)
        _drop_slides(prs)
        _brand_themes(prs, scene)
        keep_needed_parts(prs)  # a template's thumbnail, macros or custom XML stay out of the deck
    layouts = {lay.name: lay for lay in prs.slide_layouts}
    slides = _Slides(prs)
    for s in scene.slides:
        _add_slide(slides, s, scene, layouts, template)
    _core_properties(prs, scene)
    _app_properties(prs, scene)
    if scene.slides:
        _thumbnail(prs, scene)
    return _save(prs)


def _brand_themes(prs, scene: DeckScene) -> None:
    """Give a chapter template's themes the brand's colours (hyperlinks included) and fonts.

    A template keeps its own theme otherwise: links, accents and "Calibri" of the Office
    theme wherever a presenter adds text, and in what PowerPoint draws from the theme.
    """
    for master in prs.slide_masters:
        theme = master.part.part_related_by(RT.THEME)
        theme._blob = _theme_xml(theme.blob, scene)


def _thumbnail(prs, scene: DeckScene) -> None:
    """``docProps/thumbnail.jpeg``: the first slide, 256 pixels wide (:mod:`deckgen.thumbnail`)."""
    from pptx.opc.package import Part
    from pptx.opc.packuri import PackURI

    from .thumbnail import thumbnail_jpeg

    package = prs.part.package
    blob = thumbnail_jpeg(scene)
    part = next((p for p in package.iter_parts() if str(p.partname) == "/docProps/thumbnail.jpeg"), None)
    if part is None:
        part = Part(PackURI("/docProps/thumbnail.jpeg"), "image/jpeg", package, blob)
        package.relate_to(part, RT.THUMBNAIL)
    part._blob = blob


def _save(prs) -> bytes:
    """The package of *prs* as ``prs.save`` writes it, with fixed entry dates and attributes.

    Equal inputs give equal bytes. Writing the entries ourselves (python-pptx's order:
    content types, package relationships, then each part and its relationships) saves
    compressing everything twice, as saving and then rewriting the archive did.
    """
    from pptx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from pptx.opc.serialized import _ContentTypesItem
    from pptx.opc.oxml import serialize_part_xml

    package = prs.part.package
    parts = tuple(package.iter_parts())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        def write(uri, blob: bytes) -> None:
            info = zipfile.ZipInfo(uri.membername, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zout.writestr(info, blob)

        write(CONTENT_TYPES_URI, serialize_part_xml(_ContentTypesItem.xml_for(parts)))
        write(PACKAGE_URI.rels_uri, package._rels.xml)
        for part in parts:
            write(part.partname, part.blob)
            if part._rels:
                write(part.partname.rels_uri, part.rels.xml)
    return out.getvalue()
