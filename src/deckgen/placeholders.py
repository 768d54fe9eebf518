"""Named %-placeholders of translatable phrases: ``%(weekday)s``.

deckgen's own phrases (``layouts/phrases.j2``, the announcement layouts) are translated and
then %-formatted with their values, as Jinja's ``gettext`` does. A translation comes from a
translator, so :func:`format_specs` lets the catalog check compare its placeholders with the
source's, conversion included (``%(weekday)d`` is not ``%(weekday)s``), and
:func:`literal_percents` makes every other ``%`` (``100%``, ``{% if %}``) a literal percent
sign before formatting. Standard library only: the PDF workers use it.
"""

from __future__ import annotations

import re
from collections import Counter

#: a %-directive with a name: ``%(weekday)s``, ``%(n)d``, ``%(x)-5.2f`` (a broken ``%(x`` matches too)
_DIRECTIVE_RE = re.compile(r"%%|%\((?P<name>[^()]*)(?:\)(?P<spec>[-#0 +]*[0-9]*(?:\.[0-9]+)?"
                           r"[diouxXeEfFgGcrsa]?))?")


def format_specs(text: str) -> Counter[str]:
    """The named %-placeholders of *text* exactly as written, e.g. ``{"%(weekday)s": 1}``.

    ``%%`` and a ``%`` that starts no placeholder (``100%``) are literal percent signs; a
    placeholder that is not complete (``%(x``, ``%(x)``) is returned as written, so it never
    matches the source's.
    """
    return Counter(m.group() for m in _DIRECTIVE_RE.finditer(text) if m.group() != "%%")


def literal_percents(text: str) -> str:
    """*text* with every ``%`` that starts no placeholder doubled, ready for %-formatting.

    >>> literal_percents("%(n)s at 100% {% if %}")
    '%(n)s at 100%% {%% if %%}'
    """
    out, pos = [], 0
    for m in _DIRECTIVE_RE.finditer(text):
        if m.group() != "%%" and not (m.group("spec") and m.group("spec")[-1:].isalpha()):
            continue  # a broken placeholder: its '%' is doubled below
        out.append(text[pos:m.start()].replace("%", "%%"))
        out.append(m.group())
        pos = m.end()
    out.append(text[pos:].replace("%", "%%"))
    return "".join(out)
