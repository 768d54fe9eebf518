"""A chapter's PowerPoint template, opened within limits and trimmed to what a deck needs.

A ``.pptx`` is a zip archive, and python-pptx reads every member of it into memory when it
opens one. A template comes with a brand, from a chapter, so before python-pptx sees it the
archive is checked (issue 12, B15): at most :data:`MAX_TEMPLATE_BYTES` on disk and
:data:`MAX_PARTS` members, none expanding to more than :data:`MAX_PART_BYTES` and all
together to no more than :data:`MAX_TOTAL_BYTES` (Python's zip reader never returns more
than a member's declared size, so these bounds hold even for a lying archive). Once opened,
only the parts a presentation needs are kept (:func:`keep_needed_parts`): those its XML
refers to, plus the masters, layouts, themes and properties PowerPoint expects; a
thumbnail, custom XML, macros, comments or anything else the template carries is not
copied into the decks made from it.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path
from typing import Any

from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from .errors import RenderError

MAX_TEMPLATE_BYTES = 50 * 2**20
MAX_PARTS = 1000
MAX_PART_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 200 * 2**20
#: the end-of-archive record of a zip file, and how far from the end it can be (its comment)
_END = b"PK\x05\x06"
_END_SEARCH = 22 + 65535

#: relationships a presentation needs although no XML attribute names them
IMPLICIT = frozenset({
    RT.OFFICE_DOCUMENT, RT.CORE_PROPERTIES, RT.EXTENDED_PROPERTIES, RT.THEME, RT.THEME_OVERRIDE,
    RT.PRES_PROPS, RT.VIEW_PROPS, RT.TABLE_STYLES, RT.SLIDE_MASTER, RT.SLIDE_LAYOUT, RT.NOTES_MASTER,
    RT.HANDOUT_MASTER, RT.NOTES_SLIDE, RT.SLIDE,
})
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB"


def _end_record(data: bytes) -> tuple[int, int] | None:
    """(members, size of the central directory) from the zip's end record, or None if it has none."""
    at = data.rfind(_END, max(0, len(data) - _END_SEARCH))
    if at < 0 or len(data) - at < 22:
        return None
    members, cd_size = struct.unpack("<HI", data[at + 10:at + 16])
    return members, cd_size


def template_problem(path: Path) -> str | None:
    """Why the template at *path* may not be opened (too large, or not a .pptx), or None.

    Reads the archive's directory only, never a member.
    """
    name = path.name
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        return f"the template {name} is {_mib(size)}, more than {_mib(MAX_TEMPLATE_BYTES)}; make it smaller"
    data = path.read_bytes()
    end = _end_record(data)
    if end is None:
        return f"the template {name} is not a PowerPoint file (not a .pptx package); save it again as .pptx"
    members, cd_size = end
    # checked before Python's zip reader builds an object per member: 65535 (0xFFFF) means zip64,
    # which no template needs
    if members > MAX_PARTS or members == 0xFFFF or cd_size > MAX_PARTS * 1024:
        return f"the template {name} holds more than {MAX_PARTS} parts; save it again from PowerPoint"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, struct.error):
        return f"the template {name} is not a PowerPoint file (not a .pptx package); save it again as .pptx"
    if len(infos) > MAX_PARTS:
        return f"the template {name} holds more than {MAX_PARTS} parts; save it again from PowerPoint"
    total = 0
    for info in infos:
        if info.file_size > MAX_PART_BYTES:
            return (f"the template {name} has a part ({info.filename[:80]}) that expands to "
                    f"{_mib(info.file_size)}, more than {_mib(MAX_PART_BYTES)}; remove it, or save the "
                    "template again with smaller pictures")
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        return (f"the template {name} expands to {_mib(total)}, more than {_mib(MAX_TOTAL_BYTES)}; "
                "save it again with smaller pictures")
    if len({i.filename for i in infos}) != len(infos):
        return f"the template {name} holds a part twice; save it again from PowerPoint"
    return None


class TemplateError(RenderError):
    """A template that may not be opened; the message says why and what to do."""


def open_template(path: Path) -> Any:
    """The template at *path* as a python-pptx presentation, once its archive is within the limits."""
    from pptx import Presentation

    problem = template_problem(path)
    if problem is not None:
        raise TemplateError(problem)
    return Presentation(io.BytesIO(path.read_bytes()))


def _referenced(part: Any) -> set[str]:
    """The relationship ids the XML of *part* names (``r:id``, ``r:embed``, ``r:link``, …)."""
    element = getattr(part, "_element", None)
    if element is None:
        return set()
    prefix = "{" + _R_NS + "}"
    return {str(value) for node in element.iter() for name, value in node.attrib.items()
            if name.startswith(prefix)}


def _prune(rels: Any, referenced: set[str]) -> None:
    for rId in list(rels):
        rel = rels[rId]
        if rel.reltype not in IMPLICIT and rId not in referenced:
            rels.pop(rId)


def keep_needed_parts(prs: Any) -> None:
    """Drop every relationship (so every part) a presentation does not need from *prs*'s package."""
    package = prs.part.package
    _prune(package._rels, set())
    for part in package.iter_parts():  # walks the relationships left, after each part is pruned
        _prune(part.rels, _referenced(part))
