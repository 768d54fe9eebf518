"""Tagged PDF (PDF/UA-1): what deckgen adds to WeasyPrint's tags, and joining tagged parts.

WeasyPrint 70 tags a document from its HTML (``pdf_variant="pdf/ua-1"``): one structure
element per element, text as marked content, backgrounds and borders as artifacts. Two
things a slide needs are missing, and are added here by wrapping two of its functions:

* **Artifacts.** An element with a ``data-artifact`` attribute (decorative shapes, the
  large quotation mark, initials in an avatar, the logo repeated on content slides, the
  footer) is drawn as an ``/Artifact`` and gets no structure element, so a screen reader
  skips it; WeasyPrint would give an empty ``Div`` to every shape and read the footer
  of every slide.
* **Roles.** ``data-pdf-role="L"`` (``LI``, ``Lbl``) gives an element that structure
  type instead of the one its HTML tag maps to, and ``data-pdf-body-role="LBody"`` the
  anonymous box that holds its lines. deckgen's lists are paragraphs with a hanging
  marker, placed exactly as in the PPTX; with these roles they are tagged as PDF lists
  (``L > LI > Lbl, LBody``).

A long deck is rendered in parts (:mod:`deckgen.render_pdf`), each with its own
structure tree; :func:`join_structure` makes one tree of them after pypdf has joined the
pages, renumbering the parent-tree keys of each part's pages and links.
"""

from __future__ import annotations

from typing import Any

#: the PDF variant of a tagged deck
PDF_VARIANT = "pdf/ua-1"

_PATCHED = False


def install() -> None:
    """Teach WeasyPrint's tagging about ``data-artifact`` and ``data-pdf-role`` (once per process)."""
    global _PATCHED
    if _PATCHED:
        return
    from weasyprint.css import AnonymousStyle
    from weasyprint.layout.absolute import AbsolutePlaceholder
    from weasyprint.pdf import stream as stream_module
    from weasyprint.pdf import tags as tags_module

    marked = stream_module.Stream.marked
    build = tags_module._build_box_tree

    def is_artifact(box: Any) -> bool:
        element = getattr(box, "element", None)
        return element is not None and element.get("data-artifact") is not None

    def marked_or_artifact(self: Any, box: Any, tag: str) -> Any:
        # The text and images of a decorative element are an artifact, with no marked-content id.
        return self.artifact() if is_artifact(box) else marked(self, box, tag)

    def build_box_tree(box: Any, parent: Any, pdf: Any, page_number: int, nums: Any, annotations: Any,
                       tags: Any) -> Any:
        inner = box._box if isinstance(box, AbsolutePlaceholder) else box
        if is_artifact(inner):
            return  # no structure element for it, nor for anything inside it
        # An anonymous box has its element's attributes too, but is not that element: it takes
        # data-pdf-body-role. In a list item, that box holds the lines of text beside the
        # absolutely placed marker: the item's body.
        attribute = "data-pdf-body-role" if isinstance(inner.style, AnonymousStyle) else "data-pdf-role"
        role = inner.element.get(attribute) if inner.element is not None else None
        for element in build(box, parent, pdf, page_number, nums, annotations, tags):
            if role:
                element["S"] = f"/{role}"
            yield element

    stream_module.Stream.marked = marked_or_artifact  # type: ignore[method-assign]
    tags_module._build_box_tree = build_box_tree  # the recursion goes through the module global
    _PATCHED = True


def join_structure(writer: Any, readers: list[Any]) -> None:
    """Give *writer* (the pages of *readers* appended in order) one structure tree made of theirs.

    Each part's top ``Document`` element contributes its children, in order, to one new
    ``Document``. Their references to pages and link annotations must lead to the copies
    pypdf made with the pages, so those are registered as the copies of the originals
    before the tree is copied. pypdf drops the pages' ``/StructParents`` and the links'
    ``/StructParent``; each part numbers these parent-tree keys from 0 (its pages, then its
    links), so they are set again, shifted by the keys of the parts before it, in the pages
    and links as in the parent tree.
    """
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject

    roots = [r.trailer["/Root"].get("/StructTreeRoot") for r in readers]
    if not all(roots):
        return  # an untagged part: nothing to join
    document = DictionaryObject({NameObject("/Type"): NameObject("/StructElem"),
                                 NameObject("/S"): NameObject("/Document"), NameObject("/K"): ArrayObject()})
    doc_ref = writer._add_object(document)
    nums = ArrayObject()
    parent_tree = DictionaryObject({NameObject("/Nums"): nums})
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot"),
                             NameObject("/K"): ArrayObject([doc_ref]),
                             NameObject("/ParentTree"): writer._add_object(parent_tree)})
    root_ref = writer._add_object(root)
    document[NameObject("/P")] = root_ref
    offset = 0
    first_page = 0
    for reader, struct_root in zip(readers, roots):
        copies = writer._id_translated.setdefault(id(reader), {})
        for original, copy in zip(reader.pages, writer.pages[first_page:first_page + len(reader.pages)]):
            _shift_keys(original, copy, offset, copies)
        struct_root = struct_root.get_object()
        for kid in struct_root["/K"][0].get_object()["/K"]:
            copied = kid.clone(writer)
            copied.get_object()[NameObject("/P")] = doc_ref
            document["/K"].append(copied)
        entries = struct_root["/ParentTree"].get_object()["/Nums"]
        keys = 0
        for i in range(0, len(entries), 2):
            key = int(entries[i])
            nums.append(NumberObject(key + offset))
            nums.append(entries.raw_get(i + 1).clone(writer) if hasattr(entries, "raw_get")
                        else entries[i + 1].clone(writer))
            keys = max(keys, key + 1)
        first_page += len(reader.pages)
        offset += keys
    root[NameObject("/ParentTreeNextKey")] = NumberObject(offset)
    writer._root_object[NameObject("/StructTreeRoot")] = root_ref
    for key in ("/MarkInfo", "/ViewerPreferences"):
        value = readers[0].trailer["/Root"].get(key)
        if value is not None:
            writer._root_object[NameObject(key)] = value.clone(writer)


def _shift_keys(original: Any, copy: Any, offset: int, copies: dict[int, int]) -> None:
    """Set the parent-tree keys of page *copy* and its links from *original*'s, plus *offset*; register
    each link's copy as the copy of the original link (*copies*: pypdf's map of object numbers)."""
    from pypdf.generic import NameObject, NumberObject

    if "/StructParents" in original:
        copy[NameObject("/StructParents")] = NumberObject(int(original["/StructParents"]) + offset)
    theirs = [a for a in original.get("/Annots", ()) if a.get_object().get("/Subtype") == "/Link"]
    ours = [a for a in copy.get("/Annots", ()) if a.get_object().get("/Subtype") == "/Link"]
    if len(theirs) != len(ours):
        raise ValueError(f"joining PDFs: a page has {len(theirs)} links, its copy {len(ours)}")
    for a, b in zip(theirs, ours):
        key = a.get_object().get("/StructParent")
        if key is not None:
            b.get_object()[NameObject("/StructParent")] = NumberObject(int(key) + offset)
        copies[a.idnum] = b.idnum
