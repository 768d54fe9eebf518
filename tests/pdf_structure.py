"""An independent reading of a tagged PDF (pikepdf, on qpdf): the structure tree and the PDF/UA-1 rules checked.

Nothing here comes from deckgen or WeasyPrint: the PDF is read as any checker would read it.
:func:`read` walks the structure tree from the catalog, follows every marked-content id and
annotation to its page, and collects what breaks a rule of PDF/UA-1 that a program can check
(the list is in docs/accessibility.md).
"""

from __future__ import annotations

import collections
import re
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

#: the standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4): anything else needs a role map
STANDARD_TYPES = {
    "Document", "Part", "Art", "Sect", "Div", "BlockQuote", "Caption", "TOC", "TOCI", "Index",
    "NonStruct", "Private", "P", "H", "H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody",
    "Table", "TR", "TH", "TD", "THead", "TBody", "TFoot", "Span", "Quote", "Note", "Reference",
    "BibEntry", "Code", "Link", "Annot", "Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP",
    "Figure", "Formula", "Form",
}


@dataclass
class Element:
    type: str
    page: int | None  # index of the page of /Pg
    alt: str | None
    mcids: list[int] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # URIs of the link annotations it holds
    children: list[Element] = field(default_factory=list)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def text_types(self) -> list[str]:
        return [e.type for e in self.walk()]


@dataclass
class Structure:
    """What a tagged PDF holds: its structure tree and the rules it breaks."""

    document: Element
    problems: list[str]
    lang: str
    title: str
    counts: collections.Counter

    def sections(self) -> list[Element]:
        return [c for c in self.document.children if c.type == "Sect"]

    def figures(self) -> list[Element]:
        return [e for e in self.document.walk() if e.type == "Figure"]


def _marked_content(page: pikepdf.Page) -> tuple[set[int], int]:
    """The marked-content ids shown on *page*, and how many text or image operators lie outside any
    marked content (an untagged, unartifacted mark)."""
    mcids: set[int] = set()
    depth = 0
    stray = 0
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op in ("BDC", "BMC"):
            depth += 1
            if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and "/MCID" in operands[1]:
                mcids.add(int(operands[1].MCID))
        elif op == "EMC":
            depth -= 1
        elif op in ("Tj", "TJ", "'", '"', "Do", "sh") and depth == 0:
            stray += 1
    return mcids, stray


def read(path: Path) -> Structure:
    """Read the tagged PDF at *path*; see :class:`Structure`."""
    pdf = pikepdf.open(path)
    root = pdf.Root
    problems: list[str] = []
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    lang = str(root.get("/Lang", ""))
    if not lang:
        problems.append("no /Lang in the catalog")
    if not root.get("/MarkInfo", {}).get("/Marked", False):
        problems.append("/MarkInfo /Marked is not true")
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
        problems.append("/ViewerPreferences /DisplayDocTitle is not true")
    title = ""
    with pdf.open_metadata() as meta:
        title = str(meta.get("dc:title", ""))
        if meta.get("pdfuaid:part") != "1":
            problems.append(f"XMP pdfuaid:part is {meta.get('pdfuaid:part')!r}, not 1")
    if not title:
        problems.append("no dc:title in the XMP metadata")
    tree = root.get("/StructTreeRoot")
    if tree is None:
        raise AssertionError(f"{path}: no structure tree")
    role_map = tree.get("/RoleMap", {})
    # parent tree: key -> list of elements (a page's MCIDs) or one element (an annotation)
    parent_tree: dict[int, object] = {}

    def number_tree(node):
        nums = node.get("/Nums")
        if nums is not None:
            for i in range(0, len(nums), 2):
                parent_tree[int(nums[i])] = nums[i + 1]
        for kid in node.get("/Kids", ()):
            number_tree(kid)

    number_tree(tree.ParentTree)
    seen_mcids: dict[int, set[int]] = collections.defaultdict(set)
    seen_annots: set[tuple[int, int]] = set()
    counts: collections.Counter = collections.Counter()

    def element(obj, parent) -> Element:
        kind = str(obj.S)[1:]
        counts[kind] += 1
        if kind not in STANDARD_TYPES and str(role_map.get("/" + kind, ""))[1:] not in STANDARD_TYPES:
            problems.append(f"structure type {kind} is neither standard nor role-mapped")
        if parent is not None and obj.get("/P") is not None and obj.P.objgen != parent.objgen:
            problems.append(f"{kind}: /P does not point at its parent")
        pg = obj.get("/Pg")
        page = pages.get(pg.objgen) if pg is not None else None
        if pg is not None and page is None:
            problems.append(f"{kind}: /Pg is not a page of the document")
        alt = obj.get("/Alt")
        out = Element(kind, page, str(alt) if alt is not None else None)
        kids = obj.get("/K")
        if kids is None:
            kids = []
        elif not isinstance(kids, pikepdf.Array):
            kids = [kids]
        for kid in kids:
            if isinstance(kid, int):
                mcid_kid(out, obj, page, int(kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                mcid_kid(out, obj, pages.get(kid.Pg.objgen) if "/Pg" in kid else page, int(kid.MCID))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                annot = kid.Obj
                seen_annots.add(annot.objgen)
                key = annot.get("/StructParent")
                if key is None or int(key) not in parent_tree or parent_tree[int(key)].objgen != obj.objgen:
                    problems.append(f"{kind}: its annotation's /StructParent does not lead back to it")
                if not str(annot.get("/Contents", "")):
                    problems.append(f"{kind}: a link annotation without /Contents")
                uri = annot.get("/A", {}).get("/URI")
                out.links.append(str(uri) if uri is not None else "")
            else:
                out.children.append(element(kid, obj))
        if kind == "Figure" and not out.alt:
            problems.append("a Figure without /Alt")
        return out

    def mcid_kid(out: Element, obj, page: int | None, mcid: int) -> None:
        out.mcids.append(mcid)
        if page is None:
            problems.append(f"{out.type}: marked content {mcid} without a page")
            return
        seen_mcids[page].add(mcid)
        key = pdf.pages[page].obj.get("/StructParents")
        entry = parent_tree.get(int(key)) if key is not None else None
        if entry is None or mcid >= len(entry) or entry[mcid].objgen != obj.objgen:
            problems.append(f"{out.type}: page {page + 1} marked content {mcid} is not mapped back to it "
                            "by the parent tree")

    tops = tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]
    if len(tops) != 1:
        problems.append(f"the structure tree has {len(tops)} top elements, not one Document")
    document = element(tops[0], None)
    for i, page in enumerate(pdf.pages):
        shown, stray = _marked_content(page)
        if stray:
            problems.append(f"page {i + 1}: {stray} text or image marks neither tagged nor artifacts")
        if shown != seen_mcids[i]:
            problems.append(f"page {i + 1}: marked content {sorted(shown ^ seen_mcids[i])[:5]} is shown but "
                            "not in the tree, or the reverse")
        annots = page.obj.get("/Annots", ())
        if len(annots) and page.obj.get("/Tabs") != "/S":
            problems.append(f"page {i + 1}: has annotations but /Tabs is not /S")
        for annot in annots:
            if annot.get("/Subtype") == "/Link" and annot.objgen not in seen_annots:
                problems.append(f"page {i + 1}: a link annotation outside the structure tree")
    headings = [int(t[1]) for t in document.text_types() if re.fullmatch(r"H[1-6]", t)]
    for a, b in zip(headings, headings[1:]):
        if b > a + 1:
            problems.append(f"heading level H{b} follows H{a}")
    return Structure(document, problems, lang, title, counts)
